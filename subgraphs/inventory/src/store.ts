import type {
  EventDelivery,
  OrderAccepted,
  OrderCancelled,
  OrderHeld,
  ShipmentConfirmed,
} from '@switchyard/kit';

/**
 * The warehouse management system as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); a WMS connector implements the same interface.
 */
export interface InventoryStore {
  warehousesByIds(ids: readonly string[]): Promise<Warehouse[]>;
  warehousesByCodes(codes: readonly string[]): Promise<Warehouse[]>;
  /** Every warehouse, ordered by code. */
  listWarehouses(): Promise<Warehouse[]>;
  /** The stock of each product in every warehouse that stocks it, ordered by warehouse code. */
  stockLevelsByProductIds(productIds: readonly string[]): Promise<StockLevel[]>;
  /** Up to `page.limit + 1` stock levels ordered by product id then warehouse id, after `page.after`. */
  listStockLevels(filter: StockLevelFilter, page: StockLevelPage): Promise<StockLevel[]>;
  countStockLevels(filter: StockLevelFilter): Promise<number>;
  /** The allocations of each order, ordered by line number then id. */
  allocationsByOrderIds(orderIds: readonly string[]): Promise<Allocation[]>;
  /** Up to `page.limit + 1` allocations ordered by id, after `page.afterKey`. */
  listAllocations(
    filter: AllocationFilter,
    page: { limit: number; afterKey: string | null },
  ): Promise<Allocation[]>;
  countAllocations(filter: AllocationFilter): Promise<number>;

  // Event handlers (event-handlers.ts): each does its work in one transaction that first records the
  // delivery (consumeOnce), so a redelivered event changes nothing; a throw rolls everything back and
  // the kit retries. Null: this delivery was processed already.

  /**
   * OrderAccepted: reserves every line in one warehouse each (allocation-plan.ts) and writes
   * InventoryAllocated, or reserves nothing, backorders every line and writes OrderBackordered.
   * An order already holding allocations, or cancelled, is left as it is.
   */
  allocateOrder(order: OrderAccepted, delivery: EventDelivery): Promise<AllocationOutcome | null>;
  /** OrderCancelled: ALLOCATED and BACKORDERED allocations become RELEASED, their reserved stock available again. */
  releaseOrder(order: OrderCancelled, delivery: EventDelivery): Promise<Allocation[] | null>;
  /**
   * ShipmentConfirmed: the order's ALLOCATED allocations of the shipped lines in that warehouse become
   * SHIPPED (split when a line ships in part), and the shipped units leave on hand and allocated.
   * Throws when a shipped line has no such allocation (an anomaly for the exception queue).
   */
  consumeShippedStock(
    shipment: ShipmentConfirmed,
    delivery: EventDelivery,
  ): Promise<Allocation[] | null>;

  /**
   * receiveStock: adds the received units to on hand at the warehouse, then, in the same transaction,
   * allocates the backordered orders waiting for a received product, oldest backorder first, each only
   * when every line can now be served (allocation-plan.ts); their BACKORDERED allocations become
   * ALLOCATED and InventoryAllocated is written for each. The same reference again answers the stored
   * receipt (replayed) and changes nothing; with another warehouse or other lines it is
   * IDEMPOTENCY_KEY_REUSED. An unknown warehouse or product is BAD_USER_INPUT naming the field.
   */
  receiveStock(
    receipt: StockReceiptRequest,
    command: { correlationId: string },
  ): Promise<{ receipt: StockReceipt; replayed: boolean }>;

  // Stock reservations (sql-stock-reservations.ts): placeOrder's availability check, which reserves what it checks.
  /**
   * Reserves every line in one warehouse each, planned as allocation plans it on what is available (on
   * hand - allocated - reserved), in one transaction; or reserves nothing and names the short lines.
   * The same reservation id again reserves once. With `checkOnly`, answers and writes nothing.
   */
  reserveStock(request: StockReservationRequest): Promise<StockReservationOutcome>;
  /** Gives an ACTIVE reservation back (placeOrder's compensation); false when it had ended or never existed. */
  releaseStockReservation(reservationId: string): Promise<boolean>;
  /** OrderHeld: the held order's reservation is released. False when processed already or nothing was held. */
  releaseHeldOrderStock(order: OrderHeld, delivery: EventDelivery): Promise<boolean>;
  /** Housekeeping: ACTIVE reservations made before `createdBefore` are EXPIRED (their order never completed). */
  expireStockReservations(createdBefore: string): Promise<number>;
  /** The allocations made in the window, as business health measures them (computed from the rows). */
  allocationHealth(window: TimeWindow): Promise<AllocationHealth>;
}

/** Which event a handler is processing (kit): consumeOnce's key, and the correlation id its events carry on. */
export type { EventDelivery };

export type AllocationOutcome =
  | { outcome: 'ALLOCATED' | 'BACKORDERED'; allocations: Allocation[] }
  /** The order held allocations already (another delivery of its acceptance): nothing changed. */
  | { outcome: 'ALREADY_ALLOCATED'; allocations: Allocation[] }
  /** The order was cancelled before its acceptance was processed: nothing reserved. */
  | { outcome: 'ORDER_CANCELLED'; allocations: Allocation[] };

/** [from, to): ISO-8601 UTC instants. */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface AllocationHealth {
  /** Orders whose lines were backordered by allocations created in the window. */
  backorderedOrders: number;
  /** Order lines allocations were created for in the window. */
  lines: number;
  /** Of those, the lines whose stock was reserved (not backordered) when allocated. */
  allocatedLines: number;
}

/** ALLOCATED: stock reserved; BACKORDERED: waiting for stock; SHIPPED: left the warehouse; RELEASED: reservation given back. */
export type AllocationStatus = 'ALLOCATED' | 'BACKORDERED' | 'SHIPPED' | 'RELEASED';

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  city: string;
  region: string;
  country: string;
}

/** One product in one warehouse. Quantities are in the product's unit of measure. */
export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: number;
  allocated: number;
  /** Units reserved for orders being placed, not yet allocated. */
  reserved: number;
  /** onHand - allocated - reserved: what new orders can still take. */
  available: number;
  reorderPoint: number;
  /** available is at or below the reorder point: time to replenish. */
  needsReorder: boolean;
}

/** Stock levels are keyed by (product, warehouse); pages continue after one such pair. */
export interface StockLevelKey {
  productId: string;
  warehouseId: string;
}

export interface StockLevelPage {
  limit: number;
  after: StockLevelKey | null;
}

export interface StockLevelFilter {
  productId?: string | null;
  warehouseId?: string | null;
  /** true: only levels at or below their reorder point; false: only those above it. */
  needsReorder?: boolean | null;
}

/** A quantity of one order line reserved (or backordered) in one warehouse. */
export interface Allocation {
  id: string;
  orderId: string;
  lineNumber: number;
  productId: string;
  warehouseId: string;
  quantity: number;
  status: AllocationStatus;
  createdAt: string;
}

export interface AllocationFilter {
  orderId?: string | null;
  productId?: string | null;
  warehouseId?: string | null;
  status?: AllocationStatus | null;
}

export interface StockReservationRequest {
  /** Chosen by placeOrder, one per placement attempt; the order's events carry it. */
  reservationId: string;
  lines: { lineNumber: number; productId: string; sku: string; quantity: number }[];
  checkOnly: boolean;
}

export interface StockReservationOutcome {
  reserved: boolean;
  /** Why not: each line no warehouse could serve whole. */
  shortLines: {
    lineNumber: number;
    sku: string;
    requested: number;
    /** The most one warehouse had left for it (each line ships whole from one warehouse). */
    availableInOneWarehouse: number;
    availableInAll: number;
  }[];
}

/** Units of one product received at the warehouse of a receipt. */
export interface ReceiptLine {
  productId: string;
  quantity: number;
}

/** A receipt as the command sends it, validated for shape (stock-receipt-request.ts). */
export interface StockReceiptRequest {
  warehouseId: string;
  /** The supplier's ASN, packing slip or transfer number: one receipt per reference. */
  reference: string;
  lines: ReceiptLine[];
}

export interface StockReceipt {
  id: string;
  reference: string;
  warehouseId: string;
  lines: ReceiptLine[];
  receivedAt: string;
  /** The backordered orders this receipt allocated, oldest backorder first. */
  ordersAllocated: string[];
}
