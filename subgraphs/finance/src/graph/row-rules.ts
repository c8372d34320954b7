import {
  forbiddenRow,
  rowLookupRule,
  rowRule,
  rowVisible,
  type RowDimensions,
  type SubgraphContext,
} from '@switchyard/kit';
import { rule, type IRules } from 'graphql-shield';
import type { Context } from './builder';
import { invoiceByNumberLoader, invoiceLoader, paymentLoader } from './loaders';

/** Invoices and payments belong to their customer; the extended Customer is the customer's own row. */
const customerOf = (row: { customerId: string }): RowDimensions => ({
  customerIds: row.customerId,
});
const customerItself = (customer: { id: string }): RowDimensions => ({ customerIds: customer.id });

/** A payment recorded for `input.customerId`: allowed when that customer is the caller's row. */
const paysForOwnCustomer = rule('command:recordPayment', { cache: 'no_cache' })(
  (
    _root: unknown,
    args: { input: { customerId: string | number } },
    ctx: SubgraphContext<unknown>,
  ) =>
    rowVisible(ctx.rowScope, { customerIds: String(args.input.customerId) }) ||
    forbiddenRow('Customer'),
);

/**
 * A command on one existing row (named by its arguments): allowed when the row is the caller's. A
 * missing row is left to the command's own NOT_FOUND. (Like the kit's rowLookupRule, named per command:
 * graphql-shield wants one name per rule.)
 */
function commandOnRow<Args>(
  command: string,
  typeName: string,
  load: (args: Args, ctx: Context) => Promise<{ customerId: string } | null>,
) {
  return rule(`command:${command}`, { cache: 'no_cache' })(
    async (_root: unknown, args: Args, ctx: Context) => {
      if (ctx.rowScope === null) return true;
      const row = await load(args, ctx).catch(() => null);
      return !row || rowVisible(ctx.rowScope, customerOf(row)) || forbiddenRow(typeName);
    },
  );
}

/** Tax rates are everyone's: only callers that see every row (internal, services) may change them. */
const seesEveryRow = rule('command:every-row', { cache: 'no_cache' })(
  (_root: unknown, _args: unknown, ctx: SubgraphContext<unknown>) =>
    ctx.rowScope === null || forbiddenRow('TaxRate'),
);

/**
 * Row-level rules of the finance subgraph (lists, Customer.invoices/payments, Order.invoices and
 * Shipment.invoice are scoped in the store). Receivables of a customer (openBalance, aging, ...)
 * are the customer's row. Applications are reached through their invoice or payment. Commands act
 * only on the caller's rows: its customers' payments and invoices (FORBIDDEN otherwise).
 */
export const financeRowRules: IRules = {
  Query: {
    invoice: rowLookupRule<{ id?: string | null; number?: string | null }>(
      'Invoice',
      (args, ctx) =>
        args.id != null
          ? invoiceLoader(ctx).load(String(args.id))
          : invoiceByNumberLoader(ctx).load(args.number!),
      customerOf,
    ),
    payment: rowLookupRule<{ id?: string | null }>(
      'Payment',
      (args, ctx) => paymentLoader(ctx).load(String(args.id)),
      customerOf,
    ),
  },
  Mutation: {
    recordPayment: paysForOwnCustomer,
    applyUnappliedCash: commandOnRow<{ paymentId: string }>(
      'applyUnappliedCash',
      'Payment',
      (args, ctx) => paymentLoader(ctx).load(String(args.paymentId)),
    ),
    disputeInvoice: commandOnRow<{ invoiceId: string }>('disputeInvoice', 'Invoice', (args, ctx) =>
      invoiceLoader(ctx).load(String(args.invoiceId)),
    ),
    resolveDispute: commandOnRow<{ invoiceId: string }>('resolveDispute', 'Invoice', (args, ctx) =>
      invoiceLoader(ctx).load(String(args.invoiceId)),
    ),
    setTaxRate: seesEveryRow,
  },
  Invoice: rowRule('Invoice', customerOf),
  Payment: rowRule('Payment', customerOf),
  Customer: rowRule('Customer', customerItself),
};
