/**
 * Two governed gateways on one Redis, over HTTP, in front of the same six seeded subgraphs: the
 * first started by startGraph, the second by createGateway on the same supergraph and subgraph
 * URLs, each with its own governance modules and its own Redis connection (the same key prefix).
 */
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import type { GovernanceStore } from '@switchyard/gateway';
import {
  dropRedisStore,
  governedBy,
  governedGateway,
  openRedisStore,
  startReplica,
  uniquePrefix,
  type GovernedGateway,
} from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as, testGovernanceConfig } from './testing/consumers';

const LIMIT = 40;
const LEASE = 0.1; // a chunk of 4
const config = testGovernanceConfig(
  {
    rateBudgets: {
      leaseSize: LEASE,
      tiers: {
        metered: [{ window: '1d', requests: LIMIT }],
        open: [{ window: '1d', requests: 100_000 }],
      },
    },
    // Flushed by the test, so what each replica holds is known.
    usage: { flushIntervalMs: 3_600_000 },
  },
  [
    { id: 'replica-app', tier: 'open', scopes: ['orders:read'] },
    { id: 'replica-metered', tier: 'metered' },
    {
      id: 'replica-partner',
      kind: 'distributor',
      tier: 'open',
      scopes: ['orders:read'],
      tenant: { customers: ['CUS-0001'] },
      persistedOperations: 'persisted-only',
    },
    { id: 'replica-admin', tier: 'open', scopes: ['governance:admin'] },
  ],
);

let graph: RunningGraph;
let first: GovernedGateway;
let second: GovernedGateway & { close(): Promise<void> };
const stores: GovernanceStore[] = [];

beforeAll(async () => {
  const prefix = uniquePrefix('replicas');
  stores.push(await openRedisStore(prefix), await openRedisStore(prefix));
  const governed = governedBy(config, stores[0]);
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  first = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  second = await startReplica(graph, config, stores[1]);
}, 120_000);

afterAll(async () => {
  await second?.close();
  await graph?.close();
  await stores[1]?.close();
  await dropRedisStore(stores[0]);
});

test('the rate budget is shared: of 100 concurrent requests spread over both gateways, the limit is never exceeded and at most one chunk is refused early', async () => {
  const small = { query: '{ __typename }' };
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      (i % 2 === 0 ? first : second).post(small, as('replica-metered')),
    ),
  );
  const admittedBy = (parity: number) =>
    answers.filter((answer, i) => i % 2 === parity && answer.status === 200).length;
  const admitted = admittedBy(0) + admittedBy(1);
  expect(admitted).toBeLessThanOrEqual(LIMIT);
  expect(admitted).toBeGreaterThanOrEqual(LIMIT - (2 - 1) * LIMIT * LEASE);
  // Both served part of it, and both refused the rest with 429 RATE_LIMITED.
  expect(admittedBy(0)).toBeGreaterThan(0);
  expect(admittedBy(1)).toBeGreaterThan(0);
  const refusals = answers.filter((answer) => answer.status !== 200);
  expect(refusals.length).toBe(100 - admitted);
  expect(
    new Set(
      refusals.map((answer) => `${answer.status} ${answer.body.errors?.[0].extensions?.code}`),
    ),
  ).toEqual(new Set(['429 RATE_LIMITED']));

  // Either replica's showback reads the one shared counter.
  for (const gateway of [first, second]) {
    const { status, body } = await gateway.admin(
      'GET',
      '/consumers/replica-metered/budget',
      'replica-admin',
    );
    expect(status).toBe(200);
    expect(body.rules).toEqual([
      expect.objectContaining({
        window: '1d',
        measure: 'requests',
        limit: LIMIT,
        used: LIMIT,
        remaining: 0,
      }),
    ]);
  }
});

test('usage recorded by both gateways is merged in the reports either one serves', async () => {
  const operation = 'query ReplicaOrders { orders(first: 1) { totalCount } }';
  for (let i = 0; i < 3; i++)
    expect(
      (
        await first.post(
          { query: operation },
          { ...as('replica-app'), 'apollographql-client-name': 'replica-web' },
        )
      ).status,
    ).toBe(200);
  for (let i = 0; i < 2; i++)
    expect(
      (
        await second.post(
          { query: operation },
          { ...as('replica-app'), 'apollographql-client-name': 'replica-web' },
        )
      ).status,
    ).toBe(200);
  // The report route flushes its own replica first; the other's buffer is flushed by its timer (here: by the test).
  await first.flush();
  await second.flush();

  for (const gateway of [first, second]) {
    const operations = await gateway.admin(
      'GET',
      '/usage/operations?consumer=replica-app',
      'replica-admin',
    );
    expect(operations.status).toBe(200);
    expect(operations.body.operations).toEqual([
      expect.objectContaining({
        consumer: 'replica-app',
        operationName: 'ReplicaOrders',
        requests: 5,
        errors: 0,
        clients: [{ name: 'replica-web', version: '', requests: 5 }],
      }),
    ]);
    const field = await gateway.admin(
      'GET',
      '/usage/fields/OrderConnection.totalCount',
      'replica-admin',
    );
    expect(field.body.consumers).toEqual([
      expect.objectContaining({ consumer: 'replica-app', requests: 5 }),
    ]);
  }
});

test("a manifest registered through one gateway's /admin is served by the other, which never saw it", async () => {
  const body = 'query PartnerAccount($id: ID!) { customer(id: $id) { id name } }';
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [{ id: operationId(body), name: 'PartnerAccount', type: 'query', body }],
  };
  const registered = await first.admin(
    'POST',
    '/consumers/replica-partner/operations',
    'replica-admin',
    manifest,
  );
  expect(registered).toEqual({
    status: 200,
    body: { consumer: 'replica-partner', received: 1, added: 1, unchanged: 0, total: 1 },
  });

  const listed = await second.admin(
    'GET',
    '/consumers/replica-partner/operations',
    'replica-admin',
  );
  expect(listed.body.operations.map((operation: { name: string }) => operation.name)).toEqual([
    'PartnerAccount',
  ]);
  const answer = await second.post(
    { documentId: `sha256:${operationId(body)}`, variables: { id: 'CUS-0001' } },
    as('replica-partner'),
  );
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({
    data: {
      customer: {
        id: 'CUS-0001',
        name: graph.dataset!.customers.customers.find((c) => c.id === 'CUS-0001')!.name,
      },
    },
    extensions: { cost: expect.objectContaining({ requested: expect.any(Number) }) },
  });
  // Still persisted-only on the other replica: the text itself is refused.
  expect(
    (await second.post({ query: body, variables: { id: 'CUS-0001' } }, as('replica-partner'))).body
      .errors?.[0].extensions?.code,
  ).toBe('PERSISTED_QUERY_REQUIRED');
});
