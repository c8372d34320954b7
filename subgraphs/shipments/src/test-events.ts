import { randomUUID } from 'node:crypto';
import type { CallerIdentity } from '@switchyard/kit';
import type { DomainEvent } from '@switchyard/kit/src/events/domain-event';
import type { EventHandler } from '@switchyard/kit/src/events/handlers';
import type { InventoryAllocated, OrderCancelled } from '@switchyard/kit/src/events/order-to-cash-events';
import type { ServiceClient } from '@switchyard/kit/src/service-client';
import type { Kysely } from 'kysely';
import type { ShipmentStore } from './store';

/** Builders of the events shipments reacts to, the kit's delivery of them, and the callers of its commands, for the tests. */

export function domainEvent<P>(type: string, aggregateId: string, payload: P, correlationId = `corr-${randomUUID()}`): DomainEvent<P> {
  const source = type === 'InventoryAllocated' ? 'inventory' : 'orders';
  return { id: randomUUID(), type, source, aggregateId, payload, correlationId, occurredAt: new Date().toISOString() };
}

/** Stock reserved for `allocations`: [line number, product number, quantity, warehouse id]. */
export function inventoryAllocated(orderId: string, customerId: string, allocations: [line: number, product: number, quantity: number, warehouseId: string][]): InventoryAllocated {
  return {
    orderId,
    customerId,
    allocations: allocations.map(([lineNumber, product, quantity, warehouseId], i) => ({
      allocationId: `ALC-9${String(i).padStart(5, '0')}`,
      lineNumber,
      productId: `PRD-${String(product).padStart(5, '0')}`,
      sku: `SKU-${product}`,
      quantity,
      warehouseId,
    })),
  };
}

export const orderCancelled = (orderId: string, customerId = 'CUS-0001'): OrderCancelled => ({ orderId, customerId, previousStatus: 'ALLOCATED', reason: 'customer changed its mind' });

/** Shipments' handlers call no other subgraph: any call is a bug. */
const NO_SERVICES: ServiceClient = {
  query: async (subgraph) => {
    throw new Error(`shipments handlers call no subgraph, but called ${subgraph}`);
  },
};

/** Runs a handler as the kit's consumer would. */
export function deliver(handler: EventHandler<ShipmentStore>, event: DomainEvent, store: ShipmentStore, db: Kysely<any>) {
  return handler.handle(event, { store, db, services: NO_SERVICES, handler: handler.name });
}

export async function outboxRows(db: Kysely<any>) {
  const rows = await db.selectFrom('event_outbox').selectAll().orderBy('id').execute();
  return rows.map((r: any) => ({ type: r.type, source: r.source, aggregateId: r.aggregate_id, correlationId: r.correlation_id, payload: JSON.parse(r.payload) }));
}

/** The warehouse team: every shipment. */
export const WAREHOUSE: Omit<CallerIdentity, 'exp'> = { id: 'dev-warehouse', kind: 'internal', scopes: ['shipments:write'], tenant: null };
/** A 3pl that moves its carriers' shipments only. */
export const threePlOf = (...carrierIds: string[]): Omit<CallerIdentity, 'exp'> => ({
  id: 'dev-fastfreight-3pl',
  kind: '3pl',
  scopes: ['shipments:write'],
  tenant: { customerIds: [], carrierIds },
});
