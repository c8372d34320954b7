/** The gateway as `npm start` runs it: every module wired from gateway/governance.dev.yaml, over HTTP. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createGovernance } from '../gateway/src/governance';
import {
  loadGovernanceConfig,
  type ConsumerConfig,
} from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { createMemoryStore } from '@switchyard/gateway';
import { startGraph, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
/** Two consumers the development file lacks, for the APQ tests: a contract consumer allowed free-form documents, and one with a budget of one request. */
const testConsumer = (id: string, extra: Partial<ConsumerConfig>): ConsumerConfig => ({
  id,
  name: id,
  kind: 'internal',
  apiKeys: [{ sha256: createHash('sha256').update(id).digest('hex') }],
  scopes: ['orders:read'],
  tenant: null,
  tier: 'silver',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
  ...extra,
});
const store = createMemoryStore();
beforeAll(async () => {
  const governed = {
    ...config,
    consumers: [
      ...config.consumers,
      testConsumer('test-apq-contract', { contract: 'partner' }),
      testConsumer('test-apq-one-request', {}),
    ],
    rateBudgets: {
      ...config.rateBudgets,
      consumers: {
        ...config.rateBudgets?.consumers,
        'test-apq-one-request': [{ window: '1h', requests: 1 }],
      },
    },
  };
  graph = await startGraph({
    seedScale: 0.05,
    governance: (supergraph) =>
      createGovernance(governed, { supergraph, store, logLevel: 'silent' }),
  });
}, 120_000);
afterAll(() => graph.close());

const CREDIT = '{ customer(id: "CUS-0001") { name creditLimit { amount } } }';
const base = () => graph.gatewayUrl.replace(/\/graphql$/, '');

test('the development config loads and every module of it is on', () => {
  expect(Object.values(config.modules).every(Boolean)).toBe(true);
});

test('an internal consumer with credit:read reads the credit limit', async () => {
  const { body } = await graph.query(CREDIT, {}, { 'x-api-key': 'dev-sales-portal' });
  expect(body.errors).toBeUndefined();
  expect(body.data.customer.creditLimit.amount).toMatch(/^\d+\.\d\d$/);
});

test('a consumer without credit:read gets null and UNAUTHORIZED_FIELD_OR_TYPE naming the scope', async () => {
  const { body } = await graph.query(
    '{ products(first: 1) { edges { node { sku costPrice { amount } } } } }',
    {},
    { 'x-api-key': 'dev-web-store' },
  );
  expect(body.data.products.edges[0].node.costPrice).toBeNull();
  expect(body.errors![0].extensions).toMatchObject({
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    requiresScopes: [['catalog:cost:read']],
  });
});

test('no key is UNAUTHENTICATED; a persisted-only partner cannot send a free-form document', async () => {
  const anonymous = await graph.query(CREDIT);
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  const partner = await graph.query(CREDIT, {}, { 'x-api-key': 'dev-acme-distributor' });
  expect(partner.body.errors![0].extensions!.code).toBe('PERSISTED_QUERY_REQUIRED');
});

test('/metrics and /admin need governance:admin', async () => {
  await graph.query(CREDIT, {}, { 'x-api-key': 'dev-sales-portal' });
  const scrape = (headers: Record<string, string>) => fetch(`${base()}/metrics`, { headers });
  const anonymous = await scrape({});
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  const notAdmin = await scrape({ 'x-api-key': 'dev-web-store' });
  expect(notAdmin.status).toBe(403);
  expect(((await notAdmin.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
  const scraped = await scrape({ 'x-api-key': 'dev-platform-admin' });
  expect(scraped.status).toBe(200);
  const metrics = await scraped.text();
  expect(metrics).toMatch(/switchyard_gateway_requests_total\{consumer="dev-sales-portal"/);
  expect(
    (await fetch(`${base()}/admin/usage/stages`, { headers: { 'x-api-key': 'dev-web-store' } }))
      .status,
  ).toBe(403);
  const stages = await fetch(`${base()}/admin/usage/stages`, {
    headers: { 'x-api-key': 'dev-platform-admin' },
  });
  expect(stages.status).toBe(200);
  expect(((await stages.json()) as any).stages.length).toBeGreaterThan(0);
});

describe('APQ stores a document only once its operation passed every check', () => {
  const apq = (query: string) => ({
    extensions: { persistedQuery: { version: 1, sha256Hash: operationId(query) } },
  });
  const post = async (key: string, body: Record<string, unknown>) => {
    const response = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const codesOf = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);
  const stored = async (query: string) => (await store.get(`apq:${operationId(query)}`)) !== null;

  test('refused documents are not stored: a hash alone is PERSISTED_QUERY_NOT_FOUND afterwards', async () => {
    const deep = `{ orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { customer { id } } } } } } } } } } } } }`;
    const refused: [key: string, query: string, code: string][] = [
      [
        'dev-web-store',
        '{ orders(first: 1) { edges { node { noSuchField } } } }',
        'GRAPHQL_VALIDATION_FAILED',
      ],
      ['dev-web-store', deep, 'OPERATION_LIMIT_EXCEEDED'],
      [
        'test-apq-contract',
        '{ customer(id: "CUS-0001") { creditLimit { amount } } }',
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'dev-web-store',
        '{ products(first: 1) { edges { node { sku costPrice { amount } } } } }',
        'UNAUTHORIZED_FIELD_OR_TYPE',
      ],
    ];
    // Its one request spent, the next is over budget.
    expect((await post('test-apq-one-request', { query: '{ __typename }' })).status).toBe(200);
    refused.push([
      'test-apq-one-request',
      '{ orders(first: 1) { edges { node { id } } } }',
      'RATE_LIMITED',
    ]);

    for (const [key, query, code] of refused) {
      const answer = await post(key, { query, ...apq(query) });
      expect({ query, codes: codesOf(answer.body) }).toEqual({
        query,
        codes: expect.arrayContaining([code]),
      });
    }
    // A document that passes, sent last: once it is stored, every write queued before it is done.
    const valid = '{ orders(first: 1) { edges { node { id status } } } }';
    expect(codesOf((await post('dev-web-store', { query: valid, ...apq(valid) })).body)).toEqual(
      [],
    );
    for (let i = 0; i < 100 && !(await stored(valid)); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await stored(valid)).toBe(true);

    for (const [key, query] of refused) {
      expect({ query, stored: await stored(query) }).toEqual({ query, stored: false });
      const byHash = await post(key === 'test-apq-one-request' ? 'dev-web-store' : key, apq(query));
      expect({ query, codes: codesOf(byHash.body) }).toEqual({
        query,
        codes: ['PERSISTED_QUERY_NOT_FOUND'],
      });
    }
    const hit = await post('dev-sales-portal', apq(valid));
    expect(codesOf(hit.body)).toEqual([]);
    expect(hit.body.data.orders.edges).toHaveLength(1);
  });
});
