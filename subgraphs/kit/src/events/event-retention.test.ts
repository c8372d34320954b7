import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../database';
import { pruneEvents, eventRetentionTask } from './event-retention';
import { KIT_EVENT_MIGRATIONS, type EventTables } from './event-tables';
import { createInProcessTransport } from './in-process-transport';
import { eventOf } from '../testing/transport-contract';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();
let schema = '';

let sequence = 0;
const outboxRow = (publishedAt: string | null) => ({
  event_id: `evt-${++sequence}`,
  type: 'OrderPlaced',
  source: 'orders',
  aggregate_id: 'ORD-1',
  payload: '{}',
  correlation_id: 'corr',
  occurred_at: publishedAt ?? daysAgo(30),
  published_at: publishedAt,
});
const exceptionRow = (status: 'OPEN' | 'REPLAYED' | 'DISCARDED', resolvedAt: string | null) => ({
  handler: 'inventory.allocate-order',
  event_id: `evt-${++sequence}`,
  event_type: 'OrderAccepted',
  source: 'orders',
  aggregate_id: 'ORD-1',
  correlation_id: 'corr',
  occurred_at: daysAgo(40),
  payload: '{}',
  error: 'down',
  attempts: 5,
  status,
  first_failed_at: daysAgo(40),
  last_failed_at: daysAgo(40),
  resolved_at: resolvedAt,
  resolved_by: resolvedAt ? 'operator' : null,
  note: null,
});
const count = async (db: Kysely<EventTables>, table: keyof EventTables) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each([
  [
    'SQLite',
    async () =>
      openDatabase<any>({
        name: 'retention',
        dataDir: ':memory:',
        migrations: KIT_EVENT_MIGRATIONS,
      }),
    async () => {},
  ],
  [
    'PostgreSQL',
    async () =>
      openDatabase<any>({
        name: 'retention',
        databaseUrl: DATABASE_URL,
        databaseSchema: schema,
        migrations: KIT_EVENT_MIGRATIONS,
      }),
    async (database: Database<any>) =>
      void (await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db)),
  ],
] as const)('event retention on %s', (_dialect, open, drop) => {
  let database: Database<any>;
  let db: Kysely<EventTables>;
  beforeEach(async () => {
    schema = `retention_test_${randomBytes(4).toString('hex')}`;
    database = await open();
    db = database.db as Kysely<EventTables>;
  });
  afterEach(async () => {
    await drop(database);
    await database.close();
  });

  test('removes published outbox rows, inbox marks and resolved exceptions older than the retention; keeps unpublished rows and open exceptions however old', async () => {
    await db
      .insertInto('event_outbox')
      .values([
        outboxRow(daysAgo(8)),
        outboxRow(daysAgo(9)),
        outboxRow(daysAgo(1)),
        outboxRow(null),
      ])
      .execute();
    await db
      .insertInto('event_inbox')
      .values([
        { handler: 'h', event_id: 'old', processed_at: daysAgo(8) },
        { handler: 'h', event_id: 'new', processed_at: daysAgo(1) },
      ])
      .execute();
    await db
      .insertInto('event_exceptions')
      .values([
        exceptionRow('OPEN', null),
        exceptionRow('REPLAYED', daysAgo(8)),
        exceptionRow('DISCARDED', daysAgo(1)),
      ])
      .execute();
    const transport = createInProcessTransport();

    const round = await pruneEvents(database.db, transport, new Date(NOW - 7 * DAY));
    expect(round).toEqual({ outbox: 2, inbox: 1, exceptions: 1, transport: 0 });
    const outbox = await db.selectFrom('event_outbox').select('published_at').execute();
    expect(outbox.map((row) => row.published_at).sort()).toEqual([daysAgo(1), null].sort());
    expect(await db.selectFrom('event_inbox').select('event_id').execute()).toEqual([
      { event_id: 'new' },
    ]);
    expect(
      (await db.selectFrom('event_exceptions').select('status').execute())
        .map((row) => row.status)
        .sort(),
    ).toEqual(['DISCARDED', 'OPEN']);
    await transport.close();
  });

  test('a subgraph publishing every day for a month keeps about a retention of rows, as housekeeping runs', async () => {
    const transport = createInProcessTransport();
    const task = eventRetentionTask(database.db, transport, 7 * DAY);
    const sizes: number[] = [];
    for (let day = 30; day >= 0; day--) {
      await db
        .insertInto('event_outbox')
        .values(Array.from({ length: 10 }, () => outboxRow(daysAgo(day))))
        .execute();
      await db
        .insertInto('event_inbox')
        .values(
          Array.from({ length: 10 }, () => ({
            handler: 'h',
            event_id: `in-${++sequence}`,
            processed_at: daysAgo(day),
          })),
        )
        .execute();
      await transport.publish([eventOf('A', day)]);
      await task.run(undefined, { now: new Date(NOW - day * DAY), orphanAfterMs: 0 });
      sizes.push((await count(db, 'event_outbox')) + (await count(db, 'event_inbox')));
    }
    // Each day adds 20 rows; what is older than 7 days goes: never more than 8 days' worth.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8 * 20);
    expect(sizes.at(-1)).toBe(8 * 20);
    await transport.close();
  });
});
