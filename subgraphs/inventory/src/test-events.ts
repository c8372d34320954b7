import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@switchyard/kit/src/events/domain-event';
import type { EventHandler } from '@switchyard/kit/src/events/handlers';
import type { OrderAccepted, OrderCancelled, ShipmentConfirmed } from '@switchyard/kit/src/events/order-to-cash-events';
import type { ServiceClient } from '@switchyard/kit/src/service-client';
import type { Kysely } from 'kysely';
import type { InventoryStore } from './store';
import { productId } from './test-fixtures';

/** Builders of the events inventory reacts to, and the kit's delivery of them, for the handler tests. */

export function domainEvent<P>(type: string, aggregateId: string, payload: P, correlationId = `corr-${randomUUID()}`): DomainEvent<P> {
  const source = type === 'ShipmentConfirmed' ? 'shipments' : 'orders';
  return { id: randomUUID(), type, source, aggregateId, payload, correlationId, occurredAt: new Date().toISOString() };
}

/** An accepted order of `lines`: [lineNumber, product number (test-fixtures productId), quantity]. */
export function orderAccepted(orderId: string, lines: [lineNumber: number, product: number, quantity: number][], customerId = 'CUS-0001'): OrderAccepted {
  const orderLines = lines.map(([lineNumber, product, quantity]) => ({
    lineNumber,
    productId: productId(product),
    sku: `SKU-${product}`,
    quantity,
    unitPriceCents: 1000,
    extendedCents: quantity * 1000,
    pricingRule: 'LIST',
  }));
  const subtotalCents = orderLines.reduce((sum, l) => sum + l.extendedCents, 0);
  return {
    orderId,
    orderNumber: `SO-${orderId.slice(4)}`,
    customerId,
    channel: 'PORTAL',
    currency: 'USD',
    shipTo: { addressId: 'ADR-1', name: 'Dock', line1: '9 Dock Rd', city: 'Dallas', region: 'TX', postalCode: '75001', country: 'US' },
    lines: orderLines,
    subtotalCents,
    taxCents: 0,
    totalCents: subtotalCents,
    placedAt: '2026-06-01T10:00:00.000Z',
    acceptedAt: '2026-06-01T10:05:00.000Z',
  };
}

export const orderCancelled = (orderId: string, previousStatus = 'ALLOCATED'): OrderCancelled => ({ orderId, customerId: 'CUS-0001', previousStatus, reason: 'customer changed its mind' });

/** A confirmed shipment of `lines`: [order line number, product number, quantity]. */
export function shipmentConfirmed(shipmentId: string, orderId: string, warehouseId: string, lines: [line: number, product: number, quantity: number][]): ShipmentConfirmed {
  return {
    shipmentId,
    orderId,
    customerId: 'CUS-0001',
    warehouseId,
    carrierId: 'CAR-UPS',
    trackingNumber: `1Z${shipmentId}`,
    shippedAt: new Date().toISOString(),
    lines: lines.map(([orderLineNumber, product, quantity]) => ({ orderLineNumber, productId: productId(product), quantity })),
  };
}

/** Inventory calls no other subgraph: any call is a bug. */
const NO_SERVICES: ServiceClient = {
  query: async (subgraph) => {
    throw new Error(`inventory handlers call no subgraph, but called ${subgraph}`);
  },
};

/** Runs a handler as the kit's consumer would. */
export function deliver(handler: EventHandler<InventoryStore>, event: DomainEvent, store: InventoryStore, db: Kysely<any>) {
  return handler.handle(event, { store, db, services: NO_SERVICES, handler: handler.name });
}

export async function outboxRows(db: Kysely<any>) {
  const rows = await db.selectFrom('event_outbox').selectAll().orderBy('id').execute();
  return rows.map((r: any) => ({ type: r.type, source: r.source, aggregateId: r.aggregate_id, correlationId: r.correlation_id, payload: JSON.parse(r.payload) }));
}
