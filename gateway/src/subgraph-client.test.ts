import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { DEVELOPMENT_IDENTITY_SECRET, verifyIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';
import type { GraphQLError } from 'graphql';
import { createSubgraphAgent, SubgraphClient, type SubgraphExchange } from './subgraph-client';
import { CircuitBreaker } from './subgraph-health/circuit-breaker';

/** A subgraph stand-in: answers each call with what `answer` says, after recording its headers and body. */
function startSubgraph(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const calls: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      answer(req, res);
    });
  });
  return new Promise<{ url: string; calls: typeof calls; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        calls,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

const CONSUMER: Consumer = {
  id: 'dev-sales-portal',
  name: 'Sales portal',
  kind: 'portal',
  scopes: ['orders:read'],
  tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
  tier: 'standard',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
};

function call(client: SubgraphClient, consumer: Consumer | null = CONSUMER) {
  return client.process({
    kind: 'incoming operation' as never,
    request: {
      query: 'query Q($id: ID!) { order(id: $id) { id } }',
      variables: { id: 'ORD-1' },
      operationName: 'Q',
    },
    context: {
      correlationId: 'corr-1',
      startedAt: 0,
      consumer,
      client: { name: null, version: null },
      governance: {},
    },
    incomingRequestContext: {} as never,
  });
}

const options = { subgraphTimeoutMs: 300, connectionsPerSubgraph: 4 };

describe('SubgraphClient', () => {
  const agent = createSubgraphAgent(options);
  afterAll(() => agent.close());

  test("posts the operation as JSON with the correlation id and the consumer's signed identity, and returns the parsed answer", async () => {
    const subgraph = await startSubgraph((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"data":{"order":{"id":"ORD-1"}}}'),
    );
    try {
      expect(await call(new SubgraphClient(subgraph.url, agent, options, 'orders'))).toEqual({
        data: { order: { id: 'ORD-1' } },
      });
      const [{ headers, body }] = subgraph.calls;
      expect(JSON.parse(body)).toEqual({
        query: 'query Q($id: ID!) { order(id: $id) { id } }',
        variables: { id: 'ORD-1' },
        operationName: 'Q',
      });
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-correlation-id']).toBe('corr-1');
      const identity = verifyIdentity(
        headers['x-switchyard-identity'],
        DEVELOPMENT_IDENTITY_SECRET,
        'orders',
      );
      expect(identity).toMatchObject({
        ok: true,
        identity: {
          id: 'dev-sales-portal',
          kind: 'portal',
          scopes: ['orders:read'],
          tenant: { customerIds: ['CUS-0001'] },
          aud: 'orders',
        },
      });
    } finally {
      await subgraph.close();
    }
  });

  test('a non-2xx answer is an error worded as RemoteGraphQLDataSource words it, 401 as UNAUTHENTICATED', async () => {
    const subgraph = await startSubgraph((_req, res) =>
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"errors":[{"message":"no"}]}'),
    );
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, agent, options, 'orders')),
      ).rejects.toMatchObject({
        message: '401: Unauthorized',
        extensions: {
          code: 'UNAUTHENTICATED',
          response: { status: 401, body: { errors: [{ message: 'no' }] } },
        },
      });
    } finally {
      await subgraph.close();
    }
  });

  test('a subgraph that does not answer within its deadline fails with SUBGRAPH_TIMEOUT naming it', async () => {
    const subgraph = await startSubgraph(() => {});
    // An agent without timeouts of its own: the client's configured deadline still applies.
    const plainAgent = new Agent();
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, plainAgent, options, 'orders')),
      ).rejects.toMatchObject({
        message: 'Subgraph "orders" did not answer within its deadline of 300 ms',
        extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'orders' },
      });
    } finally {
      await plainAgent.close();
      await subgraph.close();
    }
  });

  test('the deadline bounds the whole call: a body that keeps trickling past it is SUBGRAPH_TIMEOUT', async () => {
    const subgraph = await startSubgraph((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
      // A chunk every 100 ms never lets a between-chunks timeout (300 ms) fire.
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, agent, options, 'orders')),
      ).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT' } });
    } finally {
      await subgraph.close();
    }
  });

  test("an answer that arrived in time is read even when the gateway's event loop was blocked past the deadline", async () => {
    const subgraph = await startSubgraph((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}', () => {
        // The answer is in the client's socket buffer; now the process stalls past the 300 ms deadline.
        const until = Date.now() + 500;
        while (Date.now() < until);
      }),
    );
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, agent, options, 'orders')),
      ).resolves.toEqual({ data: { ok: true } });
    } finally {
      await subgraph.close();
    }
  });

  test('a subgraph nobody listens for is SUBGRAPH_UNAVAILABLE: connection refused', async () => {
    await expect(
      call(new SubgraphClient('http://127.0.0.1:9/graphql', agent, options, 'orders')),
    ).rejects.toMatchObject({
      message: 'Subgraph "orders" is unavailable: connection refused',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' },
    });
  });

  test('a call on a closed connection pool fails at once as SUBGRAPH_UNAVAILABLE, not at its deadline', async () => {
    const closed = createSubgraphAgent(options);
    await closed.close();
    await expect(
      call(new SubgraphClient('http://127.0.0.1:9/graphql', closed, options, 'orders')),
    ).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' },
    });
  });

  test.each([502, 503, 504])(
    'a %i answer is SUBGRAPH_UNAVAILABLE, without the subgraph address',
    async (status) => {
      const subgraph = await startSubgraph((_req, res) => res.writeHead(status).end('busy'));
      try {
        const failure = (await call(
          new SubgraphClient(subgraph.url, agent, options, 'orders'),
        ).catch((error: unknown) => error)) as GraphQLError;
        expect(failure.message).toMatch(
          new RegExp(`^Subgraph "orders" is unavailable: ${status} `),
        );
        expect(failure.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' });
      } finally {
        await subgraph.close();
      }
    },
  );

  test('its circuit opens after the failures in a row, fails fast without calling, and a probe that answers closes it', async () => {
    let status = 503;
    const subgraph = await startSubgraph((_req, res) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}'),
    );
    let now = 0;
    const circuit = new CircuitBreaker(
      { failureThreshold: 2, openMs: 1_000, maxOpenMs: 4_000 },
      () => now,
    );
    const client = new SubgraphClient(subgraph.url, agent, { ...options, circuit }, 'orders');
    try {
      for (let attempt = 0; attempt < 2; attempt++)
        await expect(call(client)).rejects.toMatchObject({
          extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
        });
      expect(circuit.state).toBe('open');
      await expect(call(client)).rejects.toMatchObject({
        message:
          'Subgraph "orders" is unavailable: its circuit is open after 2 consecutive failures; the next probe is in 1 s',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' },
      });
      expect(subgraph.calls).toHaveLength(2);

      // The probe fails: open again, twice as long.
      now = 1_000;
      await expect(call(client)).rejects.toMatchObject({
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
      expect(subgraph.calls).toHaveLength(3);
      expect(circuit.snapshot()).toEqual({
        state: 'open',
        consecutiveFailures: 3,
        probeInMs: 2_000,
      });

      status = 200;
      now = 3_000;
      await expect(call(client)).resolves.toEqual({ data: { ok: true } });
      expect(circuit.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    } finally {
      await subgraph.close();
    }
  });

  test("a 4xx answer is the caller's fault: it does not count against the subgraph's circuit", async () => {
    const subgraph = await startSubgraph((_req, res) => res.writeHead(400).end('bad'));
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1_000, maxOpenMs: 1_000 });
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, agent, { ...options, circuit }, 'orders')),
      ).rejects.toMatchObject({ message: '400: Bad Request' });
      expect(circuit.state).toBe('closed');
    } finally {
      await subgraph.close();
    }
  });

  test('sampleExchange is told each answered call: the request, its context and the answer', async () => {
    const subgraph = await startSubgraph((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"order":null}}'),
    );
    const exchanges: SubgraphExchange[] = [];
    try {
      await call(
        new SubgraphClient(
          subgraph.url,
          agent,
          { ...options, sampleExchange: (exchange) => exchanges.push(exchange) },
          'orders',
        ),
      );
      expect(exchanges).toEqual([
        {
          subgraph: 'orders',
          request: expect.objectContaining({ operationName: 'Q', variables: { id: 'ORD-1' } }),
          response: { data: { order: null } },
          context: expect.objectContaining({ correlationId: 'corr-1' }),
          durationMs: expect.any(Number),
        },
      ]);
    } finally {
      await subgraph.close();
    }
  });
});
