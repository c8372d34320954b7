import {
  deliveryOf,
  OrderToCashEvent,
  type EventHandler,
  type InventoryAllocated,
  type InvoiceDisputeResolved,
  type InvoiceIssued,
  type OrderBackordered,
  type PaymentApplied,
  type ShipmentConfirmed,
  type ShipmentDelivered,
} from '@switchyard/kit';
import { followShipmentCarriers } from './shipment-carriers';
import type { OrderStore } from './store';

/**
 * The order following the chain: its status moves with what inventory, shipments and finance announce.
 * One handler (consumer group) per system it follows, so each keeps its own pace; their events may
 * reach the order in any order, and the store only ever moves it forward. Duplicates are no-ops
 * (consumeOnce, and natural keys: a shipment or an invoice is recorded once). An event about an order
 * this subgraph does not have throws, and lands in the exception queue.
 */

/** InventoryAllocated -> ALLOCATED; OrderBackordered -> BACKORDERED (from ACCEPTED only: never back from ALLOCATED). */
export const followAllocation: EventHandler<OrderStore> = {
  name: 'orders.follow-allocation',
  on: [OrderToCashEvent.InventoryAllocated, OrderToCashEvent.OrderBackordered],
  async handle(event, { store, handler }) {
    const delivery = deliveryOf(event, handler);
    if (event.type === OrderToCashEvent.InventoryAllocated)
      await store.recordAllocation(event.payload as InventoryAllocated, delivery);
    else await store.recordBackorder(event.payload as OrderBackordered, delivery);
  },
};

/** ShipmentConfirmed -> SHIPPED (units shipped counted per line); ShipmentDelivered is recorded, and may close a paid order. */
export const followShipments: EventHandler<OrderStore> = {
  name: 'orders.follow-shipments',
  on: [OrderToCashEvent.ShipmentConfirmed, OrderToCashEvent.ShipmentDelivered],
  async handle(event, { store, handler }) {
    const delivery = deliveryOf(event, handler);
    if (event.type === OrderToCashEvent.ShipmentConfirmed)
      await store.recordShipment(event.payload as ShipmentConfirmed, delivery);
    else await store.recordDelivery(event.payload as ShipmentDelivered, delivery);
  },
};

/**
 * InvoiceIssued -> INVOICED; PaymentApplied and InvoiceDisputeResolved (a credit or a void) lower the invoices' balances:
 * PAID when all is shipped, invoiced and settled, CLOSED once also delivered.
 */
export const followBilling: EventHandler<OrderStore> = {
  name: 'orders.follow-billing',
  on: [
    OrderToCashEvent.InvoiceIssued,
    OrderToCashEvent.PaymentApplied,
    OrderToCashEvent.InvoiceDisputeResolved,
  ],
  async handle(event, { store, handler }) {
    const delivery = deliveryOf(event, handler);
    if (event.type === OrderToCashEvent.InvoiceIssued)
      await store.recordInvoice(event.payload as InvoiceIssued, delivery);
    else if (event.type === OrderToCashEvent.PaymentApplied)
      await store.recordPayment(event.payload as PaymentApplied, delivery);
    else await store.recordDisputeResolution(event.payload as InvoiceDisputeResolved, delivery);
  },
};

export const orderEventHandlers: EventHandler<OrderStore>[] = [
  followAllocation,
  followShipments,
  followBilling,
  followShipmentCarriers,
];
