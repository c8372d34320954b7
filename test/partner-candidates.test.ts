/**
 * A partner's registered operations against the candidate schemas (GET /admin/self/operations): the
 * gateway reads the registry's newest check run of each subgraph (GET /checks, with its
 * REGISTRY_TOKEN) and says, per operation, whether a candidate breaks it and why. The registry here
 * is a stand-in over real HTTP answering GET /checks as the registry does (its own route is tested
 * in registry/src/server.test.ts): an orders candidate that breaks ACME's AcmeShipTo and FastFreight's
 * FreightShipments, an older orders run, and a catalog run that breaks nothing. The deprecations the
 * gateway enforces (Order.shipToAddressId, sunset 2099-01-01) are named on the operation using it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createMemoryStore } from '@switchyard/gateway';
import { createGovernance } from '../gateway/src/governance';
import {
  DeprecationFeed,
  readDeprecationFeed,
} from '../gateway/src/governance/deprecations/deprecation-feed';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { as } from './testing/consumers';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const ADMIN = 'dev-platform-admin';
const ACME = 'dev-acme-distributor';
const ORDERS = 'query AcmeOrders { orders(first: 5) { totalCount } }';
const SHIP_TO = 'query AcmeShipTo { orders(first: 5) { edges { node { shipToAddressId } } } }';
const entry = (name: string, body: string) => ({
  id: operationId(body),
  name,
  type: 'query',
  body,
});

const checks = {
  checks: [
    {
      subgraph: 'orders',
      createdAt: '2026-12-06T10:05:00.000Z',
      check: {
        id: 'chk_new',
        ok: false,
        operations: {
          checked: 3,
          failures: [
            {
              consumer: ACME,
              operationId: operationId(SHIP_TO),
              operationName: 'AcmeShipTo',
              schema: 'partner',
              reasons: ['Cannot query field "shipToAddressId" on type "Order".'],
            },
            {
              consumer: 'dev-fastfreight-3pl',
              operationId: 'f'.repeat(64),
              operationName: 'FreightShipments',
              schema: 'partner',
              reasons: ['Cannot query field "carrier" on type "Shipment".'],
            },
          ],
          alreadyFailing: [],
          unavailable: [],
        },
      },
    },
    {
      subgraph: 'catalog',
      createdAt: '2026-12-06T10:04:00.000Z',
      check: { id: 'chk_catalog', ok: true, operations: { checked: 3, failures: [] } },
    },
    {
      subgraph: 'orders',
      createdAt: '2026-12-06T10:00:00.000Z',
      check: {
        id: 'chk_old',
        ok: false,
        operations: {
          failures: [
            {
              consumer: ACME,
              operationId: operationId(ORDERS),
              operationName: 'AcmeOrders',
              schema: 'partner',
              reasons: ['an older candidate'],
            },
          ],
        },
      },
    },
  ],
};

let registry: http.Server;
let graph: RunningGraph;
const tokens: (string | undefined)[] = [];

beforeAll(async () => {
  registry = http.createServer((request, response) => {
    tokens.push(request.headers['x-api-key'] as string | undefined);
    const ok = request.url?.startsWith('/checks?');
    response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(ok ? checks : { errors: [{ message: 'no route' }] }));
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
  const store = createMemoryStore();
  const deprecations = new DeprecationFeed();
  deprecations.replace(
    readDeprecationFeed(
      {
        deprecations: [
          {
            coordinate: 'Order.shipToAddressId',
            reason: 'Use shipTo',
            sunset: '2099-01-01',
            replacement: 'Order.shipTo',
            deprecatedAt: '2026-12-01T00:00:00.000Z',
          },
        ],
      },
      '"feed-1"',
    ),
  );
  graph = await startGraph({
    seedScale: 0.05,
    gatewayConfig: { registryUrl, registryToken: 'dev-gateway' },
    governance: (supergraph, runtime) =>
      createGovernance(config, {
        supergraph,
        store,
        logLevel: 'silent',
        ...runtime,
        deprecations,
      }),
  });
}, 120_000);
afterAll(async () => {
  await graph?.close();
  await new Promise((resolve) => registry?.close(resolve));
});

async function admin(method: 'GET' | 'POST', route: string, key: string, body?: unknown) {
  const response = await fetch(`${new URL(graph.gatewayUrl).origin}/admin${route}`, {
    method,
    headers: { ...as(key), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
}

test("each operation says whether each subgraph's newest candidate breaks it and which deprecated fields it uses, the caller's own only", async () => {
  const registered = await admin('POST', `/consumers/${ACME}/operations`, ADMIN, {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [entry('AcmeOrders', ORDERS), entry('AcmeShipTo', SHIP_TO)],
  });
  expect(registered.status).toBe(200);

  const { status, body } = await admin('GET', '/self/operations', ACME);
  expect(status).toBe(200);
  expect(tokens.at(-1)).toBe('dev-gateway');
  expect(body.candidates).toEqual([
    {
      checkId: 'chk_new',
      subgraph: 'orders',
      createdAt: '2026-12-06T10:05:00.000Z',
      checked: true,
    },
    {
      checkId: 'chk_catalog',
      subgraph: 'catalog',
      createdAt: '2026-12-06T10:04:00.000Z',
      checked: true,
    },
  ]);
  const byName = Object.fromEntries(body.operations.map((o: any) => [o.name, o]));
  expect(byName.AcmeOrders.deprecations).toEqual([]);
  expect(byName.AcmeShipTo.deprecations).toEqual([
    {
      coordinate: 'Order.shipToAddressId',
      reason: 'Use shipTo',
      sunset: '2099-01-01',
      replacement: 'Order.shipTo',
      link: null,
      phase: 'announced',
    },
  ]);
  // The older orders run is superseded: AcmeOrders survives the newest candidates.
  expect(byName.AcmeOrders.candidate).toEqual({ available: true, valid: true, broken: [] });
  expect(byName.AcmeShipTo.current).toEqual({ valid: true, errors: [] });
  expect(byName.AcmeShipTo.candidate).toEqual({
    available: true,
    valid: false,
    broken: [
      {
        subgraph: 'orders',
        checkId: 'chk_new',
        reasons: ['Cannot query field "shipToAddressId" on type "Order".'],
      },
    ],
  });
  expect(JSON.stringify(body)).not.toContain('FreightShipments');
});

test('one read of the registry serves every page for 10 s, even while the registry is away', async () => {
  const reads = tokens.length;
  await new Promise((resolve) => registry.close(resolve));
  registry.closeAllConnections();
  for (const consumer of [ACME, 'dev-fastfreight-3pl']) {
    const { status, body } = await admin('GET', '/self/operations', consumer);
    expect(status).toBe(200);
    expect(body.candidates.map((c: any) => c.checkId)).toEqual(['chk_new', 'chk_catalog']);
  }
  expect(tokens.length).toBe(reads);
});
