/**
 * Issue 15's contract tests against real traffic, end to end: the six real subgraphs (SQLite files,
 * so a second deployment of orders can open the same database), a real governed gateway sampling
 * the requests it sends them, a real registry running the full check pipeline over the gateway's
 * admin API, and the `switchyard` CLI as a schema owner runs it. A candidate orders deployment
 * started with a deliberate regression (Order.shipToAddressId's resolver wrapped to answer null)
 * fails `subgraph check orders --endpoint <candidate>` naming the operations and the field; an
 * unchanged candidate passes. The samples are admin-only and hold no credit values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphQLObjectType } from 'graphql';
import { createMemoryStore, type GovernanceStore } from '@switchyard/gateway';
import { openSubgraph, subgraphSdl, type RunningSubgraph } from '@switchyard/kit';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import type { ContractReplayReport } from '../gateway/src/governance/traffic-samples/contract-replay';
import { createCheckRunner, createGatewayAdminSource, type RunCheck } from '../registry/src/checks';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';
import { startTestRegistry, type TestRegistry } from '../registry/src/testing/registry-harness';
import {
  eventually,
  startGraph,
  subgraphSources,
  type RunningGraph,
} from './testing/graph-harness';

const ADMIN = 'dev-platform-admin';
const SALES = 'dev-sales-portal';
const WEB_STORE = 'dev-web-store';

const development = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const governanceConfig = {
  ...development,
  modules: { ...development.modules, trafficSamples: true },
};

const RECENT_ORDERS =
  'query RecentOrders { orders(first: 5) { edges { node { id number status shipToAddressId } } } }';
const CUSTOMER_ORDERS =
  'query CustomerOrders($id: ID!) { customer(id: $id) { id name orders(first: 3) { edges { node { id shipToAddressId } } } } }';
const CREDIT_LIMIT =
  'query CreditLimit($id: ID!) { customer(id: $id) { id creditLimit { amount currency } } }';
const AGING =
  'query Aging($id: ID!, $asOf: DateTime) { customer(id: $id) { id aging(asOf: $asOf) { current { amount } } } }';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-contract-replay-'));
let graph: RunningGraph;
let store: GovernanceStore;
let registry: TestRegistry;
let registryUrl: string;
let gatewayBase: string;
const candidates: RunningSubgraph<any, any>[] = [];
let schemaFile: string;
let customerId: string;

beforeAll(async () => {
  store = createMemoryStore();
  graph = await startGraph({
    seedScale: 0.02,
    dataDir: temporary,
    governance: (supergraph) =>
      createGovernance(governanceConfig, { supergraph, store, logLevel: 'silent' }),
  });
  gatewayBase = graph.gatewayUrl.replace(/\/graphql$/, '');
  const pipeline: { run?: RunCheck } = {};
  registry = await startTestRegistry({ seed: false, runCheck: (input) => pipeline.run!(input) });
  await registry.service.seed(subgraphSources(graph), 'seed');
  registryUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
  pipeline.run = createCheckRunner({
    governance: governanceConfig,
    sources: createGatewayAdminSource({
      gatewayUrl: gatewayBase,
      credentials: { 'x-api-key': ADMIN },
    }),
  });
  schemaFile = path.join(temporary, 'orders.graphql');
  fs.writeFileSync(schemaFile, subgraphSdl(graph.subgraphs.orders.definition.schema));
}, 120_000);

afterAll(async () => {
  for (const candidate of candidates) await candidate.close();
  await registry?.close();
  await graph?.close();
  fs.rmSync(temporary, { recursive: true, force: true });
}, 60_000);

/**
 * A second deployment of orders on the same database; with `regressed`, Order.shipToAddressId
 * answers null. The wrap is in place only while the candidate builds its served schema (which
 * keeps the resolvers it was built with), so the running orders subgraph is not touched.
 */
async function startCandidate(regressed: boolean): Promise<string> {
  const definition = graph.subgraphs.orders.definition;
  const field = (definition.schema.getType('Order') as GraphQLObjectType).getFields()
    .shipToAddressId;
  const original = field.resolve;
  if (regressed) field.resolve = () => null;
  let candidate: RunningSubgraph<any, any>;
  try {
    candidate = await openSubgraph(definition, {
      dataDir: temporary,
      serviceUrls: graph.serviceUrls,
    });
  } finally {
    field.resolve = original;
  }
  candidates.push(candidate);
  return `${await candidate.server.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
}

async function switchyard(token: string, ...args: string[]) {
  const out: string[] = [];
  const code = await runSwitchyard(args, {
    env: { SWITCHYARD_REGISTRY_URL: registryUrl, SWITCHYARD_TOKEN: token },
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
  });
  return { code, output: out.join('\n') };
}

async function admin(method: 'GET' | 'POST', route: string, body?: unknown, key = ADMIN) {
  const response = await fetch(`${gatewayBase}/admin${route}`, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}

interface SamplesAnswer {
  operations: {
    operationName: string | null;
    document: string;
    samples: { consumer: string; variables: Record<string, unknown> | null; masked: string[] }[];
  }[];
}

const sampledNames = async (subgraph: string) =>
  ((await admin('GET', `/traffic-samples/${subgraph}`)).body as SamplesAnswer).operations.map(
    (operation) => operation.operationName,
  );

describe('contract tests against real traffic', () => {
  let creditValue: string;

  test('the gateway samples the queries it sends each subgraph, for admins only', async () => {
    const first = await graph.query(
      '{ orders(first: 1) { edges { node { customer { id } } } } }',
      {},
      { 'x-api-key': SALES },
    );
    customerId = first.body.data.orders.edges[0].node.customer.id;

    const recent = await graph.query(RECENT_ORDERS, {}, { 'x-api-key': SALES });
    expect(recent.body.errors).toBeUndefined();
    // The field the regressed candidate breaks holds values today.
    expect(
      recent.body.data.orders.edges.filter((edge: any) => edge.node.shipToAddressId !== null),
    ).not.toHaveLength(0);
    const ofCustomer = await graph.query(
      CUSTOMER_ORDERS,
      { id: customerId },
      { 'x-api-key': WEB_STORE },
    );
    expect(ofCustomer.body.errors).toBeUndefined();
    const credit = await graph.query(CREDIT_LIMIT, { id: customerId }, { 'x-api-key': SALES });
    creditValue = credit.body.data.customer.creditLimit.amount;
    expect(creditValue).toMatch(/[0-9]/);
    const aging = await graph.query(
      AGING,
      { id: customerId, asOf: '2026-10-01T00:00:00.000Z' },
      { 'x-api-key': SALES },
    );
    expect(aging.body.errors).toBeUndefined();

    await eventually(async () =>
      expect(await sampledNames('orders')).toEqual(
        expect.arrayContaining([
          'RecentOrders__orders__0',
          expect.stringMatching(/^CustomerOrders__orders__/),
        ]),
      ),
    );
    const samples = (await admin('GET', '/traffic-samples/orders')).body as SamplesAnswer;
    const consumers = samples.operations.flatMap((operation) =>
      operation.samples.map((sample) => sample.consumer),
    );
    expect(consumers).toEqual(expect.arrayContaining([SALES, WEB_STORE]));

    expect((await admin('GET', '/traffic-samples/orders', undefined, SALES)).status).toBe(403);
    expect((await admin('GET', '/traffic-samples/orders', undefined, 'nobody')).status).toBe(401);
    expect((await admin('GET', '/traffic-samples/nowhere')).body.errors[0].extensions.code).toBe(
      'NOT_FOUND',
    );
  });

  test('a sample of a request that selected a credit limit holds no credit value; a guarded argument is masked', async () => {
    await eventually(async () =>
      expect(await sampledNames('customers')).toContain('CreditLimit__customers__0'),
    );
    const customers = (await admin('GET', '/traffic-samples/customers')).body as SamplesAnswer;
    const sample = customers.operations.find(
      (operation) => operation.operationName === 'CreditLimit__customers__0',
    )!;
    expect(sample.document).toContain('creditLimit');
    expect(JSON.stringify(customers)).not.toContain(creditValue);
    // Nor does anything the gateway stored for traffic samples.
    for (const key of await store.keys('traffic:'))
      expect(await store.get(key)).not.toContain(creditValue);

    await eventually(async () =>
      expect((await sampledNames('finance')).some((name) => name?.startsWith('Aging__'))).toBe(
        true,
      ),
    );
    const finance = (await admin('GET', '/traffic-samples/finance')).body as SamplesAnswer;
    const aging = finance.operations.find((operation) =>
      operation.operationName?.startsWith('Aging__'),
    )!;
    expect(aging.samples[0].masked).toEqual(['argument Customer.aging(asOf:)']);
    expect(JSON.stringify(aging)).not.toContain('2026-10-01');
  });

  test('a candidate orders deployment whose field now answers null fails the check, naming the operations and the field', async () => {
    const regressed = await startCandidate(true);
    const check = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      schemaFile,
      '--endpoint',
      regressed,
    );
    expect(check.code).toBe(1);
    expect(check.output).toContain('FAILED: it needs an approval');
    expect(check.output).toMatch(
      /operation RecentOrders \(RecentOrders__orders__0\): field Order\.shipToAddressId at orders\.edges\[\]\.node\.shipToAddressId became null \(now null\) in 1 sample of dev-sales-portal/,
    );
    expect(check.output).toMatch(
      /operation CustomerOrders \(CustomerOrders__orders__\d\): field Order\.shipToAddressId at _entities\[\]\.orders\.edges\[\]\.node\.shipToAddressId became null .* of dev-web-store/,
    );

    // The running orders subgraph still answers the field: only the candidate regressed.
    const recent = await graph.query(RECENT_ORDERS, {}, { 'x-api-key': SALES });
    expect(
      recent.body.data.orders.edges.filter((edge: any) => edge.node.shipToAddressId !== null),
    ).not.toHaveLength(0);

    // Approvable like a breaking change.
    const json = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      schemaFile,
      '--endpoint',
      regressed,
      '--json',
    );
    const report = JSON.parse(json.output).check;
    expect(report.approvalRequired).toBe(true);
    const approve = await switchyard(
      ADMIN,
      'check',
      'approve',
      report.id,
      '--reason',
      'known, fixed in the next build',
    );
    expect(approve.code).toBe(0);
  });

  test('an unchanged candidate passes the same check', async () => {
    const unchanged = await startCandidate(false);
    const check = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      schemaFile,
      '--endpoint',
      unchanged,
    );
    expect({ code: check.code, output: check.output }).toEqual({
      code: 0,
      output: expect.stringMatching(
        /PASSED[\s\S]*Contract replay against .*: [1-9][0-9]* samples of [0-9]+ operations replayed, 0 skipped, 0 regressions/,
      ),
    });
  });

  test('the replay route refuses a candidate outside candidateHosts and answers a report by operation', async () => {
    const notHttp = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      schemaFile,
      '--endpoint',
      'ftp://127.0.0.1/graphql',
    );
    expect(notHttp).toEqual({
      code: 1,
      output: expect.stringContaining('The candidate endpoint must be http(s)'),
    });

    const refused = await admin('POST', '/contract-replay', {
      subgraph: 'orders',
      endpoint: 'http://example.com/graphql',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'endpoint',
    });
    const report = (
      await admin('POST', '/contract-replay', {
        subgraph: 'orders',
        endpoint: graph.serviceUrls.get('orders'),
      })
    ).body as ContractReplayReport;
    expect(report.operations.map((operation) => operation.clientOperation)).toEqual(
      expect.arrayContaining(['RecentOrders', 'CustomerOrders']),
    );
    expect(report.operations.flatMap((operation) => operation.regressions)).toEqual([]);
  });
});
