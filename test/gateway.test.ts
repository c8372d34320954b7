/** The gateway as a process: health, readiness, correlation ids, and serving any supergraph file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  createGateway,
  defaultGatewayConfig,
  gatewayConfigFrom,
  composeSupergraph,
} from '@switchyard/gateway';
import { subgraphSdl } from '@switchyard/kit';
import { startGraph, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
beforeAll(async () => {
  graph = await startGraph({
    subgraphs: ['customers'],
    prepare: async ({ customers }) => {
      await customers.database.db
        .insertInto('customers')
        .values({
          id: 'CUS-0001',
          account_number: 'A1',
          name: 'Acme',
          status: 'ACTIVE',
          segment: 'WHOLESALE',
          payment_terms: 'NET30',
          credit_limit_cents: 100,
          currency: 'USD',
          created_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
    },
  });
});
afterAll(() => graph.close());

const base = () => graph.gatewayUrl.replace(/\/graphql$/, '');

test('answers /healthz, and /readyz once every subgraph answers, warning that it runs ungoverned', async () => {
  expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  const ready = await fetch(`${base()}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    status: 'ready',
    unreachable: [],
    subgraphs: {
      customers: { reachable: true, circuit: { state: 'closed', consecutiveFailures: 0 } },
    },
    warnings: [expect.stringMatching(/^ungoverned: .*@requiresScopes.* are not enforced/)],
  });
});

test('returns the caller correlation id, or makes one', async () => {
  const echoed = await graph.query(
    '{ customer(id: "CUS-0001") { name } }',
    {},
    { 'x-correlation-id': 'abc-123' },
  );
  expect(echoed.body).toEqual({ data: { customer: { name: 'Acme' } } });
  expect(echoed.headers.get('x-correlation-id')).toBe('abc-123');
  const made = await graph.query(
    '{ __typename }',
    {},
    { 'x-correlation-id': 'not valid because of spaces' },
  );
  expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('serves any composed supergraph file given on the command line, and is not ready while a subgraph is down', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-'));
  const file = path.join(dir, 'supergraph.graphql');
  const customers = graph.subgraphs.customers;
  fs.writeFileSync(
    file,
    composeSupergraph([
      {
        name: 'customers',
        url: 'http://127.0.0.1:9/graphql',
        sdl: subgraphSdl(customers.definition.schema),
      },
    ]),
  );
  const config = gatewayConfigFrom(['--supergraph', file, '--port', '0', '--ungoverned'], {
    LOG_LEVEL: 'silent',
  });
  expect(config.supergraphFile).toBe(file);
  const other = await createGateway(config);
  const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unavailable',
      unreachable: ['customers'],
      subgraphs: {
        customers: { reachable: false, circuit: { state: 'closed', consecutiveFailures: 0 } },
      },
      warnings: [expect.stringMatching(/^ungoverned: /)],
    });
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ customer(id: \\"CUS-0001\\") { name } }"}',
    });
    const body = (await response.json()) as any;
    expect(body.data?.customer ?? null).toBeNull();
    expect(body.errors[0]).toMatchObject({
      message: 'Subgraph "customers" is unavailable: connection refused',
      path: ['customer'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'customers' },
    });
  } finally {
    await other.close();
  }
});

test('refuses a bad port in the configuration', () => {
  expect(() => gatewayConfigFrom([], { PORT: 'eighty' })).toThrow(
    /port must be a whole number from 0 to 65535/,
  );
  expect(defaultGatewayConfig.port).toBe(4000);
});

describe('fail closed: a supergraph with security directives needs governance that enforces them', () => {
  const supergraphSdl = () => graph.gateway.supergraph.current;
  const config = { ...defaultGatewayConfig, port: 0, logLevel: 'silent' };

  test('without governance, and without --ungoverned, the gateway does not start', async () => {
    await expect(createGateway(config, { supergraphSdl: supergraphSdl() })).rejects.toThrow(
      /declares .*@requiresScopes and nothing enforces them: .*--ungoverned/,
    );
  });

  test('governance without field authorization is not enough', async () => {
    const closed: string[] = [];
    const identityOnly = { name: 'identity', close: async () => void closed.push('identity') };
    await expect(
      createGateway(config, { supergraphSdl: supergraphSdl(), governance: () => [identityOnly] }),
    ).rejects.toThrow(/nothing enforces them/);
    expect(closed).toEqual(['identity']);
  });

  test('with --ungoverned it starts, logs the warning, and /readyz carries it', async () => {
    const lines: string[] = [];
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const ungoverned = await createGateway(
      { ...config, logLevel: 'warn', ungoverned: true },
      { supergraphSdl: supergraphSdl(), logDestination },
    );
    try {
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          level: 40,
          msg: expect.stringMatching(/^ungoverned: .*@requiresScopes.* are not enforced/),
        }),
      ]);
    } finally {
      await ungoverned.close();
    }
  });

  test('a swap that brings security directives into a gateway that enforces nothing is refused', async () => {
    const plain = composeSupergraph([
      {
        name: 'customers',
        url: graph.serviceUrls.get('customers')!,
        sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\ntype Query { ping: String }',
      },
    ]);
    const gateway = await createGateway(config, { supergraphSdl: plain });
    try {
      expect(() => gateway.supergraph.update(supergraphSdl())).toThrow(/nothing enforces them/);
      expect(gateway.supergraph.current).toBe(plain);
    } finally {
      await gateway.close();
    }
  });
});
