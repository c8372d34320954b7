/**
 * Persisted and trusted operations through the real gateway over HTTP, on the six seeded
 * subgraphs, with governance state in the real Redis (a unique key prefix per run, removed
 * afterwards): manifests registered through the admin route and the CLI, then run by id.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  composeSupergraph,
  createGateway,
  createRedisStore,
  defaultGatewayConfig,
  type Consumer,
  type GovernanceModule,
  type GovernanceStore,
  type RunningGateway,
} from '@switchyard/gateway';
import { subgraphSdl } from '@switchyard/kit';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import {
  createPersistedOperationsModule,
  type PersistedOperationsModule,
} from '../gateway/src/governance/persisted-operations/persisted-operations';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const consumers: Record<string, Consumer> = {
  'dev-acme-distributor': {
    id: 'dev-acme-distributor',
    name: 'Acme distributor',
    kind: 'distributor',
    scopes: ['orders:read', 'finance:read'],
    tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
    tier: 'bronze',
    persistedOperations: 'persisted-only',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  },
  'dev-web-store': {
    id: 'dev-web-store',
    name: 'Web store',
    kind: 'ecommerce',
    scopes: ['orders:read', 'orders:write'],
    tenant: null,
    tier: 'silver',
    persistedOperations: 'audit',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  },
};

/** Stands in for the identity module: the consumer named by a test header. */
const testConsumerModule: GovernanceModule = {
  name: 'test-consumer',
  onRequest(request) {
    const id = request.headers['x-test-consumer'];
    request.context.consumer = typeof id === 'string' ? (consumers[id] ?? null) : null;
  },
};

const ACCOUNT = 'query Account($id: ID!) { customer(id: $id) { id name } }';
const PRODUCT = 'query Product($sku: String!) { product(sku: $sku) { sku name } }';
const manifestOf = (...operations: [string, string][]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: operations.map(([name, body]) => ({
    id: operationId(body),
    name,
    type: 'query',
    body,
  })),
});

let graph: RunningGraph;
let gateway: RunningGateway;
let baseUrl: string;
let store: GovernanceStore;
let persisted: PersistedOperationsModule;
let workDir: string;
const keyPrefix = `switchyard-pq-test:${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.05 });
  const sources = Object.entries(graph.gateway.subgraphUrls).map(([name, url]) => ({
    name,
    url,
    sdl: subgraphSdl(graph.subgraphs[name].definition.schema),
  }));
  store = createRedisStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix });
  for (let i = 0; i < 50 && !store.healthy(); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  gateway = await createGateway(
    { ...defaultGatewayConfig, port: 0, logLevel: 'silent', ungoverned: true },
    {
      supergraphSdl: composeSupergraph(sources),
      governance: (supergraph) => {
        persisted = createPersistedOperationsModule(
          { unknownOperationsFlushIntervalMs: 60_000 },
          {
            store,
            supergraph,
            contractSchema: () => supergraph.apiSchema(),
            consumer: (id) => consumers[id] ?? null,
            requirements: () => supergraph.directives.authorization,
          },
        );
        return [testConsumerModule, persisted];
      },
    },
  );
  await gateway.app.register(async (admin) => persisted.adminRoutes!(admin), { prefix: '/admin' });
  baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  workDir = await mkdtemp(path.join(tmpdir(), 'switchyard-pq-'));
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await graph?.close();
  for (const key of (await store?.keys('')) ?? []) await store.delete(key);
  await store?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function post(consumer: string, body: unknown) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-consumer': consumer },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: any;
      errors?: { message: string; extensions?: Record<string, any> }[];
    },
  };
}

async function admin(method: 'GET' | 'POST', route: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/admin${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSwitchyard(['operations', ...argv], {
    env: { SWITCHYARD_URL: baseUrl },
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trusted operations of a persisted-only partner', () => {
  test('the CLI registers a manifest through the admin route, which then lists its operations', async () => {
    const file = path.join(workDir, 'acme.json');
    await writeFile(file, JSON.stringify(manifestOf(['Account', ACCOUNT])));
    const registered = await cli(
      'register',
      '--consumer',
      'dev-acme-distributor',
      '--manifest',
      file,
    );
    expect(registered).toEqual({
      code: 0,
      out: 'registered 1 operations for dev-acme-distributor: 1 added, 0 already registered; 1 in all',
      err: '',
    });

    const again = await admin(
      'POST',
      '/consumers/dev-acme-distributor/operations',
      manifestOf(['Account', ACCOUNT], ['Product', PRODUCT]),
    );
    expect(again).toEqual({
      status: 200,
      body: { consumer: 'dev-acme-distributor', received: 2, added: 1, unchanged: 1, total: 2 },
    });

    const listed = await admin('GET', '/consumers/dev-acme-distributor/operations');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      consumer: 'dev-acme-distributor',
      mode: 'persisted-only',
      total: 2,
    });
    expect(listed.body.operations.map((o: any) => [o.name, o.id])).toEqual([
      ['Account', operationId(ACCOUNT)],
      ['Product', operationId(PRODUCT)],
    ]);
  });

  test('runs a registered operation by its id', async () => {
    const { status, body } = await post('dev-acme-distributor', {
      documentId: `sha256:${operationId(ACCOUNT)}`,
      variables: { id: 'CUS-0001' },
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { customer: { id: 'CUS-0001', name: 'Acme Industrial Supply' } },
    });
  });

  test('runs a registered operation by its hash sent the APQ way, over GET with extensions as a JSON string', async () => {
    const sku = graph.dataset!.catalog.products[0].sku;
    const search = new URLSearchParams({
      extensions: JSON.stringify({
        persistedQuery: { version: 1, sha256Hash: operationId(PRODUCT) },
      }),
      variables: JSON.stringify({ sku }),
    });
    const response = await fetch(`${baseUrl}/graphql?${search}`, {
      headers: { 'x-test-consumer': 'dev-acme-distributor', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { product: { sku, name: graph.dataset!.catalog.products[0].name } },
    });
  });

  test('refuses a free-form document with PERSISTED_QUERY_REQUIRED (400)', async () => {
    const { status, body } = await post('dev-acme-distributor', {
      query: ACCOUNT,
      variables: { id: 'CUS-0001' },
    });
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    expect(body.data).toBeUndefined();
  });

  test('refuses an id it has not registered with PERSISTED_QUERY_NOT_FOUND (404)', async () => {
    const unknown = operationId('query Orders { orders(first: 100) { edges { node { id } } } }');
    const { status, body } = await post('dev-acme-distributor', { documentId: unknown });
    expect(status).toBe(404);
    expect(body.errors).toEqual([
      {
        message: `No operation with id ${unknown} is registered for consumer "dev-acme-distributor"`,
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', id: unknown },
      },
    ]);
  });
});

describe('registration refusals', () => {
  const INVALID = 'query Credit { customer(id: "CUS-0001") { id creditColour } }';

  test('a manifest with an invalid operation is refused with 422 and every reason, and nothing of it is registered', async () => {
    const manifest = manifestOf(
      ['Product', PRODUCT],
      ['Credit', INVALID],
      ['Broken', 'query Broken {'],
    );
    manifest.operations.push({ ...manifest.operations[0], name: 'Tampered', body: `${PRODUCT} ` });
    const { status, body } = await admin('POST', '/consumers/dev-web-store/operations', manifest);
    expect(status).toBe(422);
    const [error] = body.errors;
    expect(error.extensions).toMatchObject({ code: 'MANIFEST_INVALID', consumer: 'dev-web-store' });
    expect(
      error.extensions.reasons.map((r: any) => [r.operation.index, r.code, r.message]),
    ).toEqual([
      [
        1,
        'GRAPHQL_VALIDATION_FAILED',
        'Cannot query field "creditColour" on type "Customer". Did you mean "creditExposure"?',
      ],
      [2, 'GRAPHQL_PARSE_FAILED', 'Syntax Error: Expected Name, found <EOF>.'],
      [
        3,
        'OPERATION_ID_MISMATCH',
        `id ${operationId(PRODUCT)} is not the sha-256 of the body (${operationId(`${PRODUCT} `)})`,
      ],
      [3, 'DUPLICATE_OPERATION_ID', `id ${operationId(PRODUCT)} is also the id of operations[0]`],
      [
        3,
        'OPERATION_MISMATCH',
        'the entry is named "Tampered" but its operation is named "Product"',
      ],
    ]);
    expect((await admin('GET', '/consumers/dev-web-store/operations')).body).toMatchObject({
      total: 0,
      operations: [],
    });
  });

  test('the CLI prints the reasons of a refusal and exits non-zero', async () => {
    const file = path.join(workDir, 'invalid.json');
    await writeFile(file, JSON.stringify(manifestOf(['Credit', INVALID])));
    const refused = await cli('register', '--consumer', 'dev-web-store', '--manifest', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      [
        '422 MANIFEST_INVALID: The manifest was refused (1 problem); nothing was registered',
        `  operations[0] Credit (${operationId(INVALID).slice(0, 12)}…): GRAPHQL_VALIDATION_FAILED at 1:${INVALID.indexOf('creditColour') + 1} Cannot query field "creditColour" on type "Customer". Did you mean "creditExposure"?`,
      ].join('\n'),
    );
  });

  test('a manifest for a consumer the config does not declare is refused with CONSUMER_NOT_FOUND (404)', async () => {
    const { status, body } = await admin(
      'POST',
      '/consumers/dev-nobody/operations',
      manifestOf(['Product', PRODUCT]),
    );
    expect(status).toBe(404);
    expect(body.errors[0].extensions).toEqual({
      code: 'CONSUMER_NOT_FOUND',
      consumer: 'dev-nobody',
    });
  });
});

describe('audit mode', () => {
  test("records an operation the consumer has not registered, served all the same, and lists it for the consumer's team", async () => {
    const ORDER_STATUS = 'query OrderStatus($id: ID!) { order(id: $id) { id status } }';
    const order = graph.dataset!.orders.orders[0];
    for (let i = 0; i < 2; i++) {
      const { status, body } = await post('dev-web-store', {
        query: ORDER_STATUS,
        variables: { id: order.id },
      });
      expect(status).toBe(200);
      expect(body.data.order).toEqual({ id: order.id, status: order.status });
    }
    const { status, body } = await admin('GET', '/unknown-operations?consumer=dev-web-store');
    expect(status).toBe(200);
    expect(body).toEqual({
      consumer: 'dev-web-store',
      operations: [
        {
          consumer: 'dev-web-store',
          id: operationId(ORDER_STATUS),
          name: 'OrderStatus',
          firstSeen: expect.any(String),
          lastSeen: expect.any(String),
          count: 2,
        },
      ],
    });
    expect(Date.parse(body.operations[0].lastSeen)).toBeGreaterThanOrEqual(
      Date.parse(body.operations[0].firstSeen),
    );
  });
});

describe('automatic persisted queries', () => {
  test('an unknown hash answers PERSISTED_QUERY_NOT_FOUND with 200; sent with its text it runs and is served by hash afterwards', async () => {
    const SKUS = 'query Skus { products(first: 2) { edges { node { sku } } } }';
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: operationId(SKUS) } } };
    const miss = await post('dev-web-store', apq);
    expect(miss.status).toBe(200);
    expect(miss.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const registered = await post('dev-web-store', { query: SKUS, ...apq });
    expect(registered.body.data.products.edges).toHaveLength(2);
    const hit = await post('dev-web-store', apq);
    expect(hit).toEqual({ status: 200, body: registered.body });

    const mismatch = await post('dev-web-store', { query: `${SKUS} `, ...apq });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.map((e) => e.extensions?.code)).toEqual([
      'PERSISTED_QUERY_HASH_MISMATCH',
    ]);
  });
});
