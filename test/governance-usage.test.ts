/**
 * Usage and audit through the real gateway over HTTP: seeded subgraphs, plus a small test-only
 * subgraph with a mutation and a deprecated field, composed with the six real ones; governance
 * state in the real Redis (a unique key prefix per run, removed afterwards).
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, GraphQLError, parse } from 'graphql';
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
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  signIdentity,
  subgraphSdl,
} from '@switchyard/kit';
import { createAuditLogModule } from '../gateway/src/governance/audit/audit-log';
import { createUsageModule } from '../gateway/src/governance/usage/usage';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { bodyOf, listen, type AsyncListener } from './testing/http-server';

/** A test-only subgraph: a shipment mutation of its own (so audit and usage tests need no order flow) and a deprecated field. */
const MILESTONES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@tag"])
  type Shipment @key(fields: "id", resolvable: false) { id: ID! }
  type Query {
    legacyShipmentLabel(id: ID!): String @deprecated(reason: "Use Shipment.trackingNumber.") @tag(name: "stage:fulfillment")
  }
  type Mutation {
    recordDockScan(shipmentId: ID!, code: String!): Shipment @tag(name: "stage:fulfillment")
  }
`;
const milestonesSchema = buildSubgraphSchema({
  typeDefs: parse(MILESTONES_SDL),
  resolvers: {
    Query: { legacyShipmentLabel: (_: unknown, { id }: { id: string }) => `LABEL-${id}` },
    Mutation: {
      recordDockScan: (_: unknown, { shipmentId }: { shipmentId: string }) => {
        if (shipmentId === 'SHP-MISSING')
          throw new GraphQLError('no such shipment', { extensions: { code: 'NOT_FOUND' } });
        return { id: shipmentId };
      },
    },
  },
});

/**
 * Subgraphs answer only requests with a signed identity. Until the gateway signs its subgraph
 * calls itself, this relay adds a service identity to calls that carry none (and leaves signed ones alone).
 */
function identityRelay(name: string, target: string): AsyncListener {
  return async (request, response) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
        headers[name] = value;
    }
    headers[IDENTITY_HEADER] ??= signIdentity(
      { id: 'service:usage-test', kind: 'service', scopes: [], tenant: null, aud: name },
      DEVELOPMENT_IDENTITY_SECRET,
    );
    const answer = await fetch(target, {
      method: request.method,
      headers,
      body: request.method === 'POST' ? await bodyOf(request) : undefined,
    });
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(await answer.text());
  };
}

const consumers: Record<string, Consumer> = Object.fromEntries(
  (
    [
      ['dev-sales-portal', 'internal', 'gold'],
      ['dev-web-store', 'ecommerce', 'silver'],
      ['dev-fastfreight-3pl', '3pl', 'bronze'],
    ] as const
  ).map(([id, kind, tier]) => [
    id,
    {
      id,
      name: id,
      kind,
      scopes: [],
      tenant: kind === '3pl' ? { customerIds: [], carrierIds: ['CAR-FASTFREIGHT'] } : null,
      tier,
      persistedOperations: 'allow',
      contract: null,
      requireClientName: false,
      requireOperationName: false,
    } satisfies Consumer,
  ]),
);

/** Stands in for the identity module: the consumer named by a test header. */
const testConsumerModule: GovernanceModule = {
  name: 'test-consumer',
  onRequest(request) {
    const id = request.headers['x-test-consumer'];
    request.context.consumer = typeof id === 'string' ? (consumers[id] ?? null) : null;
    if (request.context.consumer && typeof request.headers['x-test-principal'] === 'string') {
      request.context.consumer = {
        ...request.context.consumer,
        principal: request.headers['x-test-principal'],
      };
    }
  },
};

let graph: RunningGraph;
let gateway: RunningGateway;
let baseUrl: string;
let store: GovernanceStore;
let usageWrites = 0;
const servers: http.Server[] = [];
const keyPrefix = `switchyard-usage-test:${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.05 });
  const sources = [];
  for (const [name, url] of Object.entries(graph.gateway.subgraphUrls)) {
    const relay = await listen(identityRelay(name, url));
    servers.push(relay.server);
    sources.push({
      name,
      url: `${relay.url}/graphql`,
      sdl: subgraphSdl(graph.subgraphs[name].definition.schema),
    });
  }
  const milestones = await listen(async (request, response) => {
    const { query, variables, operationName } = JSON.parse(await bodyOf(request));
    const result = await graphql({
      schema: milestonesSchema,
      source: query,
      variableValues: variables,
      operationName,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result));
  });
  servers.push(milestones.server);
  sources.push({ name: 'milestones', url: `${milestones.url}/graphql`, sdl: MILESTONES_SDL });

  const redis = createRedisStore({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix,
  });
  for (let i = 0; i < 50 && !redis.healthy(); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  store = {
    ...redis,
    async incrementFields(increments, ttl) {
      if (increments.some((i) => i.key.startsWith('usage:'))) usageWrites++;
      return redis.incrementFields(increments, ttl);
    },
  };

  const modules: GovernanceModule[] = [];
  gateway = await createGateway(
    { ...defaultGatewayConfig, port: 0, logLevel: 'silent', ungoverned: true },
    {
      supergraphSdl: composeSupergraph(sources),
      governance: (supergraph) => {
        modules.push(
          testConsumerModule,
          createUsageModule(
            {
              flushIntervalMs: 60_000, // the reports flush this replica first; no timer flush during the test
              stages: {
                quote: { p95Ms: 10_000, errorRate: 0.01 },
                'order-capture': { p95Ms: 10_000, errorRate: 0.05 },
                fulfillment: { p95Ms: 10_000, errorRate: 0.6 },
              },
            },
            { store, supergraph },
          ),
          createAuditLogModule({}, { store }),
        );
        return modules;
      },
    },
  );
  await gateway.app.register(
    async (admin) => {
      for (const module of modules) module.adminRoutes?.(admin);
    },
    { prefix: '/admin' },
  );
  baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  for (const server of servers) server.close();
  await graph?.close();
  for (const key of (await store?.keys('')) ?? []) await store.delete(key);
  await store?.close();
});

async function run(
  consumer: string,
  client: [string, string] | null,
  query: string,
  variables: Record<string, unknown> = {},
  extraHeaders: Record<string, string> = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-test-consumer': consumer,
    ...extraHeaders,
  };
  if (client)
    Object.assign(headers, {
      'apollographql-client-name': client[0],
      'apollographql-client-version': client[1],
    });
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

async function admin(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/admin${path}`);
  return { status: response.status, body: await response.json() };
}

const PORTAL_ORDERS = `query PortalOrders { orders(first: 3) { edges { node { id number customer { name } } } } }`;
const STORE_ORDER = `query StoreOrder($id: ID) { order(id: $id) { number status } }`;
const QUOTE = `query Quote($sku: String) { product(sku: $sku) { name } }`;
const LABEL = `query Label($id: ID!) { legacyShipmentLabel(id: $id) }`;
const MILESTONE = `mutation Milestone($id: ID!) { recordDockScan(shipmentId: $id, code: "PICKED") { id status } }`;

describe('usage and audit through the gateway', () => {
  let orderId: string;
  let shipmentId: string;

  beforeAll(async () => {
    const data = graph.dataset!;
    orderId = data.orders.orders.find((o) => o.channel === 'ECOMMERCE')!.id;
    shipmentId = data.shipments.shipments.find((s) => s.carrier_id === 'CAR-FASTFREIGHT')!.id;
    const sku = data.catalog.products[0].sku;
    const sales: [string, string] = ['sales-portal', '2.1.0'];
    const web: [string, string] = ['web-store', '5.0.0'];

    for (let i = 0; i < 3; i++)
      expect((await run('dev-sales-portal', sales, PORTAL_ORDERS)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++)
      expect((await run('dev-sales-portal', sales, QUOTE, { sku })).errors).toBeUndefined();
    for (let i = 0; i < 2; i++)
      expect(
        (await run('dev-web-store', web, STORE_ORDER, { id: orderId })).data.order.number,
      ).toBeTruthy();
    for (let i = 0; i < 2; i++)
      expect(
        (await run('dev-web-store', web, STORE_ORDER, { id: 'ORD-NOPE' })).errors?.[0].extensions
          ?.code,
      ).toBe('NOT_FOUND');
    expect(
      (await run('dev-web-store', web, LABEL, { id: shipmentId })).data.legacyShipmentLabel,
    ).toBe(`LABEL-${shipmentId}`);
    const recorded = await run(
      'dev-fastfreight-3pl',
      ['fastfreight-tms', '1.0'],
      MILESTONE,
      { id: shipmentId },
      { 'x-test-principal': 'dispatcher-7', 'x-correlation-id': 'milestone-1' },
    );
    expect(recorded.data.recordDockScan).toEqual({ id: shipmentId, status: expect.any(String) });
    expect(
      (await run('dev-fastfreight-3pl', null, MILESTONE, { id: 'SHP-MISSING' })).errors?.[0]
        .extensions?.code,
    ).toBe('NOT_FOUND');
  }, 60_000);

  test('requests are aggregated in the gateway, not written to the store one by one', () => {
    expect(usageWrites).toBe(0);
  });

  test('a field coordinate report lists the consumers and operations that used it, with counts', async () => {
    const { status, body } = await admin('/usage/fields/Order.number?days=1');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      coordinate: 'Order.number',
      days: 1,
      inSchema: true,
      deprecationReason: null,
      requests: 7,
    });
    expect(body.consumers).toEqual([
      {
        consumer: 'dev-web-store',
        requests: 4,
        operations: [
          expect.objectContaining({
            operationName: 'StoreOrder',
            clients: ['web-store'],
            requests: 4,
          }),
        ],
      },
      {
        consumer: 'dev-sales-portal',
        requests: 3,
        operations: [
          expect.objectContaining({
            operationName: 'PortalOrders',
            clients: ['sales-portal'],
            requests: 3,
          }),
        ],
      },
    ]);
    expect(usageWrites).toBe(1); // the report flushed this replica's buffer: one batch

    const customerName = (await admin('/usage/fields/Customer.name')).body;
    expect(customerName.consumers.map((c: any) => [c.consumer, c.requests])).toEqual([
      ['dev-sales-portal', 3],
    ]);
    expect((await admin('/usage/fields/Customer.creditLimit')).body).toMatchObject({
      requests: 0,
      consumers: [],
    });
  });

  test('deprecated fields still in use are reported with who uses them', async () => {
    const { status, body } = await admin('/usage/deprecated?days=30');
    expect(status).toBe(200);
    expect(body.fields).toEqual([
      {
        coordinate: 'Query.legacyShipmentLabel',
        deprecationReason: 'Use Shipment.trackingNumber.',
        requests: 1,
        consumers: [
          {
            consumer: 'dev-web-store',
            requests: 1,
            operations: [expect.objectContaining({ operationName: 'Label', requests: 1 })],
          },
        ],
      },
    ]);
  });

  test("a consumer's top operations come with request count, error rate, errors by code and latency percentiles", async () => {
    const { body } = await admin('/usage/operations?consumer=dev-web-store&days=1');
    expect(body.consumer).toBe('dev-web-store');
    const [storeOrder, label] = body.operations;
    expect(storeOrder).toMatchObject({
      consumer: 'dev-web-store',
      operationName: 'StoreOrder',
      operationId: expect.stringMatching(/^[0-9a-f]{64}$/),
      clients: [{ name: 'web-store', version: '5.0.0', requests: 4 }],
      requests: 4,
      errors: 2,
      errorRate: 0.5,
      errorsByCode: { NOT_FOUND: 2 },
    });
    for (const q of ['p50', 'p95', 'p99']) expect(storeOrder.latencyMs[q]).toBeGreaterThan(0);
    expect(storeOrder.latencyMs.p50).toBeLessThanOrEqual(storeOrder.latencyMs.p95);
    expect(storeOrder.latencyMs.p95).toBeLessThanOrEqual(storeOrder.latencyMs.p99);
    expect(label).toMatchObject({ operationName: 'Label', requests: 1, errors: 0, errorRate: 0 });
  });

  test('the stage report gives volume, errors and latency per order-to-cash stage and consumer, and shows a breach', async () => {
    const { body } = await admin('/usage/stages?days=1');
    const stage = (name: string) => body.stages.find((s: any) => s.stage === name);
    expect(body.stages.map((s: any) => s.stage)).toEqual([
      'allocation',
      'cash-application',
      'fulfillment',
      'invoicing',
      'order-capture',
      'quote',
    ]);

    expect(stage('quote')).toMatchObject({
      requests: 2,
      errors: 0,
      breached: false,
      sla: { p95Ms: 10_000, errorRate: 0.01 },
    });
    expect(stage('order-capture')).toMatchObject({
      requests: 7,
      errors: 2,
      breached: true,
      breaches: ['errorRate'],
    });
    expect(stage('order-capture').consumers).toEqual([
      expect.objectContaining({
        consumer: 'dev-web-store',
        requests: 4,
        errors: 2,
        errorRate: 0.5,
        breached: true,
      }),
      expect.objectContaining({
        consumer: 'dev-sales-portal',
        requests: 3,
        errors: 0,
        breached: false,
      }),
    ]);
    expect(stage('fulfillment')).toMatchObject({ requests: 3, errors: 1, breached: false });
    expect(stage('order-capture').latencyMs.p95).toBeGreaterThan(0);
    expect(stage('invoicing')).toMatchObject({ requests: 0, sla: null, breached: false });
  });

  test('every mutation leaves an audit record, found by the business keys it touched', async () => {
    const { status, body } = await admin(`/audit?key=${encodeURIComponent(shipmentId)}`);
    expect(status).toBe(200);
    expect(body.records).toEqual([
      expect.objectContaining({
        consumer: 'dev-fastfreight-3pl',
        principal: 'dispatcher-7',
        correlationId: 'milestone-1',
        operationName: 'Milestone',
        fields: ['recordDockScan'],
        keys: [shipmentId],
        outcome: 'ok',
        errorCodes: [],
      }),
    ]);
    const failed = (await admin('/audit?key=SHP-MISSING')).body.records;
    expect(failed).toEqual([
      expect.objectContaining({
        consumer: 'dev-fastfreight-3pl',
        outcome: 'error',
        errorCodes: ['NOT_FOUND'],
      }),
    ]);
    expect((await admin(`/audit?key=${encodeURIComponent(orderId)}`)).body.records).toEqual([]); // queries are not audited
    expect((await admin('/audit')).body.records).toHaveLength(2);
  });

  test('bad report parameters get a 400 with BAD_USER_INPUT, never a stack trace', async () => {
    for (const path of [
      '/usage/fields/not-a-coordinate',
      '/usage/deprecated?days=abc',
      '/usage/operations?days=0',
      '/usage/stages?days=1.5',
      '/audit?limit=-1',
    ]) {
      const { status, body } = await admin(path);
      expect([path, status]).toEqual([path, 400]);
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/\bat .+\.ts:\d+/);
    }
  });

  test('the CLI prints the reports as tables from the admin API', async () => {
    const lines: string[] = [];
    const io = {
      env: { SWITCHYARD_URL: baseUrl },
      print: (line: string) => lines.push(line),
      printError: (line: string) => lines.push(`! ${line}`),
    };

    expect(
      await runSwitchyard(
        ['usage', 'operations', '--consumer', 'dev-web-store', '--days', '1'],
        io,
      ),
    ).toBe(0);
    expect(lines[0]).toMatch(
      /^consumer\s+operation\s+id\s+requests\s+errors\s+p50\s+p95\s+p99\s+error codes$/,
    );
    expect(lines.find((line) => line.includes('StoreOrder'))).toMatch(
      /dev-web-store\s+StoreOrder\s+\S+\s+4\s+50\.0%.*NOT_FOUND×2/,
    );

    lines.length = 0;
    expect(await runSwitchyard(['usage', 'field', 'Order.number', '--days', '1'], io)).toBe(0);
    expect(lines[0]).toBe('Order.number: 7 requests in 1 days');
    lines.length = 0;
    expect(await runSwitchyard(['usage', 'stages', '--days', '1'], io)).toBe(0);
    expect(lines.find((line) => line.startsWith('order-capture'))).toMatch(
      /BREACHED \(errorRate\)/,
    );
    lines.length = 0;
    expect(await runSwitchyard(['usage', 'deprecated'], io)).toBe(0);
    expect(
      lines.some((line) => /Query\.legacyShipmentLabel.+dev-web-store\s+Label\s+1$/.test(line)),
    ).toBe(true);

    lines.length = 0;
    expect(await runSwitchyard(['usage', 'field', 'nonsense'], io)).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^! 400 BAD_USER_INPUT: "nonsense" is not a field coordinate/),
    ]);
    expect(await runSwitchyard(['usage', 'frobnicate'], io)).toBe(2);
    expect(
      await runSwitchyard(['usage', 'stages'], {
        ...io,
        env: { SWITCHYARD_URL: 'http://127.0.0.1:1' },
      }),
    ).toBe(1);
  });
});
