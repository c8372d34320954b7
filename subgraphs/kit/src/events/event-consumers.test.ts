import { openDatabase, type Database } from '../database';
import { DETACHED_RUNTIME } from '../context';
import { DependencyUnavailableError } from '../service-client';
import type { DomainEvent } from './domain-event';
import { startEventConsumers, REDELIVERY_RESOLVER, type EventConsumers } from './event-consumers';
import { KIT_EVENT_MIGRATIONS } from './event-tables';
import { createExceptionQueue, type ExceptionQueue } from './exception-queue';
import type { EventHandler } from './handlers';
import { createInProcessTransport } from './in-process-transport';
import { consumeOnce } from './outbox';
import type { EventTransport } from './transport';
import { eventOf, eventually } from '../testing/transport-contract';

let database: Database<any>;
let transport: EventTransport;
let consumers: EventConsumers | undefined;
let exceptions: ExceptionQueue;

beforeEach(async () => {
  database = await openDatabase<any>({
    name: 'consumers',
    dataDir: ':memory:',
    migrations: KIT_EVENT_MIGRATIONS,
  });
  transport = createInProcessTransport({ redeliverDelayMs: 10 });
});
afterEach(async () => {
  await consumers?.close();
  consumers = undefined;
  await transport.close();
  await database.close();
});

/** Starts consumers for `handlers` with fast retries; the queue runs handlers with the same context. */
async function start(handlers: EventHandler<null>[], maxAttempts = 3) {
  const contextFor = (_event: DomainEvent, handler: string) => ({
    store: null,
    db: database.db,
    services: DETACHED_RUNTIME.services,
    handler,
  });
  exceptions = createExceptionQueue({ subgraph: 'test', db: database.db, handlers, contextFor });
  consumers = await startEventConsumers({
    handlers,
    transport,
    consumer: 'test-1',
    exceptions,
    contextFor,
    maxAttempts,
    retryBackoffMs: 1,
  });
}

const n = (event: DomainEvent) => (event.payload as { n: number }).n;

test('a handler that fails is tried again, and an event it then processes leaves no exception', async () => {
  const tries: number[] = [];
  await start([
    {
      name: 'test.flaky',
      on: ['A'],
      handle: async (e) => {
        tries.push(n(e));
        if (tries.length < 3) throw new Error('deadlock');
      },
    },
  ]);
  await transport.publish([eventOf('A', 1)]);
  await eventually(() => expect(tries).toEqual([1, 1, 1]));
  expect(await exceptions.count({})).toBe(0);
});

test('after maxAttempts failures the event is recorded OPEN with its error and attempts, and the next event still flows', async () => {
  const processed: number[] = [];
  await start([
    {
      name: 'test.picky',
      on: ['A'],
      handle: async (e) => {
        if (n(e) === 1) throw new Error('no tax rate for region ZZ');
        processed.push(n(e));
      },
    },
  ]);
  const poison = eventOf('A', 1);
  await transport.publish([poison, eventOf('A', 2)]);
  await eventually(() => expect(processed).toEqual([2]));
  const [exception] = await exceptions.list({ status: 'OPEN' }, { limit: 10, afterKey: null });
  expect(exception).toMatchObject({
    handler: 'test.picky',
    eventId: poison.id,
    eventType: 'A',
    aggregateId: 'A-1',
    correlationId: 'corr-1',
    error: 'no tax rate for region ZZ',
    attempts: 3,
    status: 'OPEN',
    payload: '{"n":1}',
    resolvedAt: null,
  });
  expect(await exceptions.depth()).toEqual([
    { handler: 'test.picky', open: 1, oldestOpenAt: exception.firstFailedAt },
  ]);
});

test('each handler is its own consumer group: one failing does not hold back another', async () => {
  const good: number[] = [];
  await start([
    {
      name: 'test.broken',
      on: ['A'],
      handle: async () => {
        throw new Error('always');
      },
    },
    { name: 'test.good', on: ['A'], handle: async (e) => void good.push(n(e)) },
  ]);
  await transport.publish([eventOf('A', 1), eventOf('A', 2)]);
  await eventually(async () => {
    expect(good).toEqual([1, 2]);
    expect(await exceptions.count({ handler: 'test.broken' })).toBe(2);
  });
});

test('a discarded event delivered again is skipped; an OPEN one processed by a later delivery is resolved', async () => {
  let healthy = false;
  const processed: number[] = [];
  await start(
    [
      {
        name: 'test.h',
        on: ['A'],
        handle: async (e) => {
          if (!healthy) throw new Error('down');
          processed.push(n(e));
        },
      },
    ],
    1,
  );
  const discarded = eventOf('A', 1);
  const healed = eventOf('A', 2);
  await transport.publish([discarded, healed]);
  await eventually(async () => expect(await exceptions.count({ status: 'OPEN' })).toBe(2));
  const [second, first] = await exceptions.list({}, { limit: 10, afterKey: null });
  await exceptions.discard(first.id, 'user:ops', 'customer asked to drop it');
  healthy = true;
  await transport.publish([discarded, healed]); // the relay published them again (at-least-once)
  await eventually(async () => expect((await exceptions.get(second.id))?.status).toBe('REPLAYED'));
  expect(processed).toEqual([2]);
  expect(await exceptions.get(second.id)).toMatchObject({ resolvedBy: REDELIVERY_RESOLVER });
  expect(await exceptions.get(first.id)).toMatchObject({
    status: 'DISCARDED',
    note: 'customer asked to drop it',
    resolvedBy: 'user:ops',
  });
});

test('consumeOnce: the same event delivered twice changes the records once', async () => {
  await database.db.schema.createTable('effects').addColumn('event_id', 'text').execute();
  await start([
    {
      name: 'test.once',
      on: ['A'],
      handle: (event, { db, handler }) =>
        db.transaction().execute(async (trx) => {
          if (!(await consumeOnce(trx, handler, event.id))) return;
          await trx.insertInto('effects').values({ event_id: event.id }).execute();
        }),
    },
  ]);
  const event = eventOf('A', 1);
  await transport.publish([event, event, eventOf('A', 2)]);
  await eventually(async () =>
    expect(await database.db.selectFrom('effects').select('event_id').execute()).toHaveLength(2),
  );
  await new Promise((r) => setTimeout(r, 30));
  expect(
    (
      await database.db
        .selectFrom('effects')
        .select('event_id')
        .where('event_id', '=', event.id)
        .execute()
    ).length,
  ).toBe(1);
});

test('closing stops a delivery waiting to retry; the event is delivered again to the next start', async () => {
  let fail = true;
  const processed: number[] = [];
  const handler: EventHandler<null> = {
    name: 'test.slow',
    on: ['A'],
    handle: async (e) => {
      if (fail) throw new Error('down');
      processed.push(n(e));
    },
  };
  const contextFor = (_event: DomainEvent, name: string) => ({
    store: null,
    db: database.db,
    services: DETACHED_RUNTIME.services,
    handler: name,
  });
  exceptions = createExceptionQueue({
    subgraph: 'test',
    db: database.db,
    handlers: [handler],
    contextFor,
  });
  const first = await startEventConsumers({
    handlers: [handler],
    transport,
    consumer: 'c',
    exceptions,
    contextFor,
    maxAttempts: 5,
    retryBackoffMs: 60_000,
  });
  await transport.publish([eventOf('A', 1)]);
  await new Promise((r) => setTimeout(r, 30));
  const started = Date.now();
  await first.close();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await exceptions.count({})).toBe(0);
  fail = false;
  consumers = await startEventConsumers({
    handlers: [handler],
    transport,
    consumer: 'c',
    exceptions,
    contextFor,
    maxAttempts: 5,
    retryBackoffMs: 1,
  });
  await eventually(() => expect(processed).toEqual([1]));
});

test('an unavailable dependency is waited for (no exception), and the event is processed once it is back', async () => {
  let down = 4;
  const processed: number[] = [];
  await start(
    [
      {
        name: 'test.needs-customers',
        on: ['A'],
        handle: async (e) => {
          if (down-- > 0)
            throw new DependencyUnavailableError('customers', 'unreachable', 'connection refused');
          processed.push(n(e));
        },
      },
    ],
    2,
  );
  await transport.publish([eventOf('A', 1)]);
  await eventually(() => expect(processed).toEqual([1]));
  expect(await exceptions.count({})).toBe(0);
});

test('a dependency this subgraph has no URL for is a configuration failure: it counts, and lands in the exception queue', async () => {
  await start(
    [
      {
        name: 'test.misconfigured',
        on: ['A'],
        handle: (_e, { services }) => services.query('customers', '{ __typename }'),
      },
    ],
    2,
  );
  await transport.publish([eventOf('A', 1)]);
  await eventually(async () => expect(await exceptions.count({ status: 'OPEN' })).toBe(1));
  const [exception] = await exceptions.list({}, { limit: 1, afterKey: null });
  expect(exception.error).toMatch(/customers is unavailable \(unknown-subgraph\)/);
});
