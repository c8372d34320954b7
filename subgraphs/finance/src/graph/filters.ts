import { checkDateRange } from '@switchyard/kit';
import type { InvoiceFilter, InvoiceStatus, PaymentFilter, PaymentMethod } from '../store';
import { builder } from './builder';
import { InvoiceStatusEnum, PaymentMethodEnum } from './enums';

/** The filters that `Query.invoices` and `Customer.invoices` share. */
export const invoiceFilterArgs = builder.args((t) => ({
  status: t.field({ type: InvoiceStatusEnum }),
  issuedAfter: t.field({
    type: 'DateTime',
    description: 'Only invoices issued at or after this instant (inclusive).',
  }),
  issuedBefore: t.field({
    type: 'DateTime',
    description: 'Only invoices issued before this instant (exclusive).',
  }),
}));

/** The filters that `Query.payments` and `Customer.payments` share. */
export const paymentFilterArgs = builder.args((t) => ({
  method: t.field({ type: PaymentMethodEnum }),
  receivedAfter: t.field({
    type: 'DateTime',
    description: 'Only payments received at or after this instant (inclusive).',
  }),
  receivedBefore: t.field({
    type: 'DateTime',
    description: 'Only payments received before this instant (exclusive).',
  }),
  withUnappliedCash: t.field({
    type: 'Boolean',
    description: 'Only payments with cash not yet applied to an invoice.',
  }),
}));

interface InvoiceFilterInput {
  status?: InvoiceStatus | null;
  customerId?: string | number | null;
  orderId?: string | number | null;
  issuedAfter?: string | null;
  issuedBefore?: string | null;
}

interface PaymentFilterInput {
  customerId?: string | number | null;
  method?: PaymentMethod | null;
  receivedAfter?: string | null;
  receivedBefore?: string | null;
  withUnappliedCash?: boolean | null;
}

/** Validates filter arguments into a store filter; a contradictory range is BAD_USER_INPUT rather than an empty page. */
export function invoiceFilterFrom(args: InvoiceFilterInput): InvoiceFilter {
  checkDateRange('issued', args.issuedAfter, args.issuedBefore);
  return {
    status: args.status ?? null,
    customerId: args.customerId != null ? String(args.customerId) : null,
    orderId: args.orderId != null ? String(args.orderId) : null,
    issuedAfter: args.issuedAfter ?? null,
    issuedBefore: args.issuedBefore ?? null,
  };
}

export function paymentFilterFrom(args: PaymentFilterInput): PaymentFilter {
  checkDateRange('received', args.receivedAfter, args.receivedBefore);
  return {
    customerId: args.customerId != null ? String(args.customerId) : null,
    method: args.method ?? null,
    receivedAfter: args.receivedAfter ?? null,
    receivedBefore: args.receivedBefore ?? null,
    withUnappliedCash: args.withUnappliedCash ?? null,
  };
}
