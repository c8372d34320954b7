import { rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import { invoiceByNumberLoader, invoiceLoader, paymentLoader } from './loaders';

/** Invoices and payments belong to their customer; the extended Customer is the customer's own row. */
const customerOf = (row: { customerId: string }): RowDimensions => ({ customerIds: row.customerId });
const customerItself = (customer: { id: string }): RowDimensions => ({ customerIds: customer.id });

/**
 * Row-level rules of the finance subgraph (lists, Customer.invoices/payments, Order.invoices and
 * Shipment.invoice are scoped in the store). Receivables of a customer (openBalance, aging, ...)
 * are the customer's row. Applications are reached through their invoice or payment.
 */
export const financeRowRules: IRules = {
  Query: {
    invoice: rowLookupRule<{ id?: string | null; number?: string | null }>(
      'Invoice',
      (args, ctx) => (args.id != null ? invoiceLoader(ctx).load(String(args.id)) : invoiceByNumberLoader(ctx).load(args.number!)),
      customerOf,
    ),
    payment: rowLookupRule<{ id?: string | null }>('Payment', (args, ctx) => paymentLoader(ctx).load(String(args.id)), customerOf),
  },
  Invoice: rowRule('Invoice', customerOf),
  Payment: rowRule('Payment', customerOf),
  Customer: rowRule('Customer', customerItself),
};
