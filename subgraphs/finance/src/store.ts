import type {
  EventDelivery,
  OrderAccepted,
  OrderCancelled,
  OrderHeld,
  PageRequest,
  RowScope,
  ShipmentConfirmed,
} from '@switchyard/kit';
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
  invoicesPerCustomer(
    customerIds: readonly string[],
    filter: InvoiceFilter,
    page: PageRequest,
  ): Promise<Invoice[]>;
  /** How many invoices match `filter` for each customer; customers without any are absent. */
  countInvoicesPerCustomer(
    customerIds: readonly string[],
    filter: InvoiceFilter,
  ): Promise<Map<string, number>>;
  /** The lines of these invoices, by line number. */
  linesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLine[]>;

  paymentsByIds(ids: readonly string[]): Promise<Payment[]>;
  /** Up to `page.limit + 1` payments, newest first, after `page.afterKey`. */
  listPayments(filter: PaymentFilter, page: PageRequest): Promise<Payment[]>;
  countPayments(filter: PaymentFilter): Promise<number>;
  /** Up to `page.limit + 1` payments of each customer (newest first), in one read for all of them. */
  paymentsPerCustomer(
    customerIds: readonly string[],
    filter: PaymentFilter,
    page: PageRequest,
  ): Promise<Payment[]>;
  countPaymentsPerCustomer(
    customerIds: readonly string[],
    filter: PaymentFilter,
  ): Promise<Map<string, number>>;

  /** Applications of payments to these invoices, oldest first. */
  applicationsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentApplication[]>;
  /** Applications of these payments to invoices, oldest first. */
  applicationsByPaymentIds(paymentIds: readonly string[]): Promise<PaymentApplication[]>;
  /** What payments applied to and credit memos took off each of these invoices, in one read (balances). */
  invoiceSettlements(invoiceIds: readonly string[]): Promise<InvoiceSettlement[]>;
  /** Credit memos issued against these invoices, oldest first. */
  creditMemosByInvoiceIds(invoiceIds: readonly string[]): Promise<CreditMemo[]>;
  /** How the disputes of these invoices were settled, oldest first. */
  disputeResolutionsByInvoiceIds(invoiceIds: readonly string[]): Promise<DisputeResolution[]>;

  /** Open receivables (balances of OPEN, PARTIALLY_PAID and DISPUTED invoices) per customer and currency, aged at the cutoffs. */
  agedReceivables(
    customerIds: readonly string[],
    cutoffs: AgingCutoffs,
  ): Promise<AgedReceivables[]>;
  /** What accepted orders not yet invoiced add to exposure, per customer and currency. */
  uninvoicedOrders(customerIds: readonly string[]): Promise<UninvoicedOrders[]>;
  /** What ACTIVE credit reservations (orders being placed) add to exposure, per customer and currency. */
  reservedCredit(customerIds: readonly string[]): Promise<ReservedCredit[]>;

  // Credit reservations (sql-credit-reservations.ts): placeOrder's credit check, which reserves what it checks.
  /**
   * Reserves `amountCents` of the customer's credit when its exposure (receivables, uninvoiced orders and
   * the other ACTIVE reservations) plus the amount stays within `creditLimitCents`; checked and written
   * in one transaction serialized per customer. The same reservation id again reserves once. With
   * `checkOnly`, answers whether it would fit and writes nothing.
   */
  reserveCredit(request: CreditReservationRequest): Promise<CreditReservationOutcome>;
  /** Gives an ACTIVE reservation back (placeOrder's compensation); false when it had ended or never existed. */
  releaseCreditReservation(reservationId: string): Promise<boolean>;
  /** OrderHeld: the held order's reservation is released. False when processed already or nothing was held. */
  releaseHeldOrderCredit(order: OrderHeld, delivery: EventDelivery): Promise<boolean>;
  /** Housekeeping: ACTIVE reservations made before `createdBefore` are EXPIRED (their order never completed). */
  expireCreditReservations(createdBefore: string): Promise<number>;

  /** Every tax region's rate, by region. */
  listTaxRates(): Promise<TaxRate[]>;
  /** The rates of these regions that exist. */
  taxRatesByRegions(regions: readonly string[]): Promise<TaxRate[]>;
  /** Sets (or first creates) a region's rate and records the change with the rate it replaced. */
  setTaxRate(region: string, rateBps: number, command: CommandContext): Promise<TaxRate>;
  /** Every change of these regions' rates, oldest first (the rate in force at an instant, see tax-rate-history.ts). */
  taxRateChanges(regions: readonly string[]): Promise<TaxRateChange[]>;

  // Event handlers: each does its work in one transaction that first records the delivery (consumeOnce),
  // so a redelivered event changes nothing; a throw rolls everything back and the kit retries.

  /** OrderAccepted: the order's lines, prices and ship-to region, and its uninvoiced total. False when already recorded. */
  recordOpenOrder(order: OrderAccepted, delivery: EventDelivery): Promise<boolean>;
  /** OrderCancelled: the order no longer adds to exposure nor may be invoiced. False when already processed. */
  forgetCancelledOrder(order: OrderCancelled, delivery: EventDelivery): Promise<boolean>;
  /**
   * ShipmentConfirmed: issues the shipment's invoice (priced from the order ledger, taxed at the ship-to
   * region's rate, due `terms.days` after issue), lowers the order's uninvoiced amount and writes
   * InvoiceIssued. Null when the delivery was processed already or the shipment is invoiced already.
   * Throws when the order is unknown or cancelled, or the region has no tax rate.
   */
  invoiceShipment(
    shipment: ShipmentConfirmed,
    terms: PaymentTermsDays,
    delivery: EventDelivery,
  ): Promise<Invoice | null>;

  // Commands: each validates against the records and writes, with its event, in one transaction.

  /** Records cash received and applies it to invoices of the customer (see cash-application.ts for the rules). */
  recordPayment(payment: NewPayment, command: CommandContext): Promise<Payment>;
  /** Applies cash a payment still holds unapplied, by the same rules. */
  applyUnappliedCash(
    paymentId: string,
    applications: readonly CashApplication[],
    command: CommandContext,
  ): Promise<Payment>;
  /** OPEN or PARTIALLY_PAID -> DISPUTED, else INVALID_STATE_TRANSITION; writes InvoiceDisputed. */
  disputeInvoice(invoiceId: string, reason: string, command: CommandContext): Promise<Invoice>;
  /** DISPUTED -> OPEN / PARTIALLY_PAID / PAID / VOID by the outcome (see dispute-resolution.ts), else INVALID_STATE_TRANSITION; writes InvoiceDisputeResolved. */
  resolveDispute(resolution: NewDisputeResolution, command: CommandContext): Promise<Invoice>;

  // Business health, computed from the records at query time.

  /** Shipment-to-invoice lag, in hours, of the invoices issued in the window whose shipment instant is known. */
  shipmentToInvoiceLagHours(window: TimeWindow): Promise<number[]>;
  /** What checking the invoices issued in the window against their orders needs (see invoice-accuracy.ts). */
  invoiceChecks(window: TimeWindow): Promise<InvoiceCheck[]>;
  /** Cash received before `asOf` and not applied before it, per currency. */
  unappliedCash(asOf: string): Promise<{ currency: string; cents: number }[]>;
  /** Invoices disputed in the window. */
  countDisputedInvoices(window: TimeWindow): Promise<number>;
}

/** Which delivery of which event a handler processes (kit): recorded with the effect, and carried by the events it writes. */
export type { EventDelivery };

/** Who asked for a command: the events it writes carry the correlation id. */
export interface CommandContext {
  correlationId: string;
  callerId: string;
}

/** How many days after issue an invoice falls due (the customer's payment terms: NET30 -> 30, COD -> 0). */
export interface PaymentTermsDays {
  days: number;
}

/** A part of a payment to apply to one invoice. */
export interface CashApplication {
  invoiceId: string;
  amountCents: number;
}

export interface NewPayment {
  customerId: string;
  method: PaymentMethod;
  reference: string;
  amountCents: number;
  currency: string;
  receivedAt: string;
  applications: readonly CashApplication[];
}

/** [from, to): from inclusive, to exclusive (ISO-8601). */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface TaxRateChange {
  region: string;
  previousRateBps: number | null;
  rateBps: number;
  changedAt: string;
}

/** An invoice issued in a health window, beside the order it bills (null: the order ledger does not know it). */
export interface InvoiceCheck {
  invoiceId: string;
  issuedAt: string;
  subtotalCents: number;
  taxRegion: string;
  taxRateBps: number;
  taxCents: number;
  totalCents: number;
  orderShipToRegion: string | null;
  lines: {
    quantity: number;
    unitPriceCents: number;
    extendedCents: number;
    /** The order line's unit price; null when the order line is unknown. */
    orderUnitPriceCents: number | null;
  }[];
}

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'VOID', 'DISPUTED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Statuses whose balance the customer still owes (and that age). */
export const OPEN_INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'OPEN',
  'PARTIALLY_PAID',
  'DISPUTED',
];

export const DISPUTE_OUTCOMES = ['REJECTED', 'CREDITED', 'VOIDED'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export interface NewDisputeResolution {
  invoiceId: string;
  outcome: DisputeOutcome;
  note: string;
  /** The credit of a CREDITED outcome (> 0); null for the others. */
  creditCents: number | null;
}

/** What has settled an invoice so far: balance = total - paidCents - creditedCents (VOID: 0). */
export interface InvoiceSettlement {
  invoiceId: string;
  paidCents: number;
  creditedCents: number;
}

/** An amount taken off an invoice's balance; the invoice's total stays what was billed. */
export interface CreditMemo {
  id: string;
  invoiceId: string;
  amountCents: number;
  /** The invoice's currency. */
  currency: string;
  reason: string;
  issuedAt: string;
}

/** How one dispute of an invoice was settled. */
export interface DisputeResolution {
  id: string;
  invoiceId: string;
  outcome: DisputeOutcome;
  note: string;
  /** What the customer had contested. */
  disputeReason: string | null;
  creditMemoId: string | null;
  resolvedAt: string;
  resolvedBy: string;
}

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
  /** When the shipment left the warehouse; null for invoices older than the event chain. */
  shippedAt: string | null;
  disputedAt: string | null;
  disputeReason: string | null;
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

export interface ReservedCredit {
  customerId: string;
  currency: string;
  reservedCents: number;
}

export interface CreditReservationRequest {
  /** Chosen by placeOrder, one per placement attempt; the order's events carry it. */
  reservationId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  /** The customer's limit as the customer master holds it (customers owns it; orders read it). */
  creditLimitCents: number;
  checkOnly: boolean;
}

export interface CreditReservationOutcome {
  reserved: boolean;
  /** The customer's exposure without this reservation: what the order was weighed on top of. */
  exposureCents: number;
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
