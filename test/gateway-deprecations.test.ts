/**
 * The gateway side of deprecations over real HTTP: a governed gateway following a local fake
 * registry (GET /supergraph and GET /deprecations, long-polled with ETags), in front of a small
 * subgraph with Order.shipToAddressId, on a clock the test sets. Announced with the headers and the
 * extension once the registry publishes the deprecation; refused in a brownout and after the sunset
 * unless waived; manifest registration warned or refused; a feed the gateway cannot read keeps the
 * one it holds.
 */
import type http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import {
  composeSupergraph,
  createGateway,
  createMemoryStore,
  defaultGatewayConfig,
  type GatewayRuntime,
  type RunningGateway,
  type SupergraphSource,
} from '@switchyard/gateway';
import type { GovernanceConfig } from '../gateway/src/governance/governance-config';
import { createGovernance } from '../gateway/src/governance';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { as, testGovernanceConfig } from './testing/consumers';
import { bodyOf, listen } from './testing/http-server';

const ORDERS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Order @key(fields: "id") {
    id: ID!
    shipTo: String
    shipToAddressId: ID @deprecated(reason: "Use shipTo.")
  }
  type Query { order(id: ID!): Order }
`;
const ordersSchema = buildSubgraphSchema({
  typeDefs: parse(ORDERS_SDL),
  resolvers: {
    Query: {
      order: (_: unknown, { id }: { id: string }) => ({
        id,
        shipTo: 'Main St',
        shipToAddressId: 'ADR-1',
      }),
    },
  },
});

const LEGACY = 'query Legacy { order(id: "ORD-1") { id shipToAddressId } }';
const CURRENT = 'query Current { order(id: "ORD-1") { id shipTo } }';
const SUNSET = '2027-03-01';
const DEPRECATION = {
  coordinate: 'Order.shipToAddressId',
  reason: 'Use shipTo { addressId }.',
  sunset: SUNSET,
  replacement: 'Order.shipTo',
  link: 'https://docs.example/deprecations/ship-to',
  deprecatedAt: '2026-12-01T10:00:00Z',
  schemaVersion: 2,
  brownouts: [{ start: '2027-02-10T14:00:00Z', end: '2027-02-10T15:00:00Z' }],
  waivers: [{ consumer: 'acme', until: '2027-03-15T00:00:00Z', reason: 'migrating in March' }],
};

/** A registry as gateways see it: the current supergraph and deprecations, each held with an ETag until it changes. */
function fakeRegistry(supergraphSdl: string) {
  let feed: { etag: string; body: unknown } = {
    etag: '"feed-0"',
    body: { etag: '"feed-0"', deprecations: [] },
  };
  const waiting = new Set<() => void>();
  const credentials: string[] = [];
  const handler = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    credentials.push(String(request.headers['x-api-key']));
    const current =
      url.pathname === '/supergraph'
        ? { etag: '"1-sdl"', body: { version: 1, supergraphSdl } }
        : url.pathname === '/deprecations'
          ? feed
          : null;
    if (!current) {
      response.writeHead(404).end();
      return;
    }
    if (request.headers['if-none-match'] === current.etag) {
      // Held until the feed changes, the client hangs up, or at most a second (then 304).
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, 1_000);
        waiting.add(done);
        request.once('close', done);
      });
      const now = url.pathname === '/deprecations' ? feed : current;
      if (now.etag === current.etag) {
        response.writeHead(304, { etag: current.etag }).end();
        return;
      }
      return send(response, now);
    }
    send(response, current);
  };
  const send = (response: http.ServerResponse, answer: { etag: string; body: unknown }) => {
    response.writeHead(200, { 'content-type': 'application/json', etag: answer.etag });
    response.end(JSON.stringify(answer.body));
  };
  return {
    handler,
    credentials,
    publish(etag: string, body: unknown) {
      feed = { etag, body };
      for (const wake of [...waiting]) wake();
    },
  };
}

let subgraph: http.Server;
let registryServer: http.Server;
let registry: ReturnType<typeof fakeRegistry>;
let gateway: RunningGateway;
let baseUrl: string;
let cacheDir: string;
let now = Date.parse('2026-12-06T12:00:00Z');
let governanceConfig: GovernanceConfig;

const governanceOf = (supergraph: SupergraphSource, runtime: GatewayRuntime) =>
  createGovernance(governanceConfig, {
    supergraph,
    store: createMemoryStore(),
    logLevel: 'silent',
    ...runtime,
  });

beforeAll(async () => {
  const orders = await listen(async (request, response) => {
    const { query, variables } = JSON.parse(await bodyOf(request)) as {
      query: string;
      variables?: Record<string, unknown>;
    };
    const result = await graphql({
      schema: ordersSchema,
      source: query,
      variableValues: variables,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
  subgraph = orders.server;
  registry = fakeRegistry(
    composeSupergraph([{ name: 'orders', url: orders.url, sdl: ORDERS_SDL }]),
  );
  const registryHttp = await listen(registry.handler);
  registryServer = registryHttp.server;
  cacheDir = await mkdtemp(path.join(tmpdir(), 'switchyard-deprecations-'));

  governanceConfig = testGovernanceConfig(
    { modules: { rateBudgets: false, audit: false }, usage: { bucket: '1m' } },
    [
      { id: 'acme', kind: 'distributor', tenant: { customers: ['CUS-1'] } },
      { id: 'web', kind: 'ecommerce' },
      { id: 'ops', scopes: ['governance:admin'] },
    ],
  );
  gateway = await createGateway(
    {
      ...defaultGatewayConfig,
      port: 0,
      logLevel: 'silent',
      registryUrl: registryHttp.url,
      registryToken: 'gateway-key',
      supergraphCacheFile: path.join(cacheDir, 'supergraph.graphql'),
    },
    { clock: () => now, governance: governanceOf },
  );
  baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => registryServer?.close(resolve));
  await new Promise((resolve) => subgraph?.close(resolve));
  await rm(cacheDir, { recursive: true, force: true });
});

async function run(consumer: string, query: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(consumer) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: Record<string, unknown> }[];
      extensions?: Record<string, unknown>;
    },
  };
}

async function register(consumer: string, ...operations: [string, string][]) {
  const response = await fetch(`${baseUrl}/admin/consumers/${consumer}/operations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as('ops') },
    body: JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: operations.map(([name, body]) => ({
        id: operationId(body),
        name,
        type: 'query',
        body,
      })),
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Asks until `check` passes (the gateway takes a published feed within its long-poll), at most ~5 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function feedStatus() {
  const response = await fetch(`${baseUrl}/admin/supergraph`, { headers: as('ops') });
  return ((await response.json()) as { deprecations: Record<string, unknown> }).deprecations;
}

describe('deprecations through a gateway following the registry', () => {
  test('before anything is deprecated: no header, no extension', async () => {
    const { status, headers, body } = await run('web', LEGACY);
    expect(status).toBe(200);
    expect(headers.get('deprecation')).toBeNull();
    expect(headers.get('sunset')).toBeNull();
    expect(body.extensions).toBeUndefined();
  });

  test('once the registry publishes the deprecation, a response using it carries Deprecation, Sunset, Link and the extension; one that does not, nothing', async () => {
    registry.publish('"feed-1"', { etag: '"feed-1"', deprecations: [DEPRECATION] });
    await eventually(async () => {
      expect((await run('web', LEGACY)).headers.get('deprecation')).not.toBeNull();
    });
    const { status, headers, body } = await run('web', LEGACY);
    expect(status).toBe(200);
    expect(body.data).toEqual({ order: { id: 'ORD-1', shipToAddressId: 'ADR-1' } });
    expect(headers.get('deprecation')).toBe(`@${Date.parse('2026-12-01T10:00:00Z') / 1000}`);
    expect(headers.get('sunset')).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
    expect(headers.get('link')).toBe(
      '<https://docs.example/deprecations/ship-to>; rel="deprecation"',
    );
    expect(headers.get('switchyard-brownout')).toBe(
      `"Order.shipToAddressId";start=@${Date.parse('2027-02-10T14:00:00Z') / 1000};end=@${Date.parse('2027-02-10T15:00:00Z') / 1000}`,
    );
    expect(body.extensions?.deprecations).toEqual([
      expect.objectContaining({
        coordinate: 'Order.shipToAddressId',
        sunset: SUNSET,
        replacement: 'Order.shipTo',
        reason: 'Use shipTo { addressId }.',
      }),
    ]);

    const clean = await run('web', CURRENT);
    expect(clean.headers.get('deprecation')).toBeNull();
    expect(clean.body.extensions).toBeUndefined();
    expect(await feedStatus()).toEqual({ etag: '"feed-1"', coordinates: 1, lastError: null });
    // The gateway asked with its own credential.
    expect(new Set(registry.credentials)).toEqual(new Set(['gateway-key']));
  });

  test('registering a manifest that uses it is accepted with a warning naming the sunset', async () => {
    const { status, body } = await register('web', ['Legacy', LEGACY], ['Current', CURRENT]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ consumer: 'web', added: 2 });
    expect(body.warnings).toEqual([
      expect.objectContaining({
        code: 'DEPRECATED_COORDINATE',
        coordinate: 'Order.shipToAddressId',
        sunset: SUNSET,
        operation: { index: 0, id: operationId(LEGACY), name: 'Legacy' },
      }),
    ]);
    expect((body.warnings as { message: string }[])[0].message).toMatch(
      /refused from its sunset on 2027-03-01/,
    );
  });

  test('a brownout window refuses it with FIELD_BROWNOUT (410), except under a waiver', async () => {
    now = Date.parse('2027-02-10T14:30:00Z');
    const refused = await run('web', LEGACY);
    expect(refused.status).toBe(410);
    expect(refused.body.errors?.[0].extensions).toMatchObject({
      code: 'FIELD_BROWNOUT',
      coordinate: 'Order.shipToAddressId',
      brownoutEnd: '2027-02-10T15:00:00.000Z',
      sunset: SUNSET,
      replacement: 'Order.shipTo',
    });
    expect((await run('acme', LEGACY)).status).toBe(200);
    expect((await run('web', CURRENT)).status).toBe(200);
  });

  test('after the sunset: FIELD_SUNSET (410) with the date and the replacement; the waiver lets its consumer through until it ends', async () => {
    now = Date.parse('2027-03-01T00:00:00Z');
    const refused = await run('web', LEGACY);
    expect(refused.status).toBe(410);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]).toEqual({
      message:
        'Order.shipToAddressId reached its sunset on 2027-03-01 and is no longer served to web; use Order.shipTo instead.',
      extensions: {
        code: 'FIELD_SUNSET',
        coordinate: 'Order.shipToAddressId',
        sunset: SUNSET,
        replacement: 'Order.shipTo',
        link: 'https://docs.example/deprecations/ship-to',
        coordinates: ['Order.shipToAddressId'],
      },
    });
    const waived = await run('acme', LEGACY);
    expect(waived.status).toBe(200);
    expect(waived.body.extensions?.deprecations).toEqual([
      expect.objectContaining({ waiverUntil: '2027-03-15T00:00:00.000Z' }),
    ]);
    now = Date.parse('2027-03-15T00:00:00Z');
    expect((await run('acme', LEGACY)).body.errors?.[0].extensions.code).toBe('FIELD_SUNSET');
  });

  test("usage counts a waived use after the sunset, but not the fields of a refused request (what the registry's removal check reads)", async () => {
    const consumersOf = async () => {
      const response = await fetch(`${baseUrl}/admin/usage/fields/Order.shipToAddressId?days=1`, {
        headers: as('ops'),
      });
      const report = (await response.json()) as { consumers: { consumer: string }[] };
      return report.consumers.map(({ consumer }) => consumer).sort();
    };
    now = Date.parse('2027-03-10T00:00:00Z');
    expect((await run('acme', LEGACY)).status).toBe(200);
    expect((await run('web', LEGACY)).status).toBe(410);
    expect(await consumersOf()).toEqual(['acme']);
    now = Date.parse('2027-04-01T00:00:00Z');
    expect((await run('acme', LEGACY)).status).toBe(410);
    expect((await run('web', LEGACY)).status).toBe(410);
    expect(await consumersOf()).toEqual([]);
  });

  test('registering a manifest that uses it after the sunset is refused naming the operation and the coordinate', async () => {
    const { status, body } = await register('web', ['Legacy', LEGACY]);
    expect(status).toBe(422);
    const [error] = body.errors as { extensions: Record<string, unknown> }[];
    expect(error.extensions).toMatchObject({
      code: 'MANIFEST_INVALID',
      reasons: [
        {
          code: 'COORDINATE_SUNSET',
          coordinate: 'Order.shipToAddressId',
          operation: { index: 0, id: operationId(LEGACY), name: 'Legacy' },
          message:
            'operation Legacy uses Order.shipToAddressId, which reached its sunset on 2027-03-01 and is no longer served to web; use Order.shipTo instead',
        },
      ],
    });
  });

  test('a gateway started while the registry is down enforces the deprecations of its disk copy', async () => {
    // A port nothing listens on: the registry is away.
    const away = await listen(async () => {});
    await new Promise((resolve) => away.server.close(resolve));
    const second = await createGateway(
      {
        ...defaultGatewayConfig,
        port: 0,
        logLevel: 'silent',
        registryUrl: away.url,
        registryToken: 'gateway-key',
        supergraphCacheFile: path.join(cacheDir, 'supergraph.graphql'),
      },
      { clock: () => now, governance: governanceOf },
    );
    try {
      const response = await second.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...as('web') },
        payload: { query: LEGACY },
      });
      expect(response.statusCode).toBe(410);
      expect(response.json().errors[0].extensions.code).toBe('FIELD_SUNSET');
      expect(second.origin.status().deprecations).toMatchObject({
        etag: '"feed-1"',
        coordinates: 1,
        lastError: expect.stringMatching(/did not answer.*enforcing the disk copy/),
      });
    } finally {
      await second.close();
    }
  });

  test('a registry without the deprecations route (older than the lifecycle): served, nothing deprecated, and said so', async () => {
    const older = await listen(async (request, response) => {
      if (!request.url?.startsWith('/supergraph')) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', etag: '"1-sdl"' });
      response.end(JSON.stringify({ version: 1, supergraphSdl: gateway.supergraph.current }));
    });
    const third = await createGateway(
      {
        ...defaultGatewayConfig,
        port: 0,
        logLevel: 'silent',
        registryUrl: older.url,
        registryToken: 'gateway-key',
        supergraphCacheFile: path.join(cacheDir, 'older', 'supergraph.graphql'),
      },
      { clock: () => now, governance: governanceOf },
    );
    try {
      const response = await third.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...as('web') },
        payload: { query: LEGACY },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers.deprecation).toBeUndefined();
      expect(third.origin.status().deprecations).toEqual({
        etag: null,
        coordinates: 0,
        lastError: expect.stringMatching(
          /serves no deprecations \(GET \/deprecations answered 404\)/,
        ),
      });
    } finally {
      await third.close();
      older.server.closeAllConnections();
      await new Promise((resolve) => older.server.close(resolve));
    }
  });

  test('a feed the gateway cannot read does not replace the one it enforces', async () => {
    registry.publish('"feed-2"', {
      etag: '"feed-2"',
      deprecations: [{ ...DEPRECATION, sunset: 'next March' }],
    });
    await eventually(async () => {
      expect((await feedStatus()).lastError).toMatch(/sunset must be a date YYYY-MM-DD/);
    });
    expect((await feedStatus()).etag).toBe('"feed-1"');
    expect((await run('web', LEGACY)).status).toBe(410);

    registry.publish('"feed-3"', { etag: '"feed-3"', deprecations: [] });
    await eventually(async () => {
      expect((await run('web', LEGACY)).status).toBe(200);
    });
  });
});
