/**
 * Gateways on the schema registry (issue 14, rollout): real subgraphs, a real registry over HTTP
 * (registry/src) and real gateways following it with REGISTRY_URL. The registry starts with orders
 * WITHOUT `Order.poNumber` (which the running orders subgraph resolves), so publishing the real SDL
 * adds a nullable field the gateway then serves with data; rolling back takes it away again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, request as undiciRequest } from 'undici';
import {
  createGateway,
  defaultGatewayConfig,
  type GatewayConfig,
  type GovernanceStore,
  type RunningGateway,
} from '@switchyard/gateway';
import { subgraphSdl } from '@switchyard/kit';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import {
  readCachedSupergraph,
  writeCachedSupergraph,
} from '../gateway/src/supergraph/supergraph-cache-file';
import type { SupergraphStatus } from '../gateway/src/supergraph/supergraph-origin';
import { startTestRegistry, type TestRegistry } from '../registry/src/testing/registry-harness';
import {
  dropRedisStore,
  openRedisStore,
  RedisProxy,
  uniquePrefix,
  until,
} from './testing/gateway-replicas';
import { startGraph, subgraphSources, type RunningGraph } from './testing/graph-harness';

const ADMIN = 'dev-platform-admin';
const OLD_QUERY = '{ orders(first: 3) { edges { node { id number } } } }';
const NEW_QUERY = '{ orders(first: 3) { edges { node { id number poNumber } } } }';
/** The orders of an answer to either query. */
const ordersOf = (body: any): object[] | undefined =>
  body?.data?.orders?.edges?.map((edge: { node: object }) => edge.node);
/** The issue's bound: a published supergraph is served within 5 s, with no restart. */
const CONVERGENCE_MS = 5_000;

// Rate budgets off: the load test sends hundreds of requests as one consumer.
const developmentConfig = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const governanceConfig = {
  ...developmentConfig,
  modules: { ...developmentConfig.modules, rateBudgets: false },
};

let graph: RunningGraph;
let registry: TestRegistry;
let registryUrl: string;
let store: GovernanceStore;
let ordersSdl: string;
let withoutPoNumber: string;
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-rollout-'));
const running: RunningGateway[] = [];

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.02 });
  store = await openRedisStore(uniquePrefix('rollout'));
  ordersSdl = subgraphSdl(graph.subgraphs.orders.definition.schema);
  withoutPoNumber = ordersSdl.replace(
    /\n\s*"""The customer's purchase order number, when they gave one\."""\n\s*poNumber: String @tag\(name: "partner"\)\n/,
    '\n',
  );
  expect(withoutPoNumber).not.toBe(ordersSdl);
  registry = await startTestRegistry({ seed: false, watchPollMs: 200 });
  await registry.service.seed(subgraphSources(graph, { orders: withoutPoNumber }), 'seed');
  registryUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  for (const gateway of running) await gateway.close();
  await registry?.close();
  await dropRedisStore(store);
  await graph?.close();
  fs.rmSync(temporary, { recursive: true, force: true });
}, 120_000);

/** A governed gateway following `url` with its own disk copy; listening, and closed after the tests. */
async function startFollower(
  name: string,
  overrides: Partial<GatewayConfig> = {},
): Promise<RunningGateway & { baseUrl: string }> {
  const gateway = await createGateway(
    {
      ...defaultGatewayConfig,
      port: 0,
      logLevel: 'silent',
      registryUrl,
      registryToken: 'dev-gateway',
      supergraphCacheFile: path.join(temporary, name, 'supergraph.graphql'),
      // The subgraphs share this process's event loop: a swap's rebuild under load stalls them too
      // (3.5 s seen on a busy machine), which the 3 s subgraph deadline would count against them.
      subgraphTimeoutMs: 30_000,
      ...overrides,
    },
    {
      governance: (supergraph) =>
        createGovernance(governanceConfig, { supergraph, store, logLevel: 'silent' }),
    },
  );
  running.push(gateway);
  const baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(gateway, { baseUrl });
}

async function graphql(baseUrl: string, query: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ADMIN },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function supergraphStatus(baseUrl: string): Promise<SupergraphStatus> {
  const response = await fetch(`${baseUrl}/admin/supergraph`, { headers: { 'x-api-key': ADMIN } });
  expect(response.status).toBe(200);
  return (await response.json()) as SupergraphStatus;
}

/** Publishes (or rolls back) orders at the registry as its owner; the new graph version. */
async function changeOrders(route: 'publish' | 'rollback', body: Record<string, unknown>) {
  const response = await fetch(`${registryUrl}/subgraphs/orders/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'dev-orders-owner' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { published: boolean; version: number };
  expect({ status: response.status, published: answer.published }).toEqual({
    status: 201,
    published: true,
  });
  return answer.version;
}

const serves = async (gateway: { baseUrl: string }, version: number) =>
  (await supergraphStatus(gateway.baseUrl)).serving.version === version;

describe('gateways following the registry', () => {
  let first: RunningGateway & { baseUrl: string };
  let second: RunningGateway & { baseUrl: string };
  let seeded: number;
  let published: number;

  beforeAll(async () => {
    first = await startFollower('first');
    second = await startFollower('second');
  });

  test('start on the registry version, report it on /admin/supergraph and keep it on disk', async () => {
    const status = await supergraphStatus(first.baseUrl);
    seeded = status.serving.version!;
    expect(status).toMatchObject({
      serving: { from: 'registry', version: 1, etag: expect.stringMatching(/^"1-/) },
      refused: [],
      registry: { url: registryUrl, reachable: true },
    });
    expect((await graphql(first.baseUrl, NEW_QUERY)).body.errors?.[0].extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    await expect(
      until(
        async () =>
          (await readCachedSupergraph(path.join(temporary, 'first', 'supergraph.graphql')))
            ?.version === seeded,
        CONVERGENCE_MS,
      ),
    ).resolves.toBe(true);
    const unauthenticated = await fetch(`${first.baseUrl}/admin/supergraph`);
    expect(unauthenticated.status).toBe(401);
  });

  test('a publish adding a nullable field lands on both replicas within 5 s under load, with no failed request', async () => {
    const agent = new Agent({ connections: 100, keepAliveTimeout: 10_000 });
    let swapped = false;
    let stop = false;
    const failures: string[] = [];
    let before = 0;
    let after = 0;
    const worker = async () => {
      while (!stop) {
        const useNew = swapped;
        const response = await undiciRequest(`${first.baseUrl}/graphql`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'x-api-key': ADMIN },
          body: JSON.stringify({ query: useNew ? NEW_QUERY : OLD_QUERY }),
        }).catch((error: Error) => ({ statusCode: 0, body: null, error }));
        const text = response.body ? await response.body.text() : String(response);
        const body = response.statusCode === 200 ? (JSON.parse(text) as any) : null;
        const orders = ordersOf(body);
        if (!body || body.errors || !orders?.length)
          failures.push(`${response.statusCode} ${text.slice(0, 300)}`);
        else if (useNew) {
          if (!orders.every((order) => 'poNumber' in order))
            failures.push(`no poNumber: ${text.slice(0, 200)}`);
          after += 1;
        } else before += 1;
      }
    };
    const workers = Array.from({ length: 100 }, worker);
    try {
      await until(() => before >= 200 || failures.length > 0, 30_000);
      expect({ before: before >= 200, failures: failures.slice(0, 3) }).toEqual({
        before: true,
        failures: [],
      });
      published = await changeOrders('publish', { sdl: ordersSdl, message: 'orders: poNumber' });
      expect(published).toBeGreaterThan(seeded);
      const bothServe = await until(
        async () => (await serves(first, published)) && (await serves(second, published)),
        CONVERGENCE_MS,
      );
      expect(bothServe).toBe(true);
      swapped = true;
      expect(await until(() => after >= 200 || failures.length > 0, 30_000)).toBe(true);
    } finally {
      stop = true;
      await Promise.all(workers);
      await agent.close();
    }
    expect(failures).toEqual([]);
    const onSecond = await graphql(second.baseUrl, NEW_QUERY);
    expect(onSecond.body.errors).toBeUndefined();
    expect(ordersOf(onSecond.body)![0]).toHaveProperty('poNumber');
  });

  test('a supergraph the gateway cannot enforce is refused: the old one stays served and /admin/supergraph says why', async () => {
    const withPolicy = ordersSdl
      .replace('"@requiresScopes"', '"@requiresScopes", "@policy"')
      .replace(
        /(poNumber: String @tag\(name: "partner"\))/,
        '$1 @policy(policies: [["purchasing"]])',
      );
    expect(withPolicy).not.toBe(ordersSdl);
    const refusedVersion = await changeOrders('publish', {
      sdl: withPolicy,
      message: 'orders: a policy the gateway cannot evaluate',
    });
    const refusedOn = async (gateway: { baseUrl: string }) =>
      (await supergraphStatus(gateway.baseUrl)).refused[0]?.version === refusedVersion;
    expect(
      await until(
        async () => (await refusedOn(first)) && (await refusedOn(second)),
        CONVERGENCE_MS,
      ),
    ).toBe(true);
    const status = await supergraphStatus(first.baseUrl);
    expect(status.serving.version).toBe(published);
    expect(status.refused[0].reason).toContain('Switchyard evaluates no policies');
    expect(status.refused[0].etag).toMatch(new RegExp(`^"${refusedVersion}-`));
    expect((await graphql(first.baseUrl, NEW_QUERY)).body.errors).toBeUndefined();
    const ready = await fetch(`${first.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    // The disk copy stays the last good one.
    expect(
      (await readCachedSupergraph(path.join(temporary, 'first', 'supergraph.graphql')))?.version,
    ).toBe(published);
  });

  test('a rollback restores the previous supergraph on both replicas within 5 s', async () => {
    const rolledBack = await changeOrders('rollback', {
      version: seeded,
      message: 'orders: back to the seed',
    });
    const bothServe = await until(
      async () => (await serves(first, rolledBack)) && (await serves(second, rolledBack)),
      CONVERGENCE_MS,
    );
    expect(bothServe).toBe(true);
    for (const gateway of [first, second]) {
      expect((await graphql(gateway.baseUrl, NEW_QUERY)).body.errors?.[0].extensions.code).toBe(
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect((await graphql(gateway.baseUrl, OLD_QUERY)).body.errors).toBeUndefined();
      expect((await supergraphStatus(gateway.baseUrl)).refused).toEqual([]);
    }
    expect(first.supergraph.current).toBe(
      (await registry.store.supergraph('switchyard', seeded))!.supergraphSdl,
    );
  });
});

describe('a gateway whose registry is down at start', () => {
  let downUrl: string;
  beforeAll(async () => {
    // A port that was free a moment ago: nothing answers there.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    downUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
  });

  test('starts from the disk copy, serves, and follows the registry once it answers again', async () => {
    // A TCP proxy in front of the registry, cut: connections are dropped as if it were down.
    const proxy = await RedisProxy.start(registryUrl);
    proxy.cut();
    const proxyUrl = proxy.url.replace(/^redis:/, 'http:').replace(/\/$/, '');
    try {
      const cacheFile = path.join(temporary, 'down', 'supergraph.graphql');
      const seededVersion = (await registry.store.supergraph('switchyard', 1))!;
      await writeCachedSupergraph(cacheFile, {
        sdl: seededVersion.supergraphSdl,
        version: 1,
        etag: '"1-cached"',
      });
      const gateway = await startFollower('down', { registryUrl: proxyUrl });
      const status = await supergraphStatus(gateway.baseUrl);
      expect(status).toMatchObject({
        serving: { from: 'disk-copy', version: 1, etag: '"1-cached"', file: cacheFile },
        registry: { url: proxyUrl, reachable: false },
      });
      expect(status.registry!.lastError).toContain('did not answer');
      const answer = await graphql(gateway.baseUrl, OLD_QUERY);
      expect(answer.body.errors).toBeUndefined();
      expect(ordersOf(answer.body)!.length).toBeGreaterThan(0);
      expect((await fetch(`${gateway.baseUrl}/readyz`)).status).toBe(200);

      proxy.restore();
      const current = (await registry.store.currentSupergraph('switchyard'))!;
      const following = await until(async () => {
        const { serving, registry: seen } = await supergraphStatus(gateway.baseUrl);
        return (
          serving.from === 'registry' && serving.version === current.version && seen!.reachable
        );
      }, CONVERGENCE_MS);
      expect(following).toBe(true);
      expect(gateway.supergraph.current).toBe(current.supergraphSdl);
    } finally {
      await proxy.close();
    }
  });

  test('without a disk copy refuses to start, saying why', async () => {
    const cacheFile = path.join(temporary, 'nothing', 'supergraph.graphql');
    await expect(
      startFollower('nothing', { registryUrl: downUrl, supergraphCacheFile: cacheFile }),
    ).rejects.toThrow(
      `the registry at ${downUrl} did not answer: ECONNREFUSED; and there is no disk copy of a supergraph at ${cacheFile}`,
    );
  });

  test('the gateway process without a disk copy exits 1 and says why', async () => {
    const cacheFile = path.join(temporary, 'process', 'supergraph.graphql');
    const { PATH, HOME } = process.env;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'gateway/src/main.ts'],
        {
          cwd: path.resolve(__dirname, '..'),
          env: {
            PATH,
            HOME,
            PORT: '1',
            LOG_LEVEL: 'silent',
            REGISTRY_URL: downUrl,
            REGISTRY_TOKEN: 'dev-gateway',
            SUPERGRAPH_CACHE_FILE: cacheFile,
          },
          timeout: 30_000,
        },
        (error, _stdout, stderr) =>
          resolve({ code: error ? ((error.code as number | null) ?? null) : 0, stderr }),
      ),
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      `gateway failed to start: the registry at ${downUrl} did not answer: ECONNREFUSED; and there is no disk copy of a supergraph at ${cacheFile}`,
    );
  });

  test('a credential the registry refuses stops the start, disk copy or not', async () => {
    await expect(startFollower('first', { registryToken: 'not-a-key' })).rejects.toThrow(
      /refused REGISTRY_TOKEN \(401/,
    );
  });
});
