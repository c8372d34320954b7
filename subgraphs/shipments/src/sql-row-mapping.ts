import type { CarrierRow, MilestoneRow, ShipmentLineRow, ShipmentRow } from './migrations';
import type { Carrier, Milestone, Shipment, ShipmentLine } from './store';

/** Rows as the store reads them -> records as the graph sees them. */

export const toShipment = (row: ShipmentRow): Shipment => ({
  id: row.id,
  orderId: row.order_id,
  customerId: row.customer_id,
  warehouseId: row.warehouse_id,
  carrierId: row.carrier_id,
  serviceLevel: row.service_level as Shipment['serviceLevel'],
  trackingNumber: row.tracking_number,
  status: row.status as Shipment['status'],
  plannedAt: row.planned_at,
  shippedAt: row.shipped_at,
  deliveredAt: row.delivered_at,
});

export const toShipmentLine = (row: ShipmentLineRow): ShipmentLine => ({
  shipmentId: row.shipment_id,
  lineNumber: Number(row.line_number),
  orderLineNumber: Number(row.order_line_number),
  productId: row.product_id,
  quantity: Number(row.quantity),
});

export const toMilestone = (row: MilestoneRow): Milestone => ({
  id: row.id,
  shipmentId: row.shipment_id,
  code: row.code as Milestone['code'],
  at: row.at,
  location: row.location,
  note: row.note,
});

export const toCarrier = (row: CarrierRow): Carrier => ({
  id: row.id,
  code: row.code,
  name: row.name,
  scac: row.scac,
  mode: row.mode as Carrier['mode'],
});
