/**
 * A Redis that comes back empty (FLUSHDB on a Redis database of this test's own) while two gateway
 * replicas keep serving the registered operations they hold parsed: each writes them back, so the
 * manifest list (what the registry's checks and the CLI read) names again what the gateways serve.
 * The replica answering the list restores its own at once and says so (`restored`); the other
 * restores its own within its restore interval (10 s).
 */
import Redis from 'ioredis';
import type { GovernanceStore } from '@switchyard/gateway';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import {
  governedBy,
  governedGateway,
  openRedisStore,
  REDIS_URL,
  startReplica,
  uniquePrefix,
  until,
  type GovernedGateway,
} from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as, testGovernanceConfig } from './testing/consumers';

const config = testGovernanceConfig({}, [
  {
    id: 'restore-partner',
    kind: 'distributor',
    scopes: ['orders:read'],
    tenant: { customers: ['CUS-0001'] },
    persistedOperations: 'persisted-only',
  },
  { id: 'restore-admin', scopes: ['governance:admin'] },
]);

// A database index no other test writes to: FLUSHDB empties this test's keys only.
const url = new URL(REDIS_URL);
url.pathname = '/13';
const DEDICATED_REDIS = url.toString();

const ACCOUNT = 'query RestoreAccount($id: ID!) { customer(id: $id) { id } }';
const COUNT = 'query RestoreCount { orders(first: 1) { totalCount } }';
const manifest = (name: string, body: string) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [{ id: operationId(body), name, type: 'query', body }],
});

let graph: RunningGraph;
let first: GovernedGateway;
let second: GovernedGateway & { close(): Promise<void> };
let stores: GovernanceStore[] = [];
let redis: Redis;

beforeAll(async () => {
  const prefix = uniquePrefix('restore');
  stores = [
    await openRedisStore(prefix, DEDICATED_REDIS),
    await openRedisStore(prefix, DEDICATED_REDIS),
  ];
  const governed = governedBy(config, stores[0]);
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  first = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  second = await startReplica(graph, config, stores[1]);
  redis = new Redis(DEDICATED_REDIS);
}, 120_000);

afterAll(async () => {
  await second?.close();
  await graph?.close();
  for (const store of stores) await store.close();
  await redis?.flushdb();
  redis?.disconnect();
});

const run = (gateway: GovernedGateway, body: string, variables = {}) =>
  gateway.post({ documentId: operationId(body), variables }, as('restore-partner'));
const listed = async (gateway: GovernedGateway) =>
  (await gateway.admin('GET', '/consumers/restore-partner/operations', 'restore-admin')).body;

test('after FLUSHDB each replica writes back the operations it serves: the list names them again and they run on every replica', async () => {
  // Each replica registers one operation: it holds that one parsed.
  const register = (gateway: GovernedGateway, name: string, body: string) =>
    gateway.admin(
      'POST',
      '/consumers/restore-partner/operations',
      'restore-admin',
      manifest(name, body),
    );
  expect((await register(first, 'RestoreAccount', ACCOUNT)).status).toBe(200);
  expect((await register(second, 'RestoreCount', COUNT)).status).toBe(200);
  expect((await run(first, ACCOUNT, { id: 'CUS-0001' })).body.data).toEqual({
    customer: { id: 'CUS-0001' },
  });
  expect((await run(second, COUNT)).status).toBe(200);
  expect((await listed(first)).total).toBe(2);

  await redis.flushdb();
  expect(await stores[0].keys('')).toEqual([]);

  // The replica answering restores what it holds before it lists, and names it.
  const afterFlush = await listed(first);
  expect(afterFlush.operations.map((operation: { name: string }) => operation.name)).toContain(
    'RestoreAccount',
  );
  expect(afterFlush.restored).toEqual([{ id: operationId(ACCOUNT), name: 'RestoreAccount' }]);
  // The other one writes its own back on its restore interval.
  expect(await until(async () => (await listed(first)).total === 2, 15_000)).toBe(true);
  expect((await listed(first)).restored).toBeUndefined();

  // What the store holds again runs anywhere: the first replica never held RestoreCount.
  const count = await run(first, COUNT);
  expect(count.status).toBe(200);
  expect(count.body.data.orders.totalCount).toBeGreaterThan(0);
}, 60_000);
