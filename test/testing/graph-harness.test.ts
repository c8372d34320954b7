/**
 * The harness the order-to-cash tests stand on: subgraphs stopped and restarted on the same database and
 * port behind a running gateway, with either event transport shared by every subgraph.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RunningSubgraph } from '@switchyard/kit';
import { eventually, startGraph, type RunningGraph } from './graph-harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const COUNT = '{ customers(first: 1) { totalCount } }';

async function addCustomer(subgraphs: Record<string, RunningSubgraph<any, any>>) {
  await subgraphs.customers.database.db
    .insertInto('customers')
    .values({
      id: 'CUST-1',
      account_number: 'A-1',
      name: 'Acme',
      status: 'ACTIVE',
      segment: 'WHOLESALE',
      payment_terms: 'NET30',
      credit_limit_cents: 100,
      currency: 'USD',
      created_at: '2026-01-01T00:00:00.000Z',
    })
    .execute();
}

describe.each([
  ['in process', 'in-process' as const],
  ['on Redis Streams', { redisUrl: REDIS_URL }],
])('graph harness with events %s', (_name, events) => {
  let graph: RunningGraph;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-harness-'));
    graph = await startGraph({ subgraphs: ['customers'], events, dataDir, prepare: addCustomer });
  });
  afterAll(async () => {
    await graph.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('every subgraph shares the one transport, and its URL is known to the others', () => {
    expect(graph.transport.kind).toBe(events === 'in-process' ? 'in-process' : 'redis-streams');
    expect(graph.subgraphs.customers.transport).toBe(graph.transport);
    expect(graph.serviceUrls.get('customers')).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/graphql$/);
  });

  test('a stopped subgraph fails at the gateway; restarted, it answers from the same database on the same port', async () => {
    expect((await graph.query(COUNT)).body.data).toEqual({ customers: { totalCount: 1 } });
    const url = graph.serviceUrls.get('customers');
    await graph.stopSubgraph('customers');
    expect(graph.subgraphs.customers).toBeUndefined();
    expect((await graph.query(COUNT)).body.errors?.length).toBeGreaterThan(0);
    await graph.restartSubgraph('customers');
    expect(graph.serviceUrls.get('customers')).toBe(url);
    await eventually(async () =>
      expect((await graph.query(COUNT)).body.data).toEqual({ customers: { totalCount: 1 } }),
    );
  });
});

test('restartSubgraph refuses in-memory databases (they would come back empty)', async () => {
  const graph = await startGraph({ subgraphs: ['customers'] });
  try {
    await expect(graph.restartSubgraph('customers')).rejects.toThrow(/dataDir .* or databaseUrl/);
  } finally {
    await graph.close();
  }
});

test('the Redis stream of a graph is its own (random prefix) and is deleted on close', async () => {
  const graph = await startGraph({ subgraphs: ['customers'], events: { redisUrl: REDIS_URL } });
  const streamKey = (graph.transport as unknown as { streamKey: string }).streamKey;
  const redis = new Redis(REDIS_URL);
  try {
    expect(streamKey).toMatch(/^switchyard:test:[0-9a-f]+:stream$/);
    await graph.transport.publish([
      {
        id: randomUUID(),
        type: 'Nothing',
        source: 'test',
        aggregateId: 'x',
        payload: {},
        correlationId: 'c',
        occurredAt: new Date().toISOString(),
      },
    ]);
    expect(await redis.xlen(streamKey)).toBe(1);
  } finally {
    await graph.close();
  }
  try {
    expect(await redis.exists(streamKey)).toBe(0);
  } finally {
    await redis.quit();
  }
});

test('eventually answers the assertion once it holds, and its last error when it never does', async () => {
  let calls = 0;
  await expect(
    eventually(
      () => {
        if (++calls < 3) throw new Error('not yet');
        return calls;
      },
      1000,
      1,
    ),
  ).resolves.toBe(3);
  await expect(
    eventually(
      () => {
        throw new Error('never');
      },
      50,
      5,
    ),
  ).rejects.toThrow('never');
});
