import type {
  EventDelivery,
  InventoryAllocated,
  OrderCancelled,
  PageRequest,
  RowScope,
} from '@switchyard/kit';

/**
 * Shipment execution (WMS/TMS) as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); a WMS or TMS connector implements the same interface.
 */
export interface ShipmentStore {
  shipmentsByIds(ids: readonly string[]): Promise<Shipment[]>;
  shipmentsByTrackingNumbers(trackingNumbers: readonly string[]): Promise<Shipment[]>;
  /** The shipments of these orders (only those of `scope`), each order's in plan order (planned_at, then id). */
  shipmentsByOrderIds(orderIds: readonly string[], scope?: RowScope): Promise<Shipment[]>;
  /** Up to `page.limit + 1` shipments, newest first (id descending, ids grow with time), after `page.afterKey`: a smaller id. */
  listShipments(filter: ShipmentFilter, page: PageRequest): Promise<Shipment[]>;
  countShipments(filter: ShipmentFilter): Promise<number>;
  /** Lines ordered by shipment, then line number. */
  linesByShipmentIds(shipmentIds: readonly string[]): Promise<ShipmentLine[]>;
  /** Milestones ordered by time (then id), oldest first. */
  milestonesByShipmentIds(shipmentIds: readonly string[]): Promise<Milestone[]>;
  carriersByIds(ids: readonly string[]): Promise<Carrier[]>;
  /** Every carrier, ordered by code (a short, bounded list). */
  listCarriers(): Promise<Carrier[]>;

  // Event handlers (event-handlers.ts): each does its work in one transaction that first records the
  // delivery (consumeOnce), so a redelivered event changes nothing; a throw rolls everything back and
  // the kit retries. Null: this delivery was processed already.

  /**
   * InventoryAllocated: one PLANNED shipment per warehouse of the allocations (none for a warehouse the
   * order already has a live shipment from, none for a cancelled order), its lines from the
   * allocations, its carrier by carrier-choice.ts, a PLANNED milestone; writes ShipmentPlanned for each.
   * Resolves to the shipments it planned.
   */
  planShipments(allocated: InventoryAllocated, delivery: EventDelivery): Promise<Shipment[] | null>;
  /** OrderCancelled: the order's PLANNED, PICKED and PACKED shipments become CANCELLED (shipped ones stay). */
  cancelShipments(cancelled: OrderCancelled, delivery: EventDelivery): Promise<Shipment[] | null>;

  // Commands: each checks the caller's row scope and the shipment's status (INVALID_STATE_TRANSITION,
  // shipment-transitions.ts), then writes the change, its milestone and its event in one transaction.
  // An unknown shipment, or one outside the caller's rows, is NOT_FOUND (one answer for both).

  /** PICKED, PACKED or IN_TRANSIT; MilestoneRecorded. */
  recordMilestone(milestone: NewMilestone, command: CommandContext): Promise<Shipment>;
  /** PACKED -> SHIPPED with its tracking number (unique: BAD_USER_INPUT when taken); ShipmentConfirmed. */
  confirmShipment(confirmation: ShipmentConfirmation, command: CommandContext): Promise<Shipment>;
  /** SHIPPED -> DELIVERED; ShipmentDelivered. */
  recordDelivery(delivery: ShipmentDelivery, command: CommandContext): Promise<Shipment>;

  /** The shipments that left a warehouse in the window, as business health measures them. */
  shipmentHealth(window: TimeWindow): Promise<ShipmentHealth>;
}

/** Which event a handler is processing (kit): consumeOnce's key, and the correlation id its events carry on. */
export type { EventDelivery };

/** Who asks for a command: its events carry the correlation id; it may act on the rows of `scope` only. */
export interface CommandContext {
  correlationId: string;
  callerId: string;
  scope: RowScope;
}

export interface NewMilestone {
  shipmentId: string;
  code: MilestoneCode;
  /** ISO-8601 UTC; not before the shipment was planned (BAD_USER_INPUT naming `at`). */
  at: string;
  location: string;
  note: string | null;
}

export interface ShipmentConfirmation {
  shipmentId: string;
  trackingNumber: string;
  /** Not before the shipment was planned (BAD_USER_INPUT naming `shippedAt`). */
  shippedAt: string;
}

export interface ShipmentDelivery {
  shipmentId: string;
  /** Not before the shipment shipped (BAD_USER_INPUT naming `deliveredAt`). */
  deliveredAt: string;
  receivedBy: string | null;
}

/** [from, to): ISO-8601 UTC instants. */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface ShipmentHealth {
  /** Shipments that shipped (confirmShipment) in the window. */
  shipmentsConfirmed: number;
  /** For each of them, the hours from planned to shipped. */
  planToShipHours: number[];
}

export type ShipmentStatus =
  'PLANNED' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export type ServiceLevel = 'GROUND' | 'TWO_DAY' | 'OVERNIGHT' | 'LTL';
export type MilestoneCode =
  'PLANNED' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'IN_TRANSIT' | 'DELIVERED';
export type CarrierMode = 'PARCEL' | 'LTL' | 'FTL';

export interface Carrier {
  id: string;
  code: string;
  name: string;
  /** Standard Carrier Alpha Code. */
  scac: string;
  mode: CarrierMode;
}

export interface Shipment {
  id: string;
  orderId: string;
  customerId: string;
  warehouseId: string;
  carrierId: string;
  serviceLevel: ServiceLevel;
  trackingNumber: string | null;
  status: ShipmentStatus;
  plannedAt: string;
  shippedAt: string | null;
  deliveredAt: string | null;
}

export interface ShipmentLine {
  shipmentId: string;
  lineNumber: number;
  orderLineNumber: number;
  productId: string;
  quantity: number;
}

export interface Milestone {
  id: string;
  shipmentId: string;
  code: MilestoneCode;
  at: string;
  location: string;
  note: string | null;
}

export interface ShipmentFilter {
  status?: ShipmentStatus | null;
  carrierId?: string | null;
  customerId?: string | null;
  orderId?: string | null;
  /** Shipped at or after this instant (ISO-8601 UTC). */
  shippedAfter?: string | null;
  /** Shipped strictly before this instant (ISO-8601 UTC). */
  shippedBefore?: string | null;
  /** Only the shipments the caller may see, by customer and carrier (row-level security); absent or null: all. */
  scope?: RowScope;
}
