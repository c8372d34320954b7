import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../database';
import type { DomainEvent } from './domain-event';
import { KIT_EVENT_MIGRATIONS } from './event-tables';
import { appendToOutbox } from './outbox';
import { startOutboxRelay } from './outbox-relay';
import type { EventTransport } from './transport';
import { eventually } from '../testing/transport-contract';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The PostgreSQL schema of the running test (random, dropped after it). */
let schema = '';

/** A transport that records what it is given, and fails the publications it is told to. */
function recordingTransport() {
  const published: DomainEvent[] = [];
  let failures = 0;
  const transport: EventTransport = {
    kind: 'in-process',
    async publish(events) {
      if (failures > 0) {
        failures--;
        throw new Error('redis is down');
      }
      published.push(...events);
    },
    async subscribe() {
      return { close: async () => {} };
    },
    trim: async () => 0,
    async close() {},
  };
  return { transport, published, failNext: (n: number) => (failures = n) };
}

const append = (database: Database<any>, n: number) =>
  appendToOutbox(database.db, {
    source: 'test',
    type: 'Happened',
    aggregateId: `A-${n}`,
    payload: { n },
    correlationId: `corr-${n}`,
  });

const unpublished = async (database: Database<any>) =>
  Number(
    (
      await database.db
        .selectFrom('event_outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each([
  [
    'SQLite',
    async () =>
      openDatabase<any>({ name: 'relay', dataDir: ':memory:', migrations: KIT_EVENT_MIGRATIONS }),
    async () => {},
  ],
  [
    'PostgreSQL',
    async () =>
      openDatabase<any>({
        name: 'relay',
        databaseUrl: DATABASE_URL,
        databaseSchema: schema,
        migrations: KIT_EVENT_MIGRATIONS,
      }),
    async (database: Database<any>) =>
      void (await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db)),
  ],
] as const)('outbox relay on %s', (_dialect, open, drop) => {
  let database: Database<any>;
  beforeEach(async () => {
    schema = `relay_test_${randomBytes(4).toString('hex')}`;
    database = await open();
  });
  afterEach(async () => {
    await drop(database);
    await database.close();
  });

  test('publishes unpublished events in id order, whole, and marks them published', async () => {
    const { transport, published } = recordingTransport();
    const written = [];
    for (let n = 1; n <= 5; n++) written.push(await append(database, n));
    const relay = startOutboxRelay({
      db: database.db,
      dialect: database.dialect,
      transport,
      intervalMs: 10,
      batchSize: 2,
    });
    try {
      await eventually(() =>
        expect(published.map((e) => e.payload)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n }))),
      );
      expect(published).toEqual(written);
      await eventually(async () => expect(await unpublished(database)).toBe(0));
    } finally {
      await relay.stop();
    }
    expect(published).toHaveLength(5);
  });

  test('a failed publication marks nothing and is tried again: nothing is lost, nothing skipped', async () => {
    const { transport, published, failNext } = recordingTransport();
    failNext(3);
    await append(database, 1);
    await append(database, 2);
    const relay = startOutboxRelay({
      db: database.db,
      dialect: database.dialect,
      transport,
      intervalMs: 5,
      maxRetryDelayMs: 20,
    });
    try {
      await eventually(() => expect(published.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }]));
      await append(database, 3);
      relay.kick();
      await eventually(() =>
        expect(published.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]),
      );
      // The relay marks a row after the transport took it: wait for the mark, not only the publication.
      await eventually(async () => expect(await unpublished(database)).toBe(0));
    } finally {
      await relay.stop();
    }
  });

  test('a kick publishes at once, without waiting for the poll', async () => {
    const { transport, published } = recordingTransport();
    const relay = startOutboxRelay({
      db: database.db,
      dialect: database.dialect,
      transport,
      intervalMs: 60_000,
    });
    try {
      await new Promise((r) => setTimeout(r, 50)); // the first (empty) look is over; the next poll is a minute away
      await append(database, 1);
      relay.kick();
      await eventually(() => expect(published).toHaveLength(1), 2000);
    } finally {
      await relay.stop();
    }
  });

  test('stop publishes what is left and ends promptly', async () => {
    const { transport, published } = recordingTransport();
    const relay = startOutboxRelay({
      db: database.db,
      dialect: database.dialect,
      transport,
      intervalMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    await append(database, 1);
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(published).toHaveLength(1);
  });
});

test('two relays on one PostgreSQL schema (two replicas) publish every event once, in order', async () => {
  schema = `relay_test_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase<any>({
    name: 'relay',
    databaseUrl: DATABASE_URL,
    databaseSchema: schema,
    migrations: KIT_EVENT_MIGRATIONS,
  });
  const replica = await openDatabase<any>({
    name: 'relay',
    databaseUrl: DATABASE_URL,
    databaseSchema: schema,
    migrations: KIT_EVENT_MIGRATIONS,
  });
  const { transport, published } = recordingTransport();
  const relays = [database, replica].map((d) =>
    startOutboxRelay({ db: d.db, dialect: 'postgres', transport, intervalMs: 1, batchSize: 3 }),
  );
  try {
    for (let n = 1; n <= 30; n++) await append(database, n);
    await eventually(() => expect(published).toHaveLength(30));
    await new Promise((r) => setTimeout(r, 50));
    expect(published.map((e) => (e.payload as { n: number }).n)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
    await replica.close();
    await database.close();
  }
});
