/**
 * Observability end to end: the real gateway over HTTP in front of the six real subgraphs on
 * seeded in-memory SQLite. Prometheus series after real traffic (refusals included), one trace
 * from the gateway's request through its plan and fetches into each subgraph's server span, and
 * request log lines that carry the correlation id and consumer but no credential and no document.
 */
import { Writable } from 'node:stream';
import { context as otelContext, trace as otel } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Agent } from 'undici';
import {
  composeSupergraph,
  createGateway,
  createMemoryStore,
  defaultGatewayConfig,
  GovernanceCode,
  GovernanceError,
  type Consumer,
  type GatewayConfig,
  type GovernanceModule,
  type RunningGateway,
} from '@switchyard/gateway';
import {
  IDENTITY_HEADER,
  openSubgraph,
  subgraphSdl,
  verifyIdentity,
  DEVELOPMENT_IDENTITY_SECRET,
  type RunningSubgraph,
  type Tracing,
} from '@switchyard/kit';
import { generateDataset, writeDataset } from '@switchyard/seed';
import {
  createMetricsModule,
  registerMetricsRoute,
  type MetricsModule,
  type SubgraphFetchObserver,
} from '../gateway/src/governance/metrics/metrics';
import {
  createLogger,
  createRequestLogModule,
} from '../gateway/src/governance/metrics/request-log';
import { createRateBudgetModule } from '../gateway/src/governance/rate-budgets/rate-budget';
import { createAdminAuth } from '../gateway/src/governance/admin-auth';
import { hashApiKey } from '../gateway/src/governance/identity/api-keys';
import { createIdentifier } from '../gateway/src/governance/identity/identity';
import { startGatewayTracing } from '../gateway/src/tracing';
import { SubgraphClient } from '../gateway/src/subgraph-client';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../scripts/subgraphs';

const API_KEY = 'key-that-must-never-be-logged-7f3a';
const SCRAPE_KEY = 'prometheus-scrape-key';

function consumer(id: string, tier: string): Consumer {
  return {
    id,
    name: id,
    kind: 'internal',
    scopes: [],
    tenant: null,
    tier,
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  };
}
const CONSUMERS: Record<string, Consumer> = {
  'dev-sales-portal': consumer('dev-sales-portal', 'gold'),
  'dev-acme-distributor': consumer('dev-acme-distributor', 'bronze'),
};

/** Test-only identity (the real identity module is tested on its own): the consumer named by `x-test-consumer`, or UNAUTHENTICATED. */
const testIdentity: GovernanceModule = {
  name: 'test-identity',
  onRequest({ headers, context }) {
    const found = CONSUMERS[String(headers['x-test-consumer'])];
    if (!found)
      throw new GovernanceError(GovernanceCode.UNAUTHENTICATED, 'no test consumer', {
        status: 401,
      });
    context.consumer = found;
  },
};

const spans = new InMemorySpanExporter();
const logLines: Record<string, any>[] = [];
const logDestination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean))
      logLines.push({ raw: line, ...JSON.parse(line) });
    done();
  },
});

let tracing: Tracing;
let subgraphs: Record<string, RunningSubgraph<any, any>>;
let subgraphUrls: Record<string, string>;
let gateway: RunningGateway;
let metrics: MetricsModule;
let base: string;

beforeAll(async () => {
  tracing = startGatewayTracing({ env: {}, exporter: spans });
  subgraphs = {};
  for (const name of SUBGRAPH_NAMES)
    subgraphs[name] = await openSubgraph(await loadSubgraphDefinition(name), {
      dataDir: ':memory:',
    });
  await writeDataset(
    generateDataset({ seed: 42, scale: 0.05 }),
    Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphs[name].database.db])) as never,
  );
  subgraphUrls = {};
  for (const name of SUBGRAPH_NAMES)
    subgraphUrls[name] =
      `${await subgraphs[name].server.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
  const supergraphSdl = composeSupergraph(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: subgraphUrls[name],
      sdl: subgraphSdl(subgraphs[name].definition.schema),
    })),
  );

  metrics = createMetricsModule({ processMetrics: false });
  const requestLog = createRequestLogModule({}, { logger: createLogger('info', logDestination) });
  const rateBudget = createRateBudgetModule(
    { tiers: { bronze: [{ window: '1m', requests: 2 }] } },
    { store: createMemoryStore() },
  );
  // createGateway wires a whole Governance's metrics to the subgraph clients itself; this gateway is
  // given a list of modules, so the observer goes in through the config (the clients' options).
  const config: GatewayConfig & { observeFetch: SubgraphFetchObserver } = {
    ...defaultGatewayConfig,
    port: 0,
    logLevel: 'silent',
    ungoverned: true, // observability modules only: no field authorization
    observeFetch: metrics.observeSubgraphFetch,
  };
  gateway = await createGateway(config, {
    supergraphSdl,
    governance: () => [metrics, requestLog, testIdentity, rateBudget],
  });
  // Prometheus scrapes as a consumer holding governance:admin.
  const scraper = consumer('prometheus', 'gold');
  const identifier = createIdentifier({
    consumers: [
      {
        consumer: { ...scraper, scopes: ['governance:admin'] },
        apiKeySha256: [hashApiKey(SCRAPE_KEY)],
      },
    ],
  });
  registerMetricsRoute(gateway.app, metrics, { authorize: createAdminAuth(identifier) });
  requestLog.register(gateway.app);
  base = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  for (const subgraph of Object.values(subgraphs ?? {})) await subgraph.close();
  await tracing?.shutdown();
});

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] },
  };
}

async function scrape(): Promise<string> {
  const response = await fetch(`${base}/metrics`, { headers: { 'x-api-key': SCRAPE_KEY } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** One call of the subgraph client as @apollo/gateway makes it for a plan's fetch. */
function callSubgraph(client: SubgraphClient) {
  return client.process({
    kind: 'incoming operation' as never,
    request: { query: '{ __typename }' },
    context: {
      correlationId: 'subgraph-call',
      startedAt: 0,
      consumer: null,
      client: { name: null, version: null },
      governance: {},
    },
    incomingRequestContext: {} as never,
  });
}

const CUSTOMER_ORDERS =
  'query CustomerOrders($id: ID!) { customer(id: $id) { id name orders(first: 2) { edges { node { id number } } } } }';

describe('GET /metrics after real traffic', () => {
  let text: string;
  beforeAll(async () => {
    const sales = { 'x-test-consumer': 'dev-sales-portal' };
    expect(
      (
        await post(
          {
            query: CUSTOMER_ORDERS,
            variables: { id: 'CUS-0001' },
            operationName: 'CustomerOrders',
          },
          sales,
        )
      ).body.errors,
    ).toBeUndefined();
    await post(
      { query: CUSTOMER_ORDERS, variables: { id: 'CUS-0002' }, operationName: 'CustomerOrders' },
      sales,
    );
    expect(
      (
        await post(
          { query: 'query Missing { customer(id: "CUS-9999") { id } }', operationName: 'Missing' },
          sales,
        )
      ).body.errors?.[0].extensions?.code,
    ).toBe('NOT_FOUND');
    expect((await post({ query: '{ nope }' }, sales)).status).toBe(400);
    expect((await post({ query: '{ __typename }' })).status).toBe(401);
    const acme = { 'x-test-consumer': 'dev-acme-distributor' };
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await post({ query: 'query Ping { __typename }', operationName: 'Ping' }, acme));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    text = await scrape();
  });

  test('requests are counted by consumer, operation name and outcome, refusals before GraphQL included', () => {
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="dev-sales-portal",operation="CustomerOrders",outcome="ok"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="dev-sales-portal",operation="Missing",outcome="error"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="dev-sales-portal",operation="anonymous",outcome="rejected"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="anonymous",operation="anonymous",outcome="rejected"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="dev-acme-distributor",operation="Ping",outcome="ok"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'switchyard_gateway_requests_total{consumer="dev-acme-distributor",operation="Ping",outcome="rejected"}',
      ),
    ).toBe(1);
  });

  test('errors are counted by code, and RATE_LIMITED answers as rate-limit refusals of their consumer', () => {
    expect(sample(text, 'switchyard_gateway_errors_total{code="NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'switchyard_gateway_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(
      1,
    );
    expect(sample(text, 'switchyard_gateway_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(sample(text, 'switchyard_gateway_errors_total{code="RATE_LIMITED"}')).toBe(1);
    expect(
      sample(text, 'switchyard_rate_limit_refusals_total{consumer="dev-acme-distributor"}'),
    ).toBe(1);
    expect(sample(text, 'switchyard_rate_limit_refusals_total{consumer="dev-sales-portal"}')).toBe(
      0,
    );
  });

  test('request latency is a histogram by consumer and operation', () => {
    expect(
      sample(
        text,
        'switchyard_gateway_request_duration_seconds_count{consumer="dev-sales-portal",operation="CustomerOrders"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'switchyard_gateway_request_duration_seconds_bucket{le="+Inf",consumer="dev-sales-portal",operation="CustomerOrders"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'switchyard_gateway_request_duration_seconds_sum{consumer="dev-sales-portal",operation="CustomerOrders"}',
      ),
    ).toBeGreaterThan(0);
  });

  test('every subgraph call the gateway made is timed', () => {
    const fetchSpans = spans
      .getFinishedSpans()
      .filter((span) => span.name === 'gateway.fetch').length;
    const timed = text
      .split('\n')
      .filter((line) => line.startsWith('switchyard_subgraph_fetch_duration_seconds_count{'))
      .reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
    expect(fetchSpans).toBeGreaterThanOrEqual(4);
    expect(timed).toBe(fetchSpans);
  });

  test('the usage flush lag is the last value the usage module set', async () => {
    metrics.setUsageFlushLag(2.5);
    expect(sample(await scrape(), 'switchyard_usage_flush_lag_seconds')).toBe(2.5);
  });
});

describe('subgraph fetch metrics from the subgraph client', () => {
  const agent = new Agent();
  afterAll(() => agent.close());

  test("a call is timed under its subgraph name, and one that fails counts as that subgraph's fetch error", async () => {
    const fetchMetrics = createMetricsModule({ processMetrics: false });
    const options = { ...defaultGatewayConfig, observeFetch: fetchMetrics.observeSubgraphFetch };
    expect(
      (await callSubgraph(new SubgraphClient(subgraphUrls.customers, agent, options, 'customers')))
        .data,
    ).toEqual({ __typename: 'Query' });
    await expect(
      callSubgraph(new SubgraphClient('http://127.0.0.1:9/graphql', agent, options, 'inventory')),
    ).rejects.toThrow();
    const text = await fetchMetrics.registry.metrics();
    expect(
      sample(text, 'switchyard_subgraph_fetch_duration_seconds_count{subgraph="customers"}'),
    ).toBe(1);
    expect(sample(text, 'switchyard_subgraph_fetch_errors_total{subgraph="customers"}')).toBe(0);
    expect(
      sample(text, 'switchyard_subgraph_fetch_duration_seconds_count{subgraph="inventory"}'),
    ).toBe(1);
    expect(sample(text, 'switchyard_subgraph_fetch_errors_total{subgraph="inventory"}')).toBe(1);
  });
});

describe('one trace across the gateway and the subgraphs', () => {
  let trace: ReadableSpan[];
  beforeAll(async () => {
    // A document not seen before: a cached plan is not planned again (no gateway.plan span).
    const traced = CUSTOMER_ORDERS.replace('CustomerOrders', 'TracedCustomerOrders');
    const answer = await post(
      { query: traced, variables: { id: 'CUS-0003' }, operationName: 'TracedCustomerOrders' },
      { 'x-test-consumer': 'dev-sales-portal' },
    );
    expect(answer.body.errors).toBeUndefined();
    // A subgraph ends its span when its response is sent, which may be a moment after the gateway's.
    for (let i = 0; i < 50; i++) {
      const root = spans
        .getFinishedSpans()
        .filter((span) => span.name === 'gateway.request')
        .at(-1)!;
      trace = spans
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === root.spanContext().traceId);
      if (trace.filter((span) => span.attributes['switchyard.service']).length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  const named = (name: string) => trace.filter((span) => span.name === name);

  test('the gateway request, its planning and each subgraph fetch share one trace id', () => {
    const [request] = named('gateway.request');
    expect(request.attributes['graphql.operation.name']).toBe('TracedCustomerOrders');
    expect(named('gateway.plan')).toHaveLength(1);
    expect(named('gateway.plan')[0].parentSpanId).toBe(request.spanContext().spanId);
    expect(
      named('gateway.fetch')
        .map((span) => span.attributes.service)
        .sort(),
    ).toEqual(['customers', 'orders']);
  });

  test("each subgraph's server span continues the trace as the child of the gateway fetch that called it", () => {
    const served = trace.filter((span) => span.attributes['switchyard.service']);
    expect(served.map((span) => span.attributes['switchyard.service']).sort()).toEqual([
      'customers',
      'orders',
    ]);
    for (const span of served) {
      const caller = named('gateway.fetch').find(
        (fetchSpan) => fetchSpan.spanContext().spanId === span.parentSpanId,
      );
      expect(caller?.attributes.service).toBe(span.attributes['switchyard.service']);
      expect(span.name).toBe('POST /graphql');
      expect(span.attributes['http.response.status_code']).toBe(200);
    }
  });

  test('a subgraph call carries traceparent next to the signed identity', async () => {
    const seen: Record<string, string | undefined> = {};
    const spy = await openSubgraph(await loadSubgraphDefinition('customers'), {
      dataDir: ':memory:',
    });
    spy.server.addHook('onRequest', async (request) => {
      seen.traceparent = request.headers.traceparent as string | undefined;
      seen.identity = verifyIdentity(
        request.headers[IDENTITY_HEADER],
        DEVELOPMENT_IDENTITY_SECRET,
        'customers',
      ).ok
        ? 'valid'
        : 'invalid';
    });
    const url = `${await spy.server.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
    const agent = new Agent();
    try {
      const parent = otel.getTracer('test').startSpan('parent');
      await otelContext.with(otel.setSpan(otelContext.active(), parent), () =>
        callSubgraph(new SubgraphClient(url, agent, defaultGatewayConfig, 'customers')),
      );
      parent.end();
      expect(seen.traceparent).toMatch(
        new RegExp(`^00-${parent.spanContext().traceId}-[0-9a-f]{16}-01$`),
      );
      expect(seen.identity).toBe('valid');
    } finally {
      await agent.close();
      await spy.close();
    }
  });
});

describe('request log lines', () => {
  beforeAll(async () => {
    logLines.length = 0;
    await post(
      { query: CUSTOMER_ORDERS, variables: { id: 'CUS-0004' }, operationName: 'CustomerOrders' },
      {
        'x-test-consumer': 'dev-sales-portal',
        'x-correlation-id': 'log-ok-1',
        'x-api-key': API_KEY,
        authorization: `Bearer ${API_KEY}`,
        'apollographql-client-name': 'sales-web',
        'apollographql-client-version': '1.4.0',
      },
    );
    await post(
      { query: '{ __typename }', operationName: 'Anonymous' },
      { 'x-correlation-id': 'log-refused-1', 'x-api-key': API_KEY },
    );
  });

  test('one line per request with correlation id, consumer, client, operation, duration, status and outcome', () => {
    const ok = logLines.filter((line) => line.correlationId === 'log-ok-1');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({
      msg: 'graphql request',
      consumer: 'dev-sales-portal',
      client: { name: 'sales-web', version: '1.4.0' },
      operationName: 'CustomerOrders',
      status: 200,
      outcome: 'ok',
      errorCodes: [],
    });
    expect(ok[0].durationMs).toBeGreaterThan(0);
  });

  test('a request refused before GraphQL is logged with its error code', () => {
    const refused = logLines.filter((line) => line.correlationId === 'log-refused-1');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      consumer: null,
      status: 401,
      outcome: 'rejected',
      errorCodes: ['UNAUTHENTICATED'],
    });
  });

  test('no line holds the API key, the bearer token, the query text or its variables', () => {
    const everything = logLines.map((line) => line.raw).join('\n');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain('orders(first: 2)');
    expect(everything).not.toContain('CUS-0004');
  });
});
