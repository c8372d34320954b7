import {
  deliveryOf,
  type EventHandler,
  type OrderAccepted,
  type OrderCancelled,
  type OrderHeld,
  OrderToCashEvent,
  type ShipmentConfirmed,
} from '@switchyard/kit';
import type { InventoryStore } from './store';

/** OrderAccepted: reserve every line (InventoryAllocated), or backorder the order (OrderBackordered). */
export const allocateOrder: EventHandler<InventoryStore> = {
  name: 'inventory.allocate-order',
  on: [OrderToCashEvent.OrderAccepted],
  async handle(event, { store, handler }) {
    await store.allocateOrder(event.payload as OrderAccepted, deliveryOf(event, handler));
  },
};

/** OrderCancelled: give the order's allocated or reserved stock back. An order never allocated has nothing to release. */
export const releaseOrder: EventHandler<InventoryStore> = {
  name: 'inventory.release-order',
  on: [OrderToCashEvent.OrderCancelled],
  async handle(event, { store, handler }) {
    await store.releaseOrder(event.payload as OrderCancelled, deliveryOf(event, handler));
  },
};

/** OrderHeld: a held order keeps no stock reserved (placeOrder gives it back too; this is the durable path). */
export const releaseHeldOrderStock: EventHandler<InventoryStore> = {
  name: 'inventory.release-held-order-stock',
  on: [OrderToCashEvent.OrderHeld],
  async handle(event, { store, handler }) {
    await store.releaseHeldOrderStock(event.payload as OrderHeld, deliveryOf(event, handler));
  },
};

/**
 * ShipmentConfirmed: the shipped units leave the warehouse (on hand and allocated both drop). A shipped
 * line without a matching allocation throws: after the kit's retries it waits in the exception queue.
 */
export const consumeShippedStock: EventHandler<InventoryStore> = {
  name: 'inventory.consume-shipped-stock',
  on: [OrderToCashEvent.ShipmentConfirmed],
  async handle(event, { store, handler }) {
    await store.consumeShippedStock(event.payload as ShipmentConfirmed, deliveryOf(event, handler));
  },
};

export const inventoryEventHandlers: EventHandler<InventoryStore>[] = [
  allocateOrder,
  releaseOrder,
  releaseHeldOrderStock,
  consumeShippedStock,
];
