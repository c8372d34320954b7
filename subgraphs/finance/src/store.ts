import type { PageRequest, RowScope } from '@switchyard/kit';
import type { AgingCutoffs } from './aging';

/**
 * ERP finance (accounts receivable) as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); an ERP connector implements the same interface.
 *
 * Lists of invoices and payments are read newest first: keyset on id descending (ids grow with
 * time), so `page.afterKey` means "a smaller id".
 */
export interface FinanceStore {
  invoicesByIds(ids: readonly string[]): Promise<Invoice[]>;
  invoicesByNumbers(numbers: readonly string[]): Promise<Invoice[]>;
  /** The invoices of these orders (only those of `scope`). */
  invoicesByOrderIds(orderIds: readonly string[], scope?: RowScope): Promise<Invoice[]>;
  /** The invoices of these shipments (only those of `scope`). */
  invoicesByShipmentIds(shipmentIds: readonly string[], scope?: RowScope): Promise<Invoice[]>;
  /** Up to `page.limit + 1` invoices, newest first, after `page.afterKey`. */
  listInvoices(filter: InvoiceFilter, page: PageRequest): Promise<Invoice[]>;
  countInvoices(filter: InvoiceFilter): Promise<number>;
  /** Up to `page.limit + 1` invoices of each customer (newest first), in one read for all of them. */
  invoicesPerCustomer(customerIds: readonly string[], filter: InvoiceFilter, page: PageRequest): Promise<Invoice[]>;
  /** How many invoices match `filter` for each customer; customers without any are absent. */
  countInvoicesPerCustomer(customerIds: readonly string[], filter: InvoiceFilter): Promise<Map<string, number>>;
  /** The lines of these invoices, by line number. */
  linesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLine[]>;

  paymentsByIds(ids: readonly string[]): Promise<Payment[]>;
  /** Up to `page.limit + 1` payments, newest first, after `page.afterKey`. */
  listPayments(filter: PaymentFilter, page: PageRequest): Promise<Payment[]>;
  countPayments(filter: PaymentFilter): Promise<number>;
  /** Up to `page.limit + 1` payments of each customer (newest first), in one read for all of them. */
  paymentsPerCustomer(customerIds: readonly string[], filter: PaymentFilter, page: PageRequest): Promise<Payment[]>;
  countPaymentsPerCustomer(customerIds: readonly string[], filter: PaymentFilter): Promise<Map<string, number>>;

  /** Applications of payments to these invoices, oldest first. */
  applicationsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentApplication[]>;
  /** Applications of these payments to invoices, oldest first. */
  applicationsByPaymentIds(paymentIds: readonly string[]): Promise<PaymentApplication[]>;

  /** Open receivables (balances of OPEN, PARTIALLY_PAID and DISPUTED invoices) per customer and currency, aged at the cutoffs. */
  agedReceivables(customerIds: readonly string[], cutoffs: AgingCutoffs): Promise<AgedReceivables[]>;
  /** What accepted orders not yet invoiced add to exposure, per customer and currency. */
  uninvoicedOrders(customerIds: readonly string[]): Promise<UninvoicedOrders[]>;

  /** Every tax region's rate, by region. */
  listTaxRates(): Promise<TaxRate[]>;
}

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'VOID', 'DISPUTED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Statuses whose balance the customer still owes (and that age). */
export const OPEN_INVOICE_STATUSES: readonly InvoiceStatus[] = ['OPEN', 'PARTIALLY_PAID', 'DISPUTED'];

export const PAYMENT_METHODS = ['ACH', 'WIRE', 'CHECK', 'CARD'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface Invoice {
  id: string;
  number: string;
  customerId: string;
  orderId: string;
  /** One invoice per shipment: the goods it bills are the goods that shipment carried. */
  shipmentId: string;
  status: InvoiceStatus;
  currency: string;
  subtotalCents: number;
  taxRegion: string;
  taxRateBps: number;
  taxCents: number;
  totalCents: number;
  issuedAt: string;
  dueAt: string;
}

export interface InvoiceLine {
  invoiceId: string;
  lineNumber: number;
  orderLineNumber: number;
  productId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
  /** The invoice's currency. */
  currency: string;
}

export interface Payment {
  id: string;
  customerId: string;
  method: PaymentMethod;
  /** The remittance reference: check number, ACH trace or wire reference. */
  reference: string;
  amountCents: number;
  currency: string;
  receivedAt: string;
}

/** Part of a payment applied to one invoice; a payment may be spread over several invoices. */
export interface PaymentApplication {
  id: string;
  paymentId: string;
  invoiceId: string;
  amountCents: number;
  /** The payment's currency. */
  currency: string;
  appliedAt: string;
}

/** A customer's open receivables in one currency, split by age (see aging.ts). */
export interface AgedReceivables {
  customerId: string;
  currency: string;
  currentCents: number;
  days1To30Cents: number;
  days31To60Cents: number;
  days61To90Cents: number;
  over90Cents: number;
}

export interface UninvoicedOrders {
  customerId: string;
  currency: string;
  uninvoicedCents: number;
}

export interface TaxRate {
  region: string;
  rateBps: number;
}

/** Filters combine with AND; an absent one does not filter. */
export interface InvoiceFilter {
  status?: InvoiceStatus | null;
  customerId?: string | null;
  orderId?: string | null;
  /** Issued at or after this instant (ISO-8601, inclusive). */
  issuedAfter?: string | null;
  /** Issued before this instant (ISO-8601, exclusive). */
  issuedBefore?: string | null;
  /** Only the invoices the caller may see, by customer (row-level security); absent or null: all. */
  scope?: RowScope;
}

export interface PaymentFilter {
  customerId?: string | null;
  method?: PaymentMethod | null;
  /** Received at or after this instant (ISO-8601, inclusive). */
  receivedAfter?: string | null;
  /** Received before this instant (ISO-8601, exclusive). */
  receivedBefore?: string | null;
  /** Only payments with cash not yet applied to any invoice. */
  withUnappliedCash?: boolean | null;
  /** Only the payments the caller may see, by customer (row-level security); absent or null: all. */
  scope?: RowScope;
}
