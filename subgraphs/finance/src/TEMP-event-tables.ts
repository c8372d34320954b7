// TEMPORARY until the kit's event tables land (H1): creates event_outbox/event_inbox for local test runs.
import type { Kysely } from 'kysely';
export async function TEMP_eventTables(db: Kysely<any>) {
  const tables = (await db.introspection.getTables()).map((t) => t.name);
  if (tables.includes('event_inbox')) return;
  await db.schema.createTable('event_outbox').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()).addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text').addColumn('source', 'text').addColumn('aggregate_id', 'text').addColumn('payload', 'text').addColumn('correlation_id', 'text').addColumn('occurred_at', 'text').addColumn('published_at', 'text').execute();
  await db.schema.createTable('event_inbox').addColumn('handler', 'text', (c) => c.notNull()).addColumn('event_id', 'text', (c) => c.notNull()).addColumn('processed_at', 'text')
    .addPrimaryKeyConstraint('pk', ['handler', 'event_id']).execute();
}
