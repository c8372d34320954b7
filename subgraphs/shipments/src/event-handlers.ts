import {
  deliveryOf,
  type EventHandler,
  type InventoryAllocated,
  type OrderCancelled,
  OrderToCashEvent,
} from '@switchyard/kit';
import type { ShipmentStore } from './store';

/** InventoryAllocated: one planned shipment per warehouse the order's stock is reserved in (ShipmentPlanned). */
export const planShipment: EventHandler<ShipmentStore> = {
  name: 'shipments.plan-shipment',
  on: [OrderToCashEvent.InventoryAllocated],
  async handle(event, { store, handler }) {
    await store.planShipments(event.payload as InventoryAllocated, deliveryOf(event, handler));
  },
};

/** OrderCancelled: what has not shipped yet is cancelled; what shipped stays (the order can no longer be cancelled then). */
export const cancelShipments: EventHandler<ShipmentStore> = {
  name: 'shipments.cancel-shipments',
  on: [OrderToCashEvent.OrderCancelled],
  async handle(event, { store, handler }) {
    await store.cancelShipments(event.payload as OrderCancelled, deliveryOf(event, handler));
  },
};

export const shipmentEventHandlers: EventHandler<ShipmentStore>[] = [planShipment, cancelShipments];
