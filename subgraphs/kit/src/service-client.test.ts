import { createServer, type AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { SubgraphContext } from './context';
import { CORRELATION_HEADER } from './correlation';
import { IDENTITY_HEADER, verifyIdentity } from './identity-header';
import { createSubgraphServer } from './server';
import {
  createServiceClient,
  DependencyUnavailableError,
  dependencyUnavailable,
  type ClosableServiceClient,
} from './service-client';

const SECRET = 'service-client-test-secret';

interface Seen {
  headers: Record<string, string | string[] | undefined>;
  body: { query: string; variables: Record<string, unknown> };
  remotePort: number | undefined;
}

/** A stand-in subgraph with one route per behaviour under test; records what each request carried. */
async function startFakeSubgraph() {
  const seen: Seen[] = [];
  // forceCloseConnections: the hanging route's sockets must not keep close() waiting.
  const app = Fastify({ forceCloseConnections: true });
  const record = (request: {
    headers: Seen['headers'];
    body: unknown;
    socket: { remotePort?: number };
  }) =>
    seen.push({
      headers: request.headers,
      body: request.body as Seen['body'],
      remotePort: request.socket.remotePort,
    });
  app.post('/answers', async (request) => {
    record(request);
    return { data: { echo: (request.body as Seen['body']).variables } };
  });
  app.post('/hangs', (request) => {
    record(request);
    return new Promise(() => {}); // never answers
  });
  app.post('/fails', async (request, reply) =>
    reply.code(500).send({ errors: [{ message: 'database is down' }] }),
  );
  app.post('/html-error', async (request, reply) =>
    reply.code(502).type('text/html').send('<html>bad gateway</html>'),
  );
  app.post('/graphql-error', async () => ({
    data: null,
    errors: [
      { message: 'Customer CUS-1 was not found', extensions: { code: 'NOT_FOUND' } },
      { message: 'second' },
    ],
  }));
  app.post('/partial', async () => ({
    data: { customer: null, product: { sku: 'SKU-1' } },
    errors: [{ message: 'customer failed' }],
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, seen, base };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<DependencyUnavailableError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DependencyUnavailableError);
  return error as DependencyUnavailableError;
}

describe('service client', () => {
  let fake: Awaited<ReturnType<typeof startFakeSubgraph>>;
  let client: ClosableServiceClient;
  let down: number;

  beforeAll(async () => {
    fake = await startFakeSubgraph();
    down = await closedPort();
    const urls = new Map([
      ['customers', `${fake.base}/answers`],
      ['slow', `${fake.base}/hangs`],
      ['broken', `${fake.base}/fails`],
      ['proxied', `${fake.base}/html-error`],
      ['catalog', `${fake.base}/graphql-error`],
      ['partial', `${fake.base}/partial`],
      ['down', `http://127.0.0.1:${down}/graphql`],
    ]);
    client = createServiceClient({
      caller: 'orders',
      urls,
      identitySecret: SECRET,
      timeoutMs: 1000,
    });
  });
  afterAll(async () => {
    await client.close();
    await fake.app.close();
  });
  beforeEach(() => {
    fake.seen.length = 0;
  });

  test('posts the query and variables and resolves to the data', async () => {
    const data = await client.query<{ echo: unknown }>(
      'customers',
      'query ($id: ID!) { customer(id: $id) { id } }',
      { id: 'CUS-1' },
    );
    expect(data).toEqual({ echo: { id: 'CUS-1' } });
    expect(fake.seen[0].body.query).toContain('customer(id: $id)');
    expect(fake.seen[0].headers['content-type']).toBe('application/json');
  });

  test('signs a service identity for the callee alone, verified with the shared secret', async () => {
    await client.query('customers', '{ __typename }');
    const header = fake.seen[0].headers[IDENTITY_HEADER];
    expect(verifyIdentity(header, SECRET, 'customers')).toMatchObject({
      ok: true,
      identity: {
        id: 'service:orders',
        kind: 'service',
        scopes: [],
        tenant: null,
        aud: 'customers',
      },
    });
    expect(verifyIdentity(header, 'another-secret', 'customers')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyIdentity(header, SECRET, 'finance')).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
  });

  test('sends the correlation id it is given, and a fresh one when given none or a malformed one', async () => {
    await client.query('customers', '{ __typename }', {}, { correlationId: 'order-flow-42' });
    await client.query('customers', '{ __typename }');
    await client.query(
      'customers',
      '{ __typename }',
      {},
      { correlationId: 'has spaces\nand a newline' },
    );
    const [given, fresh, replaced] = fake.seen.map((seen) => seen.headers[CORRELATION_HEADER]);
    expect(given).toBe('order-flow-42');
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toBe(replaced);
  });

  test('reuses keep-alive connections across calls instead of opening one per call', async () => {
    for (let call = 0; call < 6; call++) await client.query('customers', '{ __typename }');
    const connections = new Set(fake.seen.map((seen) => seen.remotePort));
    // Back-to-back calls may alternate between two pooled sockets (one is released a tick after its body ends).
    expect(connections.size).toBeLessThanOrEqual(2);
  });

  test('a subgraph that does not answer in time is a timeout, after about the timeout', async () => {
    const started = Date.now();
    const error = await rejection(client.query('slow', '{ __typename }', {}, { timeoutMs: 150 }));
    expect(error).toMatchObject({ subgraph: 'slow', reason: 'timeout' });
    expect(error.message).toContain('150 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(900);
  });

  test('the client-wide timeout applies when the call sets none', async () => {
    const quick = createServiceClient({
      caller: 'orders',
      urls: new Map([['slow', `${fake.base}/hangs`]]),
      identitySecret: SECRET,
      timeoutMs: 100,
    });
    try {
      await expect(quick.query('slow', '{ __typename }')).rejects.toMatchObject({
        reason: 'timeout',
      });
    } finally {
      await quick.close();
    }
  });

  test('a port nothing listens on is unreachable', async () => {
    const error = await rejection(client.query('down', '{ __typename }'));
    expect(error).toMatchObject({ subgraph: 'down', reason: 'unreachable' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('a non-2xx answer is an http-error naming the status and the first error message', async () => {
    const error = await rejection(client.query('broken', '{ __typename }'));
    expect(error).toMatchObject({ subgraph: 'broken', reason: 'http-error' });
    expect(error.message).toContain('HTTP 500: database is down');
    await expect(client.query('proxied', '{ __typename }')).rejects.toMatchObject({
      reason: 'http-error',
      message: expect.stringContaining('HTTP 502'),
    });
  });

  test('GraphQL errors without data are a graphql-error carrying the first message', async () => {
    const error = await rejection(client.query('catalog', '{ product(sku: "X") { sku } }'));
    expect(error).toMatchObject({ subgraph: 'catalog', reason: 'graphql-error' });
    expect(error.message).toContain('Customer CUS-1 was not found');
    expect(error.message).not.toContain('second');
  });

  test('data with errors resolves to the data; the failed fields are null', async () => {
    await expect(client.query('partial', '{ customer { id } product { sku } }')).resolves.toEqual({
      customer: null,
      product: { sku: 'SKU-1' },
    });
  });

  test('a subgraph without a URL is unknown-subgraph, without any request', async () => {
    const error = await rejection(client.query('warehouse', '{ __typename }'));
    expect(error).toMatchObject({ subgraph: 'warehouse', reason: 'unknown-subgraph' });
    expect(fake.seen).toHaveLength(0);
  });

  test('URLs given as a function are read on every call', async () => {
    const urls = new Map<string, string>();
    const late = createServiceClient({
      caller: 'finance',
      urls: () => urls,
      identitySecret: SECRET,
    });
    try {
      await expect(late.query('customers', '{ __typename }')).rejects.toMatchObject({
        reason: 'unknown-subgraph',
      });
      urls.set('customers', `${fake.base}/answers`);
      await expect(late.query('customers', '{ __typename }', { n: 1 })).resolves.toEqual({
        echo: { n: 1 },
      });
    } finally {
      await late.close();
    }
  });

  test('refuses a timeout that is not a positive number', () => {
    expect(() =>
      createServiceClient({
        caller: 'orders',
        urls: new Map(),
        identitySecret: SECRET,
        timeoutMs: 0,
      }),
    ).toThrow(RangeError);
  });

  test('turns into a DEPENDENCY_UNAVAILABLE GraphQL error naming the subgraph and the reason', async () => {
    const error = await rejection(client.query('down', '{ __typename }'));
    expect(dependencyUnavailable(error).extensions).toEqual({
      code: 'DEPENDENCY_UNAVAILABLE',
      subgraph: 'down',
      reason: 'unreachable',
    });
  });
});

describe('service client against a real subgraph server', () => {
  let server: FastifyInstance;
  beforeAll(async () => {
    const query = new GraphQLObjectType<unknown, SubgraphContext<object>>({
      name: 'Query',
      fields: {
        caller: { type: GraphQLString, resolve: (_root, _args, context) => context.caller.id },
        correlationId: {
          type: GraphQLString,
          resolve: (_root, _args, context) => context.correlationId,
        },
      },
    });
    server = await createSubgraphServer({
      name: 'customers',
      schema: new GraphQLSchema({ query }),
      store: {},
      identitySecret: SECRET,
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  test('the subgraph accepts the signed identity and resolves with the caller and correlation id', async () => {
    const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/graphql`;
    const client = createServiceClient({
      caller: 'orders',
      urls: new Map([['customers', url]]),
      identitySecret: SECRET,
    });
    const wrongSecret = createServiceClient({
      caller: 'orders',
      urls: new Map([['customers', url]]),
      identitySecret: 'not-the-secret',
    });
    try {
      await expect(
        client.query('customers', '{ caller correlationId }', {}, { correlationId: 'flow-7' }),
      ).resolves.toEqual({ caller: 'service:orders', correlationId: 'flow-7' });
      // The subgraph refuses a bad signature with a 401: the dependency is not usable.
      await expect(wrongSecret.query('customers', '{ caller }')).rejects.toMatchObject({
        reason: 'http-error',
        message: expect.stringContaining('HTTP 401'),
      });
      // A query the subgraph cannot validate answers no data.
      await expect(client.query('customers', '{ nope }')).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
    } finally {
      await client.close();
      await wrongSecret.close();
    }
  });
});
