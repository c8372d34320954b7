import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { DEVELOPMENT_IDENTITY_SECRET, verifyIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';
import { createSubgraphAgent, SubgraphClient, type SubgraphClientOptions } from './subgraph-client';
import { CircuitBreaker } from './subgraph-health/circuit-breaker';
import {
  askerOf,
  InflightCalls,
  isShareableOperation,
  registerSharedCallMetrics,
  SharedCallCounts,
} from './subgraph-fetch/deduplication';

interface SubgraphCall {
  consumer: string | null;
  body: string;
  /** Whether the gateway closed the connection before it was answered. */
  abandoned: boolean;
}

/**
 * A subgraph stand-in that answers each call after `delayMs`, with `{ data: { who } }` naming the
 * consumer of the identity it was sent (what a subgraph decides rows by), or with `status`.
 */
async function startSubgraph({ delayMs = 50, status = 200 } = {}) {
  const calls: SubgraphCall[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const identity = verifyIdentity(
        req.headers['x-switchyard-identity'] as string,
        DEVELOPMENT_IDENTITY_SECRET,
        'orders',
      );
      const call: SubgraphCall = {
        consumer: identity.ok ? identity.identity.id : null,
        body,
        abandoned: false,
      };
      calls.push(call);
      res.on('close', () => (call.abandoned = !res.writableFinished));
      setTimeout(() => {
        if (status !== 200) return void res.writeHead(status).end('busy');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { who: call.consumer } }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    calls,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // A connection the pool opened but never used would hold close() for its 30 s keep-alive.
        server.closeAllConnections();
      }),
  };
}

const consumer = (id: string, customerId: string): Consumer => ({
  id,
  name: id,
  kind: 'portal',
  scopes: ['orders:read'],
  tenant: { customerIds: [customerId], carrierIds: [] },
  tier: 'standard',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
});
const SALES = consumer('dev-sales-portal', 'CUS-0001');
const OTHER_TENANT = consumer('dev-other-portal', 'CUS-0002');

const QUERY = 'query Q($id: ID!) { order(id: $id) { id } }';

function call(
  client: SubgraphClient,
  {
    who = SALES,
    query = QUERY,
    id = 'ORD-1',
  }: { who?: Consumer; query?: string; id?: string } = {},
) {
  return client.process({
    kind: 'incoming operation' as never,
    request: { query, variables: { id }, operationName: 'Q' },
    context: {
      correlationId: `corr-${Math.random()}`,
      startedAt: 0,
      consumer: who,
      client: { name: null, version: null },
      governance: {},
    },
    incomingRequestContext: {} as never,
  });
}

// Deadlines and delays leave a few hundred ms of margin: a loaded machine stalls the event loop for that long.
const options = { subgraphTimeoutMs: 1_000, connectionsPerSubgraph: 4 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SubgraphClient with deduplication', () => {
  const agent = createSubgraphAgent(options);
  afterAll(() => agent.close());
  let subgraph: Awaited<ReturnType<typeof startSubgraph>>;
  afterEach(() => subgraph.close());

  function client(more: Partial<SubgraphClientOptions> = {}) {
    return new SubgraphClient(
      subgraph.url,
      agent,
      { ...options, deduplicateSubgraphRequests: true, ...more },
      'orders',
    );
  }

  test('identical concurrent queries of one consumer share one call; each caller gets its own copy of the answer', async () => {
    subgraph = await startSubgraph();
    const sharedCalls = new SharedCallCounts();
    const orders = client({ sharedCalls });
    const [first, second] = await Promise.all([call(orders), call(orders)]);
    expect(subgraph.calls).toHaveLength(1);
    expect(first).toEqual({ data: { who: 'dev-sales-portal' } });
    expect(second).toEqual(first);
    // The executor merges into what it is given: one caller's merge must never show in another's answer.
    expect(second).not.toBe(first);
    expect(second.data).not.toBe(first.data);
    expect(sharedCalls.bySubgraph()).toEqual(new Map([['orders', 1]]));
  });

  test('consumers of different identities never share a call: each gets the rows of its own identity', async () => {
    subgraph = await startSubgraph();
    const orders = client();
    const answers = await Promise.all([
      call(orders, { who: SALES }),
      call(orders, { who: OTHER_TENANT }),
      call(orders, { who: SALES }),
    ]);
    expect(answers.map((answer) => answer.data)).toEqual([
      { who: 'dev-sales-portal' },
      { who: 'dev-other-portal' },
      { who: 'dev-sales-portal' },
    ]);
    expect(subgraph.calls.map((made) => made.consumer).sort()).toEqual([
      'dev-other-portal',
      'dev-sales-portal',
    ]);
  });

  test('other variables, a mutation, or deduplication off: every call is sent', async () => {
    subgraph = await startSubgraph();
    const orders = client();
    await Promise.all([call(orders, { id: 'ORD-1' }), call(orders, { id: 'ORD-2' })]);
    expect(subgraph.calls).toHaveLength(2);
    const mutation = 'mutation Q($id: ID!) { cancelOrder(id: $id) { id } }';
    await Promise.all([call(orders, { query: mutation }), call(orders, { query: mutation })]);
    expect(subgraph.calls).toHaveLength(4);
    const unshared = client({ deduplicateSubgraphRequests: false });
    await Promise.all([call(unshared), call(unshared)]);
    expect(subgraph.calls).toHaveLength(6);
  });

  test('a failure is shared as a failure, counted once by the circuit, and nothing is kept after the call ended', async () => {
    subgraph = await startSubgraph({ status: 503 });
    const circuit = new CircuitBreaker({ failureThreshold: 5, openMs: 1_000, maxOpenMs: 1_000 });
    const orders = client({ circuit });
    const failures = await Promise.all(
      [call(orders), call(orders)].map((made) => made.catch((error: unknown) => error)),
    );
    expect(failures).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }),
      }),
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }),
      }),
    ]);
    expect(subgraph.calls).toHaveLength(1);
    expect(circuit.snapshot().consecutiveFailures).toBe(1);
    await expect(call(orders)).rejects.toThrow(/unavailable/);
    expect(subgraph.calls).toHaveLength(2);
  });

  test("one caller's deadline fails only that caller: a later one sharing the call gets the answer within its own deadline", async () => {
    // Answers 1.3 s after the call; the deadline is 1 s: the first caller times out, the one that joined at 0.5 s does not.
    subgraph = await startSubgraph({ delayMs: 1_300 });
    const orders = client();
    const first = call(orders).catch((error: unknown) => error);
    await sleep(500);
    const second = call(orders);
    expect(await first).toMatchObject({
      extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'orders' },
    });
    await expect(second).resolves.toEqual({ data: { who: 'dev-sales-portal' } });
    expect(subgraph.calls).toHaveLength(1);
    expect(subgraph.calls[0]!.abandoned).toBe(false);
  });

  test('a call is joined only within its first deadline: later, an identical query is sent anew', async () => {
    subgraph = await startSubgraph({ delayMs: 2_500 });
    const orders = client();
    const failures = [call(orders)];
    await sleep(500);
    failures.push(call(orders)); // joins: the call is 0.5 s old, and keeps it going to 1.5 s
    await sleep(700);
    expect(subgraph.calls).toHaveLength(1);
    failures.push(call(orders)); // the call is 1.2 s old, past the 1 s deadline: a call of its own
    await Promise.all(failures.map((made) => made.catch(() => undefined)));
    expect(subgraph.calls).toHaveLength(2);
  });

  test('once every caller gave up the call is abandoned, and the next identical query is sent anew', async () => {
    subgraph = await startSubgraph({ delayMs: 2_500 });
    const orders = client();
    const failures = await Promise.all(
      [call(orders), call(orders)].map((made) => made.catch((error: unknown) => error)),
    );
    expect(failures).toMatchObject([
      { extensions: { code: 'SUBGRAPH_TIMEOUT' } },
      { extensions: { code: 'SUBGRAPH_TIMEOUT' } },
    ]);
    await sleep(200);
    expect(subgraph.calls).toMatchObject([{ abandoned: true }]);
    await expect(call(orders)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT' } });
    expect(subgraph.calls).toHaveLength(2);
  });
});

describe('InflightCalls', () => {
  test('holds a call only while it is in flight; a newer call for the same request replaces it for later joiners', async () => {
    const calls = new InflightCalls();
    const asker = askerOf('identity-a', '');
    const first = calls.hold(asker, '{"query":"{ a }"}');
    expect(calls.get(asker, '{"query":"{ a }"}')).toBe(first);
    expect(calls.get(askerOf('identity-b', ''), '{"query":"{ a }"}')).toBeUndefined();
    expect(calls.get(askerOf('identity-a', 'x-trace,1'), '{"query":"{ a }"}')).toBeUndefined();
    const second = calls.hold(asker, '{"query":"{ a }"}');
    first.onResponseError(null as never, new Error('reset'));
    expect(calls.get(asker, '{"query":"{ a }"}')).toBe(second);
    await expect(first.answer(100)).rejects.toThrow('reset');
    second.onResponseError(null as never, new Error('reset'));
    expect(calls.size).toBe(0);
  });
});

describe('isShareableOperation', () => {
  test.each([
    ['query Q($id: ID!) { order(id: $id) { id } }', true],
    ['  {\n  orders { id }\n}', true],
    [
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Order{id}}}',
      true,
    ],
    ['mutation M { cancelOrder(id: "1") { id } }', false],
    ['subscription S { orderPlaced { id } }', false],
    // A second operation that could be chosen by name, or fragments first: not worth telling apart.
    ['query A { a } mutation B { b }', false],
    ['fragment F on Order { id } query Q { order { ...F } }', false],
  ])('%s: %s', (document, shareable) => {
    expect(isShareableOperation(document)).toBe(shareable);
  });
});

test('switchyard_subgraph_shared_requests_total counts the shared calls by subgraph', async () => {
  const registry = new Registry();
  const counts = new SharedCallCounts();
  registerSharedCallMetrics(registry, counts);
  counts.count('orders');
  counts.count('orders');
  counts.count('catalog');
  const text = await registry.metrics();
  expect(text).toContain('switchyard_subgraph_shared_requests_total{subgraph="orders"} 2');
  expect(text).toContain('switchyard_subgraph_shared_requests_total{subgraph="catalog"} 1');
});
