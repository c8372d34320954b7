import { PostgresAdapter, type Generated, type Kysely, type Migration } from 'kysely';

/**
 * The event tables every subgraph's database holds, added by openSubgraph to the subgraph's own
 * migrations: the outbox the relay publishes from, the inbox `consumeOnce` remembers deliveries in,
 * and the exception queue of events a handler gave up on. Named `0000_…` so a new database creates
 * them first; an existing one accepts them late (the migrator allows unordered migrations).
 * `ifNotExists` lets a database that made any of them by hand migrate without failing.
 */
export const KIT_EVENT_MIGRATIONS: Record<string, Migration> = {
  '0000_kit_event_tables': {
    async up(db: Kysely<any>) {
      // The outbox's id orders publication: an identity column on PostgreSQL, SQLite's rowid alias otherwise.
      const serial = db.getExecutor().adapter instanceof PostgresAdapter ? 'serial' : 'integer';
      await db.schema
        .createTable('event_outbox')
        .ifNotExists()
        .addColumn('id', serial, (c) =>
          serial === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('aggregate_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .execute();
      await db.schema
        .createIndex('event_outbox_unpublished')
        .ifNotExists()
        .on('event_outbox')
        .columns(['published_at', 'id'])
        .execute();

      await db.schema
        .createTable('event_inbox')
        .ifNotExists()
        .addColumn('handler', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_inbox_pk', ['handler', 'event_id'])
        .execute();

      await db.schema
        .createTable('event_exceptions')
        .ifNotExists()
        .addColumn('id', serial, (c) =>
          serial === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('handler', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('aggregate_id', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('first_failed_at', 'text', (c) => c.notNull())
        .addColumn('last_failed_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('note', 'text')
        .addUniqueConstraint('event_exceptions_handler_event', ['handler', 'event_id'])
        .execute();
      await db.schema
        .createIndex('event_exceptions_status')
        .ifNotExists()
        .on('event_exceptions')
        .columns(['status', 'id'])
        .execute();
    },
  },
  // Housekeeping's event retention (event-retention.ts) deletes by age every round: an index, not a scan. Named to sort after the tables.
  '0000_kit_event_tables_retention_indexes': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('event_inbox_processed_at')
        .ifNotExists()
        .on('event_inbox')
        .column('processed_at')
        .execute();
      await db.schema
        .createIndex('event_exceptions_resolved_at')
        .ifNotExists()
        .on('event_exceptions')
        .column('resolved_at')
        .execute();
    },
  },
};

/** The rows of the event tables, for queries written against them. */
export interface EventTables {
  event_outbox: {
    id: Generated<number>;
    event_id: string;
    type: string;
    source: string;
    aggregate_id: string;
    payload: string;
    correlation_id: string;
    occurred_at: string;
    published_at: string | null;
  };
  event_inbox: { handler: string; event_id: string; processed_at: string };
  event_exceptions: {
    id: Generated<number>;
    handler: string;
    event_id: string;
    event_type: string;
    source: string;
    aggregate_id: string;
    correlation_id: string;
    occurred_at: string;
    payload: string;
    error: string;
    attempts: number;
    status: 'OPEN' | 'REPLAYED' | 'DISCARDED';
    first_failed_at: string;
    last_failed_at: string;
    resolved_at: string | null;
    resolved_by: string | null;
    note: string | null;
  };
}
