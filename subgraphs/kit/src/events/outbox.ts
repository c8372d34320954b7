import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { EventTables } from './event-tables';
import type { DomainEvent, NewDomainEvent } from './domain-event';

/**
 * The transactional outbox: a store writes the events announcing a state change with the same
 * transaction (`trx`) as the change, so there is never a change without its event or an event
 * without its change. The relay (outbox-relay.ts) publishes what is unpublished, in id order.
 * Tables (kit migrations, in every subgraph's database): event_outbox, event_inbox.
 */
export async function appendToOutbox<P>(
  trx: Kysely<any>,
  event: NewDomainEvent<P>,
): Promise<DomainEvent<P>> {
  const written: DomainEvent<P> = {
    ...event,
    id: randomUUID(),
    occurredAt: event.occurredAt ?? new Date().toISOString(),
  };
  await trx
    .insertInto('event_outbox')
    .values({
      event_id: written.id,
      type: written.type,
      source: written.source,
      aggregate_id: written.aggregateId,
      payload: JSON.stringify(written.payload),
      correlation_id: written.correlationId,
      occurred_at: written.occurredAt,
      published_at: null,
    })
    .execute();
  return written;
}

/**
 * Records, inside the handler's transaction, that `handler` processed `eventId`; false when it already
 * had (the caller then changes nothing). Because the mark commits with the effect, a redelivered event
 * is a no-op and a crash between effect and acknowledgement cannot apply it twice.
 */
export async function consumeOnce(
  trx: Kysely<any>,
  handler: string,
  eventId: string,
): Promise<boolean> {
  const result = await trx
    .insertInto('event_inbox')
    .values({ handler, event_id: eventId, processed_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['handler', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export type OutboxRow = Selectable<EventTables['event_outbox']>;

/** The event an outbox row holds, as it was written. */
export function eventOfOutboxRow(row: OutboxRow): DomainEvent {
  return {
    id: row.event_id,
    type: row.type,
    source: row.source,
    aggregateId: row.aggregate_id,
    payload: JSON.parse(row.payload),
    correlationId: row.correlation_id,
    occurredAt: row.occurred_at,
  };
}
