import type { Kysely } from 'kysely';
import type { HousekeepingTask } from '../housekeeping';
import type { EventTables } from './event-tables';
import type { EventTransport } from './transport';

/** What one round removed. */
export interface EventRetentionRound {
  /** Outbox rows published before the cutoff. */
  outbox: number;
  /** Inbox marks of deliveries processed before the cutoff. */
  inbox: number;
  /** Exception-queue entries resolved (replayed or discarded) before the cutoff; open ones are never removed. */
  exceptions: number;
  /** Transport entries every consumer group acknowledged, published before the cutoff. */
  transport: number;
}

/**
 * Every order leaves rows in the event tables and entries in the transport; without this they grow
 * for ever. Removes, once older than the retention: published outbox rows (an unpublished one stays
 * until the relay publishes it), inbox marks (an event is redelivered within minutes, not days: the
 * retention is far longer than any redelivery), resolved exception-queue entries (an open one stays
 * until an operator resolves it), and transport entries every consumer group has acknowledged.
 */
export async function pruneEvents(
  db: Kysely<any>,
  transport: EventTransport,
  cutoff: Date,
): Promise<EventRetentionRound> {
  const tables = db as Kysely<EventTables>;
  const before = cutoff.toISOString();
  const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  const outbox = await tables
    .deleteFrom('event_outbox')
    .where('published_at', 'is not', null)
    .where('published_at', '<', before)
    .executeTakeFirst();
  const inbox = await tables
    .deleteFrom('event_inbox')
    .where('processed_at', '<', before)
    .executeTakeFirst();
  const exceptions = await tables
    .deleteFrom('event_exceptions')
    .where('status', '!=', 'OPEN')
    .where('resolved_at', '<', before)
    .executeTakeFirst();
  return {
    outbox: deleted(outbox),
    inbox: deleted(inbox),
    exceptions: deleted(exceptions),
    transport: await transport.trim(cutoff),
  };
}

/** The housekeeping task that prunes a subgraph's event tables and its transport every round. */
export function eventRetentionTask(
  db: Kysely<any>,
  transport: EventTransport,
  retentionMs: number,
): HousekeepingTask<unknown> {
  return {
    name: 'event retention',
    async run(_store, { now }) {
      const round = await pruneEvents(db, transport, new Date(now.getTime() - retentionMs));
      return round.outbox + round.inbox + round.exceptions + round.transport;
    },
  };
}
