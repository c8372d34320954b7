import { pageRequest, PARTNER_TAG, requestNow, toConnection } from '@switchyard/kit';
import { agingOf, creditExposureOf, openBalanceOf, reservedCreditOf } from '../receivable-totals';
import { ArAgingType } from './ar-aging-type';
import { Money, pageArgs } from './builder';
import {
  invoiceFilterArgs,
  invoiceFilterFrom,
  paymentFilterArgs,
  paymentFilterFrom,
} from './filters';
import { InvoiceConnection } from './invoice-types';
import {
  agedReceivablesLoader,
  customerInvoiceCountLoader,
  customerInvoicesLoader,
  customerPaymentCountLoader,
  customerPaymentsLoader,
  reservedCreditLoader,
  uninvoicedOrdersLoader,
} from './loaders';
import { PaymentConnection } from './payment-types';
import { CustomerRef } from './references';

/**
 * Extends the customers subgraph's Customer (the parent is its key, `{ id }`) with its receivables.
 * Every field is batched across customers: balances, exposure and aging are grouped SQL aggregates.
 */
CustomerRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    openBalance: t.field({
      type: Money,
      nullable: true,
      tag: PARTNER_TAG,
      requiresScopes: [['finance:read']],
      description:
        'What the customer owes: the balances of its OPEN, PARTIALLY_PAID and DISPUTED invoices.',
      resolve: async (customer, _args, ctx) =>
        openBalanceOf(
          customer.id,
          await agedReceivablesLoader(ctx, requestNow(ctx)).load(customer.id),
        ),
    }),
    // Not for partners: credit control's measure.
    creditExposure: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['credit:read']],
      // Ages every open invoice and sums uninvoiced orders from another system.
      cost: 5,
      description:
        'openBalance plus accepted orders not yet invoiced plus reservedCredit: what credit control weighs against the credit limit, and what the next order placed is checked against.',
      resolve: async (customer, _args, ctx) => {
        const [receivables, uninvoiced, reserved] = await Promise.all([
          agedReceivablesLoader(ctx, requestNow(ctx)).load(customer.id),
          uninvoicedOrdersLoader(ctx).load(customer.id),
          reservedCreditLoader(ctx).load(customer.id),
        ]);
        return creditExposureOf(customer.id, receivables, uninvoiced, reserved);
      },
    }),
    // Not for partners: credit control's measure.
    reservedCredit: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['credit:read']],
      description:
        'The part of creditExposure reserved by orders being placed: each order reserves its total when its credit check passes, until it is accepted (then it counts as an uninvoiced order), held, cancelled, or found orphaned.',
      resolve: async (customer, _args, ctx) =>
        reservedCreditOf(customer.id, await reservedCreditLoader(ctx).load(customer.id)),
    }),
    aging: t.field({
      type: ArAgingType,
      nullable: true,
      tag: PARTNER_TAG,
      requiresScopes: [['finance:read']],
      // Buckets every open invoice by days past due.
      cost: 5,
      description: 'The open balance by days past due.',
      args: {
        asOf: t.arg({
          type: 'DateTime',
          description: 'Age the invoices as of this instant (default now).',
        }),
      },
      resolve: async (customer, args, ctx) => {
        const asOf = args.asOf ?? requestNow(ctx);
        return agingOf(customer.id, await agedReceivablesLoader(ctx, asOf).load(customer.id), asOf);
      },
    }),
    invoices: t.field({
      type: InvoiceConnection,
      nullable: true,
      tag: PARTNER_TAG,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description: "The customer's invoices, newest first (keyset on invoice id, descending).",
      args: { ...pageArgs, ...invoiceFilterArgs },
      resolve: async (customer, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...invoiceFilterFrom(args), scope: ctx.rowScope };
        const rows = await customerInvoicesLoader(ctx, filter, page).load(customer.id);
        return toConnection(
          rows,
          page,
          (i) => i.id,
          () => customerInvoiceCountLoader(ctx, filter).load(customer.id),
        );
      },
    }),
    payments: t.field({
      type: PaymentConnection,
      nullable: true,
      tag: PARTNER_TAG,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description: "The customer's payments, newest first (keyset on payment id, descending).",
      args: { ...pageArgs, ...paymentFilterArgs },
      resolve: async (customer, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...paymentFilterFrom(args), scope: ctx.rowScope };
        const rows = await customerPaymentsLoader(ctx, filter, page).load(customer.id);
        return toConnection(
          rows,
          page,
          (p) => p.id,
          () => customerPaymentCountLoader(ctx, filter).load(customer.id),
        );
      },
    }),
  }),
});
