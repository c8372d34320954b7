/**
 * Redis going away mid-run, end to end: a governed gateway over HTTP whose governance store
 * reaches Redis through a TCP proxy the test cuts and restores (the Redis other tests share stays
 * up). While it is away the gateway keeps serving, each module as documented (README "While Redis
 * is away"); when it is back, what was buffered is written and what was admitted is counted.
 */
import type { GovernanceStore } from '@switchyard/gateway';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import type { UsageModule } from '../gateway/src/governance/usage/usage';
import {
  dropRedisStore,
  governedBy,
  governedGateway,
  openRedisStore,
  RedisProxy,
  uniquePrefix,
  until,
  type GovernedGateway,
} from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as, testGovernanceConfig } from './testing/consumers';

const LIMIT = 10;
const config = testGovernanceConfig(
  {
    // A chunk of 1: every request of the metered consumer needs the store, so the outage is felt at once.
    rateBudgets: {
      onStoreUnavailable: 'local',
      leaseSize: 0.1,
      tiers: {
        metered: [{ window: '1d', requests: LIMIT }],
        open: [{ window: '1d', requests: 100_000 }],
      },
    },
    usage: { flushIntervalMs: 200 },
  },
  [
    { id: 'outage-app', tier: 'open', scopes: ['orders:read'] },
    { id: 'outage-metered', tier: 'metered' },
    {
      id: 'outage-partner',
      kind: 'distributor',
      tier: 'open',
      scopes: ['orders:read'],
      tenant: { customers: ['CUS-0001'] },
      persistedOperations: 'persisted-only',
    },
    { id: 'outage-admin', tier: 'open', scopes: ['governance:admin'] },
  ],
);

const ORDERS = 'query OutageOrders { orders(first: 1) { totalCount } }';
const ACCOUNT = 'query OutageAccount($id: ID!) { customer(id: $id) { id } }';

let proxy: RedisProxy;
let proxied: GovernanceStore;
let direct: GovernanceStore;
let graph: RunningGraph;
let gateway: GovernedGateway;

beforeAll(async () => {
  const prefix = uniquePrefix('outage');
  proxy = await RedisProxy.start();
  proxied = await openRedisStore(prefix, proxy.url);
  // The test's own view of Redis, not through the proxy.
  direct = await openRedisStore(prefix);
  const governed = governedBy(config, proxied);
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
}, 120_000);

afterAll(async () => {
  await graph?.close();
  await proxied?.close();
  await proxy?.close();
  await dropRedisStore(direct);
});

const usage = () => gateway.module<UsageModule>('usage');
const statuses = async (count: number, body: Record<string, unknown>, consumer: string) => {
  const answers = [];
  for (let i = 0; i < count; i++) answers.push((await gateway.post(body, as(consumer))).status);
  return answers;
};

test('before the outage: requests are served and counted in Redis, a partner runs its registered operation', async () => {
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [{ id: operationId(ACCOUNT), name: 'OutageAccount', type: 'query', body: ACCOUNT }],
  };
  expect(
    (await gateway.admin('POST', '/consumers/outage-partner/operations', 'outage-admin', manifest))
      .status,
  ).toBe(200);
  expect(
    (
      await gateway.post(
        { documentId: operationId(ACCOUNT), variables: { id: 'CUS-0001' } },
        as('outage-partner'),
      )
    ).body.data,
  ).toEqual({ customer: { id: 'CUS-0001' } });
  expect(await statuses(2, { query: ORDERS }, 'outage-app')).toEqual([200, 200]);
  expect(await statuses(2, { query: '{ __typename }' }, 'outage-metered')).toEqual([200, 200]);
  await gateway.flush();
  expect(usage().aggregator.pendingFieldCount()).toBe(0);
});

describe('while Redis is away', () => {
  beforeAll(async () => {
    proxy.cut();
    expect(await until(() => !proxied.healthy(), 5_000)).toBe(true);
  });

  test('the gateway keeps serving; usage is buffered in the process, not lost (fail open)', async () => {
    expect(await statuses(3, { query: ORDERS }, 'outage-app')).toEqual([200, 200, 200]);
    await expect(usage().aggregator.flush()).rejects.toThrow();
    expect(usage().aggregator.pendingFieldCount()).toBeGreaterThan(0);
  });

  test('rate budgets (onStoreUnavailable: local) admit up to each limit from this replica alone', async () => {
    expect(await statuses(3, { query: '{ __typename }' }, 'outage-metered')).toEqual([
      200, 200, 200,
    ]);
  });

  test('a registered operation this replica already holds runs; an id it cannot look up is 503 STORE_UNAVAILABLE, never run unchecked (fail closed)', async () => {
    expect(
      (
        await gateway.post(
          { documentId: operationId(ACCOUNT), variables: { id: 'CUS-0001' } },
          as('outage-partner'),
        )
      ).status,
    ).toBe(200);
    const unknown = await gateway.post(
      { documentId: operationId('query Other { __typename }') },
      as('outage-partner'),
    );
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');
    expect(unknown.body.errors?.[0].extensions?.code).toBe('STORE_UNAVAILABLE');
  });

  test('APQ keeps working for a consumer that is not persisted-only: the hash with its text runs', async () => {
    const apq = {
      query: ORDERS,
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(ORDERS) } },
    };
    const answer = await gateway.post(apq, as('outage-app'));
    expect(answer.status).toBe(200);
    expect(answer.body.data.orders.totalCount).toBeGreaterThan(0);
  });

  test('admin reports that read the store answer 503 STORE_UNAVAILABLE', async () => {
    const report = await gateway.admin(
      'GET',
      '/usage/operations?consumer=outage-app',
      'outage-admin',
    );
    expect(report.status).toBe(503);
    expect(report.body.errors[0].extensions.code).toBe('STORE_UNAVAILABLE');
  });
});

describe('when Redis is back', () => {
  beforeAll(async () => {
    proxy.restore();
    expect(await until(() => proxied.healthy(), 10_000)).toBe(true);
  });

  test('the usage buffered during the outage is written by the flush timer, and the reports count every request', async () => {
    expect(await until(() => usage().aggregator.pendingFieldCount() === 0, 5_000)).toBe(true);
    const report = await gateway.admin(
      'GET',
      '/usage/operations?consumer=outage-app',
      'outage-admin',
    );
    expect(report.status).toBe(200);
    // 2 before, 3 + 1 (APQ) during the outage: an APQ request counts under its hash, which is the document's.
    expect(report.body.operations).toEqual([
      expect.objectContaining({ operationName: 'OutageOrders', requests: 6 }),
    ]);
  });

  test('what the rate budget admitted during the outage is added to the shared counter: the window still holds the limit in total', async () => {
    // 2 before + 3 during the outage; this request settles the 3 and leases its own.
    expect(await statuses(1, { query: '{ __typename }' }, 'outage-metered')).toEqual([200]);
    const budget = await gateway.admin('GET', '/consumers/outage-metered/budget', 'outage-admin');
    expect(budget.body.rules[0]).toMatchObject({ limit: LIMIT, used: 6 });
    expect(await statuses(5, { query: '{ __typename }' }, 'outage-metered')).toEqual([
      200, 200, 200, 200, 429,
    ]);
  });
});
