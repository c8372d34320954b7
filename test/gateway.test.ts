/** The gateway as a process: health, readiness, correlation ids, and serving any supergraph file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

test('answers /healthz, and /readyz once every subgraph answers', async () => {
  expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  const ready = await fetch(`${base()}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', subgraphs: ['customers'] });
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
  const config = gatewayConfigFrom(['--supergraph', file, '--port', '0'], { LOG_LEVEL: 'silent' });
  expect(config.supergraphFile).toBe(file);
  const other = await createGateway(config);
  const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', unreachable: ['customers'] });
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ customer(id: \\"CUS-0001\\") { name } }"}',
    });
    const body = (await response.json()) as any;
    expect(body.data?.customer ?? null).toBeNull();
    expect(body.errors[0].extensions.code).toBeDefined();
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
