import type { PageRequest, RowScope } from '@switchyard/kit';

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
}

export type ShipmentStatus = 'PLANNED' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export type ServiceLevel = 'GROUND' | 'TWO_DAY' | 'OVERNIGHT' | 'LTL';
export type MilestoneCode = 'PLANNED' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'IN_TRANSIT' | 'DELIVERED';
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
