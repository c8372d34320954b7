import { sql } from 'kysely';

/**
 * What an invoice (the `invoices` row of the enclosing query) still owes: total less the payments
 * applied and the credits issued against it. One expression, so aging, exposure and cash application agree.
 */
export const invoiceBalanceSql = () =>
  sql<number>`invoices.total_cents - ${invoicePaidSql()} - ${invoiceCreditedSql()}`;

export const invoicePaidSql = () =>
  sql<number>`coalesce((select sum(a.amount_cents) from payment_applications a where a.invoice_id = invoices.id), 0)`;
export const invoiceCreditedSql = () =>
  sql<number>`coalesce((select sum(c.amount_cents) from credit_memos c where c.invoice_id = invoices.id), 0)`;
