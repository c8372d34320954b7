import {
  forbiddenRow,
  notFound,
  rowLookupRule,
  rowRule,
  rowVisible,
  type RowDimensions,
  type SubgraphContext,
} from '@switchyard/kit';
import { rule, type IRules } from 'graphql-shield';
import type { Invoice, Payment } from '../store';
import type { Context } from './builder';
import { invoiceByNumberLoader, invoiceLoader, paymentLoader } from './loaders';

/** Invoices and payments belong to their customer; the extended Customer is the customer's own row. */
export const customerOf = (row: { customerId: string }): RowDimensions => ({
  customerIds: row.customerId,
});
const customerItself = (customer: { id: string }): RowDimensions => ({ customerIds: customer.id });

/**
 * A payment recorded for `input.customerId`: allowed when that customer is the caller's row.
 * Decided from the caller's tenant alone, so an unknown customer id is FORBIDDEN just as a foreign one.
 */
const paysForOwnCustomer = rule('command:recordPayment', { cache: 'no_cache' })(
  (
    _root: unknown,
    args: { input: { customerId: string | number } },
    ctx: SubgraphContext<unknown>,
  ) =>
    rowVisible(ctx.rowScope, { customerIds: String(args.input.customerId) }) ||
    forbiddenRow('Customer'),
);

/** Tax rates are everyone's: only callers that see every row (internal, services) may change them. */
const seesEveryRow = rule('command:every-row', { cache: 'no_cache' })(
  (_root: unknown, _args: unknown, ctx: SubgraphContext<unknown>) =>
    ctx.rowScope === null || forbiddenRow('TaxRate'),
);

/**
 * The invoice a command acts on, once its input is valid: NOT_FOUND when it does not exist or is
 * another customer's (one answer for both, given at the same point, so a partner cannot learn which
 * ids exist). A loader that fails rejects, and the command with it (fail closed).
 */
export async function invoiceOfCaller(ctx: Context, invoiceId: string): Promise<Invoice> {
  const invoice = await invoiceLoader(ctx).load(invoiceId);
  if (!invoice || !rowVisible(ctx.rowScope, customerOf(invoice)))
    throw notFound('Invoice', invoiceId);
  return invoice;
}

/** The payment a command acts on: as invoiceOfCaller. */
export async function paymentOfCaller(ctx: Context, paymentId: string): Promise<Payment> {
  const payment = await paymentLoader(ctx).load(paymentId);
  if (!payment || !rowVisible(ctx.rowScope, customerOf(payment)))
    throw notFound('Payment', paymentId);
  return payment;
}

type InvoiceLookup = { id?: string | null; number?: string | null };

/**
 * Row-level rules of the finance subgraph (lists, Customer.invoices/payments, Order.invoices and
 * Shipment.invoice are scoped in the store). Another customer's invoice or payment answers as one
 * that does not exist; receivables of a customer (openBalance, aging, ...) are the customer's row.
 * Applications are reached through their invoice or payment. Commands on an invoice or payment check
 * it themselves (invoiceOfCaller, paymentOfCaller); recording a payment for a customer outside the
 * tenant, or changing a tax rate as a row-scoped caller, is FORBIDDEN whether the row exists or not.
 */
export const financeRowRules: IRules = {
  Query: {
    invoice: rowLookupRule<InvoiceLookup>({
      typeName: 'Invoice',
      // As the resolver: exactly one of id and number, named in its NOT_FOUND.
      keyOf: (args) =>
        (args.id == null) === (args.number == null) ? null : String(args.id ?? args.number),
      load: (args, ctx: Context) =>
        args.id != null
          ? invoiceLoader(ctx).load(String(args.id))
          : invoiceByNumberLoader(ctx).load(args.number!),
      dimensionsOf: customerOf,
    }),
    payment: rowLookupRule<{ id?: string | null }>({
      typeName: 'Payment',
      keyOf: (args) => (args.id == null ? null : String(args.id)),
      load: (args, ctx: Context) => paymentLoader(ctx).load(String(args.id)),
      dimensionsOf: customerOf,
    }),
  },
  Mutation: {
    recordPayment: paysForOwnCustomer,
    setTaxRate: seesEveryRow,
  },
  Invoice: rowRule('Invoice', customerOf),
  Payment: rowRule('Payment', customerOf),
  Customer: rowRule('Customer', customerItself),
};
