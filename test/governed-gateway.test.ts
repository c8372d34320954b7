/** The gateway as `npm start` runs it: every module wired from gateway/governance.dev.yaml, over HTTP. */
import path from 'node:path';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { createMemoryStore } from '@switchyard/gateway';
import { startGraph, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
beforeAll(async () => {
  graph = await startGraph({
    seedScale: 0.05,
    governance: (supergraph) =>
      createGovernance(config, { supergraph, store: createMemoryStore(), logLevel: 'silent' }),
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
