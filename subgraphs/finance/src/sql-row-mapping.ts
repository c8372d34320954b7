import type {
  CreditMemoRow,
  DisputeResolutionRow,
  InvoiceLineRow,
  InvoiceRow,
  PaymentApplicationRow,
  PaymentRow,
} from './migrations';
import type {
  CreditMemo,
  DisputeResolution,
  Invoice,
  InvoiceLine,
  Payment,
  PaymentApplication,
} from './store';

/** Rows of the finance database as the store interface shows them (PostgreSQL BIGINTs arrive as strings or numbers). */

export const toInvoice = (row: InvoiceRow): Invoice => ({
  id: row.id,
  number: row.number,
  customerId: row.customer_id,
  orderId: row.order_id,
  shipmentId: row.shipment_id,
  status: row.status as Invoice['status'],
  currency: row.currency,
  subtotalCents: Number(row.subtotal_cents),
  taxRegion: row.tax_region,
  taxRateBps: row.tax_rate_bps,
  taxCents: Number(row.tax_cents),
  totalCents: Number(row.total_cents),
  issuedAt: row.issued_at,
  dueAt: row.due_at,
  shippedAt: row.shipped_at ?? null,
  disputedAt: row.disputed_at ?? null,
  disputeReason: row.dispute_reason ?? null,
});

export const toInvoiceLine = (row: InvoiceLineRow & { currency: string }): InvoiceLine => ({
  invoiceId: row.invoice_id,
  lineNumber: row.line_number,
  orderLineNumber: row.order_line_number,
  productId: row.product_id,
  sku: row.sku,
  quantity: row.quantity,
  unitPriceCents: Number(row.unit_price_cents),
  extendedCents: Number(row.extended_cents),
  currency: row.currency,
});

export const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  customerId: row.customer_id,
  method: row.method as Payment['method'],
  reference: row.reference,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  receivedAt: row.received_at,
});

export const toApplication = (
  row: PaymentApplicationRow & { currency: string },
): PaymentApplication => ({
  id: row.id,
  paymentId: row.payment_id,
  invoiceId: row.invoice_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  appliedAt: row.applied_at,
});

export const toCreditMemo = (row: CreditMemoRow & { currency: string }): CreditMemo => ({
  id: row.id,
  invoiceId: row.invoice_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  reason: row.reason,
  issuedAt: row.issued_at,
});

export const toDisputeResolution = (row: DisputeResolutionRow): DisputeResolution => ({
  id: row.id,
  invoiceId: row.invoice_id,
  outcome: row.outcome as DisputeResolution['outcome'],
  note: row.note,
  disputeReason: row.dispute_reason ?? null,
  creditMemoId: row.credit_memo_id ?? null,
  resolvedAt: row.resolved_at,
  resolvedBy: row.resolved_by,
});
