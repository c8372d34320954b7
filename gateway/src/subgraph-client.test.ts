import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { DEVELOPMENT_IDENTITY_SECRET, verifyIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';
import { createSubgraphAgent, SubgraphClient } from './subgraph-client';

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

  test('a subgraph that does not answer in time fails as a fetch timeout did', async () => {
    const subgraph = await startSubgraph(() => {});
    // An agent without timeouts of its own: the client's configured timeout still applies.
    const plainAgent = new Agent();
    try {
      await expect(
        call(new SubgraphClient(subgraph.url, plainAgent, options, 'orders')),
      ).rejects.toMatchObject({
        name: 'TimeoutError',
        message: 'The operation was aborted due to timeout',
      });
    } finally {
      await plainAgent.close();
      await subgraph.close();
    }
  });

  test('a subgraph nobody listens for fails as fetch did: "fetch failed", the connection error as its cause', async () => {
    const failure = await call(
      new SubgraphClient('http://127.0.0.1:9/graphql', agent, options, 'orders'),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});
