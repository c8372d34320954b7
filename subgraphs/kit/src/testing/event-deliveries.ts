import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServiceClient } from '../service-client';
import type { DomainEvent } from '../events/domain-event';
import type { EventHandler } from '../events/handlers';
import type { OrderToCashEventType } from '../events/order-to-cash-events';

/** The subgraph that writes each event of the chain (order-to-cash-events.ts). */
const SOURCES: Record<OrderToCashEventType, string> = {
  OrderAccepted: 'orders',
  OrderHeld: 'orders',
  OrderCancelled: 'orders',
  InventoryAllocated: 'inventory',
  OrderBackordered: 'inventory',
  ShipmentPlanned: 'shipments',
  MilestoneRecorded: 'shipments',
  ShipmentConfirmed: 'shipments',
  ShipmentDelivered: 'shipments',
  InvoiceIssued: 'finance',
  InvoiceDisputed: 'finance',
  InvoiceDisputeResolved: 'finance',
  PaymentApplied: 'finance',
};

/** For handler tests: an event as its owner would write it, with a new id, happening now. */
export function testEvent<P>(
  type: string,
  aggregateId: string,
  payload: P,
  correlationId = `corr-${randomUUID()}`,
): DomainEvent<P> {
  const source = SOURCES[type as OrderToCashEventType] ?? 'test';
  return {
    id: randomUUID(),
    type,
    source,
    aggregateId,
    payload,
    correlationId,
    occurredAt: new Date().toISOString(),
  };
}

/** The services of a handler that calls no other subgraph: any call is a bug. */
const NO_SERVICES: ServiceClient = {
  query: async (subgraph) => {
    throw new Error(`the handler calls no subgraph, but called ${subgraph}`);
  },
};

/** For handler tests: runs a handler on one delivery of `event`, as the kit's consumer would (without its retries). */
export function deliverEvent<Store>(
  handler: EventHandler<Store>,
  event: DomainEvent,
  store: Store,
  db: Kysely<any>,
  services: ServiceClient = NO_SERVICES,
) {
  return handler.handle(event, { store, db, services, handler: handler.name });
}

/** For tests: the events a subgraph's outbox holds, oldest first, with their payloads parsed. */
export async function outboxRows(db: Kysely<any>) {
  const rows = await db.selectFrom('event_outbox').selectAll().orderBy('id').execute();
  return rows.map((r: any) => ({
    type: r.type,
    source: r.source,
    aggregateId: r.aggregate_id,
    correlationId: r.correlation_id,
    payload: JSON.parse(r.payload),
  }));
}
