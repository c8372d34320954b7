import type {
  ClassifiedText,
  EventDelivery as KitEventDelivery,
  InventoryAllocated,
  InvoiceDisputeResolved,
  InvoiceIssued,
  OrderBackordered,
  PageRequest,
  PaymentApplied,
  RowScope,
  ShipmentConfirmed,
  ShipmentDelivered,
  ShipmentPlanned,
} from '@switchyard/kit';

/**
 * ERP order management as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); an ERP connector implements the same interface.
 *
 * Every list of orders is read newest first: keyset on id descending (ids grow with time),
 * so `page.afterKey` means "orders with a smaller id".
 */
export interface OrderStore {
  ordersByIds(ids: readonly string[]): Promise<Order[]>;
  ordersByNumbers(numbers: readonly string[]): Promise<Order[]>;
  /** Up to `page.limit + 1` orders, newest first, after `page.afterKey`. */
  listOrders(filter: OrderFilter, page: PageRequest): Promise<Order[]>;
  countOrders(filter: OrderFilter): Promise<number>;
  /** Up to `page.limit + 1` orders of each customer (newest first), in one read for all of them. */
  ordersPerCustomer(
    customerIds: readonly string[],
    filter: OrderFilter,
    page: PageRequest,
  ): Promise<Order[]>;
  /** How many orders match `filter` for each customer; customers without any are absent. */
  countOrdersPerCustomer(
    customerIds: readonly string[],
    filter: OrderFilter,
  ): Promise<Map<string, number>>;
  /** The lines of these orders, by line number. */
  linesByOrderIds(orderIds: readonly string[]): Promise<OrderLine[]>;
  /** The holds of these orders, oldest first, released ones included. */
  holdsByOrderIds(orderIds: readonly string[]): Promise<Hold[]>;
  /** When these orders entered each status, oldest first. */
  statusHistoryByOrderIds(orderIds: readonly string[]): Promise<OrderStatusChange[]>;
  /** The channels each of these customers ordered through, one row per customer and channel. */
  channelsByCustomerIds(
    customerIds: readonly string[],
  ): Promise<{ customerId: string; channel: OrderChannel }[]>;

  // Commands: each one transaction with its status-history row and the events it announces (outbox).

  /** The order an earlier placeOrder with this key (of this caller) made, with its request's fingerprint. */
  idempotentPlacement(
    callerId: string,
    idempotencyKey: string,
  ): Promise<IdempotentPlacement | null>;
  /**
   * Writes a placed order (ACCEPTED when it has no holds, else ON_HOLD), its lines, holds, the key and
   * OrderAccepted or OrderHeld. Another placement holding the key already wins: nothing is written and
   * its placement is answered instead (`written: false`), so concurrent duplicates agree.
   */
  placeOrder(
    order: NewOrder,
    key: NewIdempotencyKey,
    command: CommandContext,
  ): Promise<{ written: boolean; placement: IdempotentPlacement }>;
  /** ON_HOLD, ACCEPTED, ALLOCATED, BACKORDERED -> CANCELLED with OrderCancelled; INVALID_STATE_TRANSITION otherwise. */
  cancelOrder(orderId: string, reason: string, command: CommandContext): Promise<Order>;
  /**
   * Releases holds of an ON_HOLD order (the ones named, else all open ones), first applying what the
   * checks found again when it waited for a dependency; with no open hold left it is ACCEPTED (OrderAccepted).
   */
  releaseHolds(orderId: string, release: HoldRelease, command: CommandContext): Promise<Order>;

  // The order following the chain (event handlers): each one transaction that starts with consumeOnce;
  // false when the event was processed already. Status only moves forward; an unknown order throws.

  recordAllocation(event: InventoryAllocated, delivery: EventDelivery): Promise<boolean>;
  recordBackorder(event: OrderBackordered, delivery: EventDelivery): Promise<boolean>;
  recordShipment(event: ShipmentConfirmed, delivery: EventDelivery): Promise<boolean>;
  recordDelivery(event: ShipmentDelivered, delivery: EventDelivery): Promise<boolean>;
  recordInvoice(event: InvoiceIssued, delivery: EventDelivery): Promise<boolean>;
  recordPayment(event: PaymentApplied, delivery: EventDelivery): Promise<boolean>;
  /** A credited or voided dispute lowers the invoice's balance like a payment (a voided invoice counts as settled). */
  recordDisputeResolution(event: InvoiceDisputeResolved, delivery: EventDelivery): Promise<boolean>;
  /** The shipment's carrier (ShipmentPlanned), kept so a 3pl sees the orders its carrier ships; false when known already. */
  recordShipmentCarrier(event: ShipmentPlanned): Promise<boolean>;
  /** The carriers shipping these orders, one row per order and carrier. */
  carriersByOrderIds(
    orderIds: readonly string[],
  ): Promise<{ orderId: string; carrierId: string }[]>;

  // Business health, from the records at query time.

  /** Orders placed in the window, those that went on hold, and per hold reason how many of them it held. */
  captureHealth(window: TimeWindow): Promise<CaptureHealth>;
  /** Orders placed before `asOf` and still open at it (not PAID, CLOSED or CANCELLED), by age. */
  openOrderAging(asOf: string, buckets: readonly AgingBucket[]): Promise<AgingRow[]>;
  /** Hours from placement to acceptance (first ACCEPTED), for orders placed in the window that got there. */
  hoursToAccept(window: TimeWindow): Promise<number[]>;
  /** Hours from placement to the first shipment leaving, for orders placed in the window that shipped. */
  hoursToShip(window: TimeWindow): Promise<number[]>;
}

export const ORDER_STATUSES = [
  'ON_HOLD',
  'ACCEPTED',
  'ALLOCATED',
  'BACKORDERED',
  'SHIPPED',
  'INVOICED',
  'PAID',
  'CLOSED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_CHANNELS = ['PORTAL', 'ECOMMERCE', 'EDI', 'SALES_REP', 'PHONE'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export const PRICING_RULES = ['CONTRACT', 'QUANTITY_BREAK', 'PRICE_LIST', 'LIST'] as const;
export type PricingRule = (typeof PRICING_RULES)[number];

export const HOLD_REASONS = [
  'CREDIT',
  'PRICING',
  'INVENTORY',
  'CUSTOMER_STATUS',
  'DEPENDENCY_UNAVAILABLE',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** The ship-to address as it was when the order was placed (a copy: later edits of the customer's address do not change it). */
export interface ShipToAddress {
  addressId: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface Order {
  id: string;
  number: string;
  customerId: string;
  status: OrderStatus;
  channel: OrderChannel;
  poNumber: string | null;
  /** null while not known: the order was placed while customers was unavailable (it is on hold until checked). */
  shipTo: ShipToAddress | null;
  /** The ship-to address id asked for when placed, while shipTo is not known (null: the customer's default). */
  requestedShipToAddressId: string | null;
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  placedAt: string;
  updatedAt: string;
  allowBackorder: boolean;
  /** The reservations its last checks made at finance and inventory (null: none, e.g. seeded orders). */
  reservationId: string | null;
}

export interface OrderLine {
  orderId: string;
  lineNumber: number;
  /** null while the line is not identified (placed while catalog was unavailable). */
  productId: string | null;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
  /** The order's currency (lines are priced in it). */
  currency: string;
  /** null while the line is not priced. */
  pricingRule: PricingRule | null;
  expectedUnitPriceCents: number | null;
  shippedQuantity: number;
}

export interface Hold {
  id: string;
  orderId: string;
  reason: HoldReason;
  /** What the check found, rendered per reader (hold-details.ts): guarded figures only for a reader with the scope. */
  detail: ClassifiedText;
  placedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  /** DEPENDENCY_UNAVAILABLE: the subgraph whose checks did not run. */
  dependency: string | null;
  releaseNote: string | null;
}

export interface OrderStatusChange {
  orderId: string;
  status: OrderStatus;
  at: string;
  /** The command (placeOrder, releaseHold, cancelOrder) or the event type that moved the order. */
  cause: string;
  actor: string;
  note: string | null;
}

/** Who asks for a command, and the request it belongs to (events carry its correlation id). */
export interface CommandContext {
  callerId: string;
  correlationId: string;
}

/** An event being processed by a handler (`consumeOnce` key) and the request that caused it (kit deliveryOf). */
export interface EventDelivery extends KitEventDelivery {
  /** When the event happened: the instant of status changes whose payload does not say. */
  occurredAt: string;
}

/** A hold found by the checks, before it is written. */
export interface HoldDraft {
  reason: HoldReason;
  /** Built by hold-details.ts. */
  detail: ClassifiedText;
  /** DEPENDENCY_UNAVAILABLE: the subgraph that did not answer. */
  dependency?: string | null;
}

/** An order line as the checks priced it (unidentified: productId and pricingRule null, price 0). */
export interface LineDraft {
  lineNumber: number;
  productId: string | null;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
  pricingRule: PricingRule | null;
  expectedUnitPriceCents: number | null;
}

/** What the checks established about an order: its ship-to, currency, priced lines and totals. */
export interface OrderTerms {
  shipTo: ShipToAddress | null;
  currency: string;
  lines: LineDraft[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
}

/** An order placeOrder writes; the store gives it its id and number. */
export interface NewOrder extends OrderTerms {
  customerId: string;
  /** The ship-to address asked for (null: the default), kept while `shipTo` is not known. */
  requestedShipToAddressId: string | null;
  channel: OrderChannel;
  poNumber: string | null;
  allowBackorder: boolean;
  placedAt: string;
  holds: HoldDraft[];
  /** The reservations its checks made (order-checks.ts), released when it is held; absent when none were asked for. */
  reservationId?: string;
}

export interface NewIdempotencyKey {
  callerId: string;
  key: string;
  fingerprint: string;
}

export interface IdempotentPlacement {
  orderId: string;
  fingerprint: string;
  /** Whether the order was accepted when placed. */
  accepted: boolean;
}

export interface HoldRelease {
  /** The holds to release; null: every open hold. */
  holdIds: readonly string[] | null;
  note: string | null;
  /**
   * The checks run again because the order waited for a dependency: its terms replace the provisional
   * ones, the DEPENDENCY_UNAVAILABLE holds are released, and `holds` are new findings (left open).
   * `expectedUpdatedAt` guards against a change between the checks and the release.
   */
  revalidation: {
    terms: OrderTerms;
    holds: HoldDraft[];
    expectedUpdatedAt: string;
    /** The reservations these checks made: they replace the order's earlier ones (released when it was held). */
    reservationId: string;
  } | null;
}

/** [from, to): ISO-8601 instants, from before to. */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface CaptureHealth {
  placed: number;
  held: number;
  holdReasons: { reason: HoldReason; count: number }[];
}

/**
 * An age bucket of open orders. Buckets are given youngest first: an order falls in the first whose
 * `placedAfter` it was placed after (exclusive), or in the one without a bound.
 */
export interface AgingBucket {
  label: string;
  placedAfter: string | null;
}

/** One bucket's open orders in one currency. */
export interface AgingRow {
  label: string;
  orders: number;
  valueCents: number;
  currency: string;
}

/** Filters combine with AND; an absent one does not filter. */
export interface OrderFilter {
  /** Any of these statuses. */
  statuses?: readonly OrderStatus[] | null;
  customerId?: string | null;
  channel?: OrderChannel | null;
  /** Placed at or after this instant (ISO-8601, inclusive). */
  placedAfter?: string | null;
  /** Placed before this instant (ISO-8601, exclusive). */
  placedBefore?: string | null;
  /** Only the orders the caller may see, by customer and channel (row-level security); absent or null: all. */
  scope?: RowScope;
}
