import {
  deliveryOf,
  OrderToCashEvent,
  type EventHandler,
  type OrderAccepted,
  type OrderCancelled,
  type OrderHeld,
  type ShipmentConfirmed,
} from '@switchyard/kit';
import { paymentTermsDays } from './payment-terms';
import type { FinanceStore } from './store';

/** OrderAccepted: the order's lines and prices, kept to invoice from, and its total in credit exposure until invoiced. */
export const recordOpenOrder: EventHandler<FinanceStore> = {
  name: 'finance.record-open-order',
  on: [OrderToCashEvent.OrderAccepted],
  async handle(event, { store, handler }) {
    await store.recordOpenOrder(event.payload as OrderAccepted, deliveryOf(event, handler));
  },
};

/**
 * OrderCancelled: the order leaves credit exposure and may no longer be invoiced. An order finance
 * never saw accepted (cancelled while on hold) has nothing to forget: that is not an error.
 */
export const forgetCancelledOrder: EventHandler<FinanceStore> = {
  name: 'finance.forget-cancelled-order',
  on: [OrderToCashEvent.OrderCancelled],
  async handle(event, { store, handler }) {
    await store.forgetCancelledOrder(event.payload as OrderCancelled, deliveryOf(event, handler));
  },
};

/** OrderHeld: a held order keeps no credit reserved (placeOrder gives it back too; this is the durable path). */
export const releaseHeldOrderCredit: EventHandler<FinanceStore> = {
  name: 'finance.release-held-order-credit',
  on: [OrderToCashEvent.OrderHeld],
  async handle(event, { store, handler }) {
    await store.releaseHeldOrderCredit(event.payload as OrderHeld, deliveryOf(event, handler));
  },
};

/**
 * ShipmentConfirmed: one invoice per shipment. The due date needs the customer's payment terms,
 * asked of the customers subgraph first (outside the transaction); the store then prices, taxes and
 * writes the invoice with InvoiceIssued in one transaction. A missing tax rate or an unknown order
 * throws: after the kit's retries the event waits in the exception queue until an operator fixes the
 * cause (setTaxRate) and replays it.
 */
export const invoiceShipment: EventHandler<FinanceStore> = {
  name: 'finance.invoice-shipment',
  on: [OrderToCashEvent.ShipmentConfirmed],
  async handle(event, { store, services, handler }) {
    const shipment = event.payload as ShipmentConfirmed;
    // A shipment invoiced already needs no terms: a duplicate stays a no-op even while customers is down.
    if ((await store.invoicesByShipmentIds([shipment.shipmentId])).length > 0) return;
    const days = await paymentTermsDays(services, shipment.customerId, event.correlationId);
    await store.invoiceShipment(shipment, { days }, deliveryOf(event, handler));
  },
};

export const financeEventHandlers: EventHandler<FinanceStore>[] = [
  recordOpenOrder,
  forgetCancelledOrder,
  releaseHeldOrderCredit,
  invoiceShipment,
];
