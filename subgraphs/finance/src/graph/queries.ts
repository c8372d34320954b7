import { badUserInput, notFound, pageRequest, PARTNER_TAG, toConnection } from '@switchyard/kit';
import { builder, pageArgs } from './builder';
import {
  invoiceFilterArgs,
  invoiceFilterFrom,
  paymentFilterArgs,
  paymentFilterFrom,
} from './filters';
import { InvoiceConnection } from './invoice-types';
import { invoiceByNumberLoader, invoiceLoader, paymentLoader, taxRateLoader } from './loaders';
import { InvoiceRef, PaymentRef } from './object-refs';
import { PaymentConnection } from './payment-types';
import { TaxRateType } from './tax-rate-type';

builder.queryType({
  fields: (t) => ({
    invoice: t.field({
      tag: ['stage:invoicing', PARTNER_TAG],
      type: InvoiceRef,
      nullable: true,
      description:
        'An invoice by id or by number (give exactly one); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), number: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if ((args.id == null) === (args.number == null))
          throw badUserInput('give exactly one of "id" and "number"');
        const invoice =
          args.id != null
            ? await invoiceLoader(ctx).load(String(args.id))
            : await invoiceByNumberLoader(ctx).load(args.number!);
        if (!invoice) throw notFound('Invoice', String(args.id ?? args.number));
        return invoice;
      },
    }),
    invoices: t.field({
      tag: ['stage:invoicing', PARTNER_TAG],
      type: InvoiceConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Invoices, newest first (keyset on id, descending), filtered by any of the arguments together.',
      args: { ...pageArgs, customerId: t.arg.id(), orderId: t.arg.id(), ...invoiceFilterArgs },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...invoiceFilterFrom(args), scope: ctx.rowScope };
        const rows = await ctx.store.listInvoices(filter, page);
        return toConnection(
          rows,
          page,
          (i) => i.id,
          () => ctx.store.countInvoices(filter),
        );
      },
    }),
    payment: t.field({
      tag: ['stage:cash-application', PARTNER_TAG],
      type: PaymentRef,
      nullable: true,
      // Nullable only so that a nullable variable may be passed, as to every other single lookup of the graph.
      description: 'A payment by id (required); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id() },
      resolve: async (_root, args, ctx) => {
        if (args.id == null) throw badUserInput('"id" is required', 'id');
        const payment = await paymentLoader(ctx).load(String(args.id));
        if (!payment) throw notFound('Payment', String(args.id));
        return payment;
      },
    }),
    payments: t.field({
      tag: ['stage:cash-application', PARTNER_TAG],
      type: PaymentConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Payments, newest first (keyset on id, descending), filtered by any of the arguments together.',
      args: { ...pageArgs, customerId: t.arg.id(), ...paymentFilterArgs },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...paymentFilterFrom(args), scope: ctx.rowScope };
        const rows = await ctx.store.listPayments(filter, page);
        return toConnection(
          rows,
          page,
          (p) => p.id,
          () => ctx.store.countPayments(filter),
        );
      },
    }),
    taxRates: t.field({
      tag: ['stage:invoicing'],
      type: [TaxRateType],
      description: 'The tax rate of every region, by region.',
      resolve: (_root, _args, ctx) => ctx.store.listTaxRates(),
    }),
    taxRate: t.field({
      tag: ['stage:invoicing'],
      type: TaxRateType,
      nullable: true,
      description:
        "A ship-to region's sales tax rate; null with a NOT_FOUND error when the region has none (invoices to it cannot be issued).",
      args: {
        region: t.arg.string({ required: true, description: 'State or province code, e.g. TX.' }),
      },
      resolve: async (_root, args, ctx) => {
        const rate = await taxRateLoader(ctx).load(args.region);
        if (!rate) throw notFound('TaxRate', args.region);
        return rate;
      },
    }),
  }),
});
