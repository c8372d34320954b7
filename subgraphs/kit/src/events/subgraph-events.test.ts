import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openSubgraph, type RunningSubgraph, type SubgraphRuntimeOptions } from '../subgraph';
import { querySubgraph } from '../testing/subgraph-requests';
import Redis from 'ioredis';
import { createInProcessTransport } from './in-process-transport';
import { createRedisStreamsTransport } from './redis-streams-transport';
import { tallySubgraph, type TallyDB, type TallyStore } from '../testing/tally-subgraph';
import type { EventTransport } from './transport';
import { eventually } from '../testing/transport-contract';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const EXCEPTION_FIELDS =
  'id handler eventId eventType aggregateId correlationId error attempts status firstFailedAt lastFailedAt resolvedAt resolvedBy payload note';
const EXCEPTIONS = `query ($status: EventExceptionStatus, $first: Int, $after: String) {
  tallyEventExceptions(status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${EXCEPTION_FIELDS} } }
  }
}`;
const REPLAY = `mutation ($id: ID!) { replayTallyEventException(id: $id) { ${EXCEPTION_FIELDS} } }`;
const DISCARD = `mutation ($id: ID!, $reason: String!) { discardTallyEventException(id: $id, reason: $reason) { ${EXCEPTION_FIELDS} } }`;
const HEALTH = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { tallyExceptionQueues { handler open oldestOpenAt } } } }`;

interface Place {
  options: SubgraphRuntimeOptions;
  cleanup(subgraph: RunningSubgraph<TallyDB, TallyStore>): Promise<void>;
}

/** Where the test's databases live, per dialect: a temporary folder of SQLite files, or a random PostgreSQL schema. */
const places: Record<'SQLite' | 'PostgreSQL', () => Place> = {
  SQLite: () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-events-'));
    return {
      options: { dataDir },
      cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  },
  PostgreSQL: () => {
    const databaseSchema = `tally_test_${randomBytes(4).toString('hex')}`;
    return {
      options: { databaseUrl: DATABASE_URL, databaseSchema },
      cleanup: async (subgraph) =>
        void (await sql`drop schema if exists ${sql.id(databaseSchema)} cascade`.execute(
          subgraph.database.db,
        )),
    };
  },
};

/** The transports the subgraph may share: in process, or a fresh Redis stream (deleted after). */
const transports = {
  'in-process': () => ({
    transport: createInProcessTransport({ redeliverDelayMs: 10 }) as EventTransport,
    cleanup: async () => {},
  }),
  'Redis Streams': () => {
    const transport = createRedisStreamsTransport({
      redisUrl: REDIS_URL,
      keyPrefix: `switchyard:test:${randomBytes(6).toString('hex')}`,
      blockMs: 200,
      redeliverDelayMs: 10,
    });
    return {
      transport: transport as EventTransport,
      cleanup: async () => {
        const redis = new Redis(REDIS_URL);
        await redis.del(transport.streamKey);
        await redis.quit();
      },
    };
  },
};

describe.each([
  ['SQLite', 'in-process'],
  ['PostgreSQL', 'in-process'],
  ['SQLite', 'Redis Streams'],
] as const)('events through openSubgraph on %s, %s', (dialect, transportKind) => {
  let transport: EventTransport;
  let cleanupTransport: () => Promise<void>;
  let place: Place;
  let subgraph: RunningSubgraph<TallyDB, TallyStore>;
  const open = () =>
    openSubgraph(tallySubgraph, {
      ...place.options,
      events: transport,
      eventOptions: { relayIntervalMs: 10, maxAttempts: 2, retryBackoffMs: 1 },
    });

  beforeEach(async () => {
    ({ transport, cleanup: cleanupTransport } = transports[transportKind]());
    place = places[dialect]();
    subgraph = await open();
  });
  afterEach(async () => {
    await place.cleanup(subgraph);
    await subgraph.close();
    await transport.close();
    await cleanupTransport();
  });

  const announce = (key: string) =>
    querySubgraph(
      subgraph.server,
      'mutation ($key: String!) { announce(key: $key) }',
      { key },
      { 'x-correlation-id': `corr-${key}` },
    );
  const exceptions = async (variables: Record<string, unknown> = {}) =>
    (await querySubgraph(subgraph.server, EXCEPTIONS, variables)).data.tallyEventExceptions;
  /** Announces a poisoned key and waits for its exception; answers its graph id. */
  async function poisoned(key: string): Promise<string> {
    await subgraph.store.poison(key, true);
    await announce(key);
    let id = '';
    await eventually(async () => {
      const found = (await exceptions()).edges
        .map((e: any) => e.node)
        .find((node: any) => node.aggregateId === key);
      expect(found).toBeDefined();
      id = found.id;
    });
    return id;
  }

  test('a mutation writes its event with its change; the relay publishes it and the handler consumes it', async () => {
    expect((await announce('a')).data).toEqual({ announce: true });
    await eventually(async () => expect(await subgraph.store.tally('a')).toBe(1));
    const outbox = await subgraph.database.db
      .selectFrom('event_outbox' as never)
      .selectAll()
      .execute();
    expect(outbox).toEqual([
      expect.objectContaining({
        type: 'Announced',
        aggregate_id: 'a',
        correlation_id: 'corr-a',
        published_at: expect.any(String),
      }),
    ]);
  });

  test("the relay's polling and the consumers' bookkeeping are not counted as the subgraph's statements", async () => {
    await announce('a');
    await eventually(async () => expect(await subgraph.store.tally('a')).toBe(1));
    subgraph.database.statements.count = 0;
    await new Promise((r) => setTimeout(r, 100));
    expect(subgraph.database.statements.count).toBe(0);
  });

  test('the same event delivered again (a duplicate publication) is counted once', async () => {
    await announce('a');
    await eventually(async () => expect(await subgraph.store.tally('a')).toBe(1));
    const [row] = (await subgraph.database.db
      .selectFrom('event_outbox' as never)
      .selectAll()
      .execute()) as any[];
    await transport.publish([
      {
        id: row.event_id,
        type: 'Announced',
        source: 'tally',
        aggregateId: 'a',
        payload: { key: 'a' },
        correlationId: 'x',
        occurredAt: row.occurred_at,
      },
    ]);
    await announce('b');
    await eventually(async () => expect(await subgraph.store.tally('b')).toBe(1));
    expect(await subgraph.store.tally('a')).toBe(1);
  });

  test('a poison event lands in the exception queue with its error and correlation id; the next events still flow', async () => {
    const id = await poisoned('bad');
    await announce('good');
    await eventually(async () => expect(await subgraph.store.tally('good')).toBe(1));
    const { edges, totalCount } = await exceptions();
    expect(totalCount).toBe(1);
    expect(edges[0].node).toMatchObject({
      id,
      handler: 'tally.count-announcements',
      eventType: 'Announced',
      aggregateId: 'bad',
      correlationId: 'corr-bad',
      error: 'key bad is poisoned',
      attempts: 2,
      status: 'OPEN',
      resolvedAt: null,
      payload: '{"key":"bad"}',
    });
    expect(id).toMatch(/^tally:[0-9]+$/);
    const health = await querySubgraph(subgraph.server, HEALTH, {
      r: [
        {
          __typename: 'BusinessHealth',
          from: '2026-01-01T00:00:00.000Z',
          to: '2026-02-01T00:00:00.000Z',
        },
      ],
    });
    expect(health.data._entities[0].tallyExceptionQueues).toEqual([
      { handler: 'tally.count-announcements', open: 1, oldestOpenAt: edges[0].node.firstFailedAt },
    ]);
  });

  test('replay before the fix answers the new failure (still OPEN, one more attempt); after the fix it is REPLAYED', async () => {
    const id = await poisoned('bad');
    const failed = await querySubgraph(subgraph.server, REPLAY, { id });
    expect(failed.errors).toBeUndefined();
    expect(failed.data.replayTallyEventException).toMatchObject({
      id,
      status: 'OPEN',
      attempts: 3,
      error: 'key bad is poisoned',
      resolvedAt: null,
    });

    await subgraph.store.poison('bad', false);
    const replayed = await querySubgraph(subgraph.server, REPLAY, { id });
    expect(replayed.data.replayTallyEventException).toMatchObject({
      id,
      status: 'REPLAYED',
      resolvedBy: 'service:test',
      resolvedAt: expect.any(String),
    });
    expect(await subgraph.store.tally('bad')).toBe(1);
    expect((await exceptions()).totalCount).toBe(0);
    expect((await exceptions({ status: 'REPLAYED' })).totalCount).toBe(1);

    const again = await querySubgraph(subgraph.server, REPLAY, { id });
    expect(again.data.replayTallyEventException).toBeNull();
    expect(again.errors![0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'REPLAYED',
      to: 'REPLAYED',
    });
    const discard = await querySubgraph(subgraph.server, DISCARD, { id, reason: 'late' });
    expect(discard.errors![0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'REPLAYED',
      to: 'DISCARDED',
    });
  });

  test('discard drops an OPEN exception with its reason; bad ids and reasons are refused', async () => {
    const id = await poisoned('bad');
    const blank = await querySubgraph(subgraph.server, DISCARD, { id, reason: '  ' });
    expect(blank.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'reason',
    });
    const discarded = await querySubgraph(subgraph.server, DISCARD, {
      id,
      reason: 'test order, ignore',
    });
    expect(discarded.data.discardTallyEventException).toMatchObject({
      id,
      status: 'DISCARDED',
      note: 'test order, ignore',
      resolvedBy: 'service:test',
    });
    expect((await querySubgraph(subgraph.server, REPLAY, { id })).errors![0].extensions.code).toBe(
      'INVALID_STATE_TRANSITION',
    );

    expect(
      (await querySubgraph(subgraph.server, REPLAY, { id: 'tally:99999' })).errors![0].extensions,
    ).toMatchObject({ code: 'NOT_FOUND', typeName: 'EventException' });
    expect(
      (await querySubgraph(subgraph.server, REPLAY, { id: 'inventory:1' })).errors![0].extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect(
      (await querySubgraph(subgraph.server, REPLAY, { id: '7' })).errors![0].extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
  });

  test('exceptions page newest first by keyset', async () => {
    const ids = [await poisoned('p1'), await poisoned('p2'), await poisoned('p3')];
    const first = await exceptions({ first: 2 });
    expect(first.edges.map((e: any) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await exceptions({ first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges.map((e: any) => e.node.id)).toEqual([ids[0]]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(rest.totalCount).toBe(3);
  });

  test('a subgraph that was stopped catches up with what was published meanwhile, on the same database', async () => {
    await announce('before');
    await eventually(async () => expect(await subgraph.store.tally('before')).toBe(1));
    await subgraph.close();
    const announced = (key: string) => ({
      id: randomUUID(),
      type: 'Announced',
      source: 'elsewhere',
      aggregateId: key,
      payload: { key },
      correlationId: 'c',
      occurredAt: new Date().toISOString(),
    });
    await transport.publish([announced('while-down'), announced('while-down')]);
    subgraph = await open();
    await eventually(async () => expect(await subgraph.store.tally('while-down')).toBe(2));
    expect(await subgraph.store.tally('before')).toBe(1);
  });
});
