import {
  alignByKey,
  badUserInput,
  createSubgraphBuilder,
  groupByKey,
  LENGTH_DIRECTIVE,
  money,
  notFound,
  pageRequest,
  PARTNER_TAG,
  rowIfVisible,
  toConnection,
  type RowDimensions,
  type SubgraphContext,
} from '@switchyard/kit';
import type { Address, Contact, Customer, CustomerStore } from './store';

type Context = SubgraphContext<CustomerStore>;
const { builder, Money, connectionType, pageArgs } = createSubgraphBuilder<Context>();

export const customerLoader = (ctx: Context) =>
  ctx.loaders.get<string, Customer | null>('customer', async (ids) =>
    alignByKey(ids, await ctx.store.customersByIds(ids), (c) => c.id),
  );
const contactsLoader = (ctx: Context) =>
  ctx.loaders.get<string, Contact[]>('contacts', async (ids) =>
    groupByKey(ids, await ctx.store.contactsByCustomerIds(ids), (c) => c.customerId),
  );
const addressesLoader = (ctx: Context) =>
  ctx.loaders.get<string, Address[]>('addresses', async (ids) =>
    groupByKey(ids, await ctx.store.addressesByCustomerIds(ids), (a) => a.customerId),
  );

const CustomerStatus = builder.enumType('CustomerStatus', {
  description:
    'ACTIVE accounts may order; ON_HOLD accounts are blocked by credit control; INACTIVE accounts are closed.',
  values: ['ACTIVE', 'ON_HOLD', 'INACTIVE'] as const,
});
const CustomerSegment = builder.enumType('CustomerSegment', {
  values: ['WHOLESALE', 'CONTRACTOR', 'RETAIL', 'INSTITUTIONAL'] as const,
});
const PaymentTerms = builder.enumType('PaymentTerms', {
  description:
    'When invoices fall due: NETn is n days after the invoice date; COD is cash on delivery.',
  values: ['NET15', 'NET30', 'NET45', 'NET60', 'COD'] as const,
});
const AddressKind = builder.enumType('AddressKind', { values: ['BILL_TO', 'SHIP_TO'] as const });

const ContactType = builder.objectRef<Contact>('Contact').implement({
  description: 'A person at the customer: buyer, accounts payable, receiving.',
  requiresScopes: [['contacts:read']],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.exposeString('role'),
    email: t.exposeString('email'),
    phone: t.exposeString('phone'),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

const AddressType = builder.objectRef<Address>('Address').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: AddressKind, resolve: (a) => a.kind }),
    name: t.exposeString('name'),
    line1: t.exposeString('line1'),
    line2: t.exposeString('line2', { nullable: true }),
    city: t.exposeString('city'),
    region: t.exposeString('region', { description: 'State or province code.' }),
    postalCode: t.exposeString('postalCode'),
    country: t.exposeString('country', { description: 'ISO-3166 alpha-2.' }),
    isDefault: t.exposeBoolean('isDefault'),
  }),
});

// Partners see their own account (PARTNER_TAG), not credit control's limit nor the CRM's segment, contacts and addresses.
const CustomerType = builder.objectRef<Customer>('Customer').implement({
  description: 'A customer account of the distributor (the customer master, owned by the CRM).',
  fields: (t) => ({
    id: t.exposeID('id', { tag: PARTNER_TAG }),
    accountNumber: t.exposeString('accountNumber', { tag: PARTNER_TAG }),
    name: t.exposeString('name', { tag: PARTNER_TAG }),
    status: t.field({ type: CustomerStatus, tag: PARTNER_TAG, resolve: (c) => c.status }),
    segment: t.field({ type: CustomerSegment, resolve: (c) => c.segment }),
    paymentTerms: t.field({ type: PaymentTerms, tag: PARTNER_TAG, resolve: (c) => c.paymentTerms }),
    creditLimit: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['credit:read']],
      resolve: (c) => money(c.creditLimitCents, c.currency),
    }),
    currency: t.exposeString('currency', { tag: PARTNER_TAG }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
    contacts: t.field({
      type: [ContactType],
      nullable: true,
      requiresScopes: [['contacts:read']],
      resolve: (c, _args, ctx) => contactsLoader(ctx).load(c.id),
    }),
    addresses: t.field({
      type: [AddressType],
      nullable: true,
      authenticated: true,
      args: { kind: t.arg({ type: AddressKind }) },
      resolve: async (c, args, ctx) =>
        (await addressesLoader(ctx).load(c.id)).filter((a) => !args.kind || a.kind === args.kind),
    }),
    billTo: t.field({
      type: AddressType,
      authenticated: true,
      nullable: true,
      description: 'The default bill-to address.',
      resolve: async (c, _args, ctx) =>
        defaultAddress(await addressesLoader(ctx).load(c.id), 'BILL_TO'),
    }),
    shipTo: t.field({
      type: AddressType,
      authenticated: true,
      nullable: true,
      description: 'The default ship-to address.',
      resolve: async (c, _args, ctx) =>
        defaultAddress(await addressesLoader(ctx).load(c.id), 'SHIP_TO'),
    }),
  }),
});

/** A customer is its own row (row-rules.ts). */
/** A customer is its own row, in the channels it orders through (a web store sees its channel's customers). */
export const customerRow = (customer: Pick<Customer, 'id' | 'channels'>): RowDimensions => ({
  customerIds: customer.id,
  channels: customer.channels,
});

builder.asEntity(CustomerType, {
  key: builder.selection<{ id: string }>('id'),
  // A foreign representation resolves as a missing one (null), so it tells nothing about which ids exist.
  resolveReference: async (ref, ctx) =>
    rowIfVisible(ctx.rowScope, await customerLoader(ctx).load(ref.id), customerRow),
});

const CustomerConnection = connectionType<Customer>('Customer', CustomerType);

builder.queryType({
  fields: (t) => ({
    customer: t.field({
      tag: ['stage:order-capture', PARTNER_TAG],
      type: CustomerType,
      nullable: true,
      description:
        'A customer by id or by account number (give exactly one); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), accountNumber: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if ((args.id == null) === (args.accountNumber == null))
          throw badUserInput('give exactly one of "id" and "accountNumber"');
        const customer = args.id
          ? await customerLoader(ctx).load(String(args.id))
          : await ctx.store.customerByAccountNumber(args.accountNumber!);
        if (!customer) throw notFound('Customer', String(args.id ?? args.accountNumber));
        return customer;
      },
    }),
    customers: t.field({
      tag: ['stage:order-capture'],
      type: CustomerConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      args: {
        ...pageArgs,
        status: t.arg({ type: CustomerStatus }),
        segment: t.arg({ type: CustomerSegment }),
        search: t.arg.string({
          description: 'Part of the name or account number (at most 200 characters).',
          directives: { length: { max: 200 } },
        }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = {
          status: args.status,
          segment: args.segment,
          search: args.search,
          scope: ctx.rowScope,
        };
        const rows = await ctx.store.listCustomers(filter, page);
        return toConnection(
          rows,
          page,
          (c) => c.id,
          () => ctx.store.countCustomers(filter),
        );
      },
    }),
  }),
});

function defaultAddress(addresses: Address[], kind: Address['kind']): Address | null {
  const ofKind = addresses.filter((a) => a.kind === kind);
  return ofKind.find((a) => a.isDefault) ?? ofKind[0] ?? null;
}

export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  directives: [LENGTH_DIRECTIVE],
});
