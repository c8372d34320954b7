/**
 * Issue 15's acceptance: a deprecation from announcement to removal, over the real `switchyard` CLI
 * (runSwitchyard), a real registry over HTTP (its check pipeline and lifecycle reading the gateway's
 * admin API) and a real governed gateway following it (supergraph and deprecations feed), in front
 * of the six real subgraphs; one clock the test sets drives the registry, its checks and the
 * gateway (usage is dated by it too). Consumers' webhook receivers are real local HTTP servers.
 *
 * The registry starts with orders' SDL without the @deprecated on Order.shipToAddressId, so the
 * owner's day begins as it would: deprecate in the subgraph, publish, then give the sunset.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createGateway,
  createMemoryStore,
  defaultGatewayConfig,
  type GatewayRuntime,
  type RunningGateway,
  type SupergraphSource,
} from '@switchyard/gateway';
import { subgraphSdl } from '@switchyard/kit';
import { createGovernance, type Governance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import type { SupergraphStatus } from '../gateway/src/supergraph/supergraph-origin';
import {
  createCheckRunner,
  createGatewayAdminSource,
  type GovernanceSources,
  type RunCheck,
} from '../registry/src/checks';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';
import { verifySignature } from '../registry/src/notifications/webhook-signature';
import { startTestRegistry, type TestRegistry } from '../registry/src/testing/registry-harness';
import { as } from './testing/consumers';
import { governedGateway, until, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, subgraphSources, type RunningGraph } from './testing/graph-harness';

const ADMIN = 'dev-platform-admin';
const OWNER = 'dev-orders-owner';
const ACME = 'dev-acme-distributor';
const WEB_STORE = 'dev-web-store';
const COORDINATE = 'Order.shipToAddressId';
const LINK = 'https://developer.example.com/changes/ship-to';
const ACME_SECRET = 'acme-webhook-secret-0123456789abcdef';
const STORE_SECRET = 'store-webhook-secret-0123456789abcdef';

const at = (iso: string) => Date.parse(iso);
/** The one clock of the registry, its checks and the gateway. */
let now = at('2027-01-04T09:00:00Z');

const DEPRECATED = / @deprecated\(reason: "Use shipTo \{ addressId \}[^"]*"\)/;
const FIELD = /\n\s*"""\n\s*The id of the ship-to address[^"]*"""\n\s*shipToAddressId: ID[^\n]*\n/;
/** `sdl` with `pattern` matched exactly once replaced by `by` (a fixture that stops matching fails loudly). */
function replaced(sdl: string, pattern: RegExp, by: string): string {
  expect(sdl.match(new RegExp(pattern, 'g'))?.length).toBe(1);
  return sdl.replace(pattern, by);
}

const ACME_BODY = 'query AcmeShipTo($id: ID!) { order(id: $id) { id number shipToAddressId } }';
const ACME_OPERATION = {
  id: operationId(ACME_BODY),
  name: 'AcmeShipTo',
  type: 'query',
  body: ACME_BODY,
};

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A consumer's webhook endpoint, a real local HTTP server recording what it receives. */
async function webhookReceiver() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/switchyard`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let graph: RunningGraph;
let registry: TestRegistry;
let registryUrl: string;
let gateway: RunningGateway & GovernedGateway;
let acmeHook: Awaited<ReturnType<typeof webhookReceiver>>;
let storeHook: Awaited<ReturnType<typeof webhookReceiver>>;
let ordersSdl: string;
let acmeOrderId: string;
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-lifecycle-'));

beforeAll(async () => {
  acmeHook = await webhookReceiver();
  storeHook = await webhookReceiver();
  const development = loadGovernanceConfig(
    path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
  );
  // The gateway and the registry read the same config, as in production; two partners have webhooks.
  const governanceConfig = {
    ...development,
    usage: { ...development.usage, flushIntervalMs: 200 },
    consumers: development.consumers.map((consumer) =>
      consumer.id === ACME
        ? { ...consumer, notify: { webhook: { url: acmeHook.url, secret: ACME_SECRET } } }
        : consumer.id === WEB_STORE
          ? { ...consumer, notify: { webhook: { url: storeHook.url, secret: STORE_SECRET } } }
          : consumer,
    ),
  };

  graph = await startGraph({ seedScale: 0.02 });
  ordersSdl = subgraphSdl(graph.subgraphs.orders.definition.schema);
  const sources: { gateway?: GovernanceSources } = {};
  const pipeline: { run?: RunCheck } = {};
  registry = await startTestRegistry({
    seed: false,
    watchPollMs: 200,
    now: () => new Date(now),
    runCheck: (input) => pipeline.run!(input),
    lifecycle: {
      governance: governanceConfig,
      clock: () => now,
      sources: { usage: (query) => sources.gateway!.usage(query) },
    },
  });
  await registry.service.seed(
    subgraphSources(graph, { orders: replaced(ordersSdl, DEPRECATED, '') }),
    'seed',
  );
  registryUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });

  let governance: Governance | undefined;
  const running = await createGateway(
    {
      ...defaultGatewayConfig,
      port: 0,
      logLevel: 'silent',
      registryUrl,
      registryToken: 'dev-gateway',
      supergraphCacheFile: path.join(temporary, 'gateway', 'supergraph.graphql'),
    },
    {
      clock: () => now,
      governance: (supergraph: SupergraphSource, runtime: GatewayRuntime) =>
        (governance = createGovernance(governanceConfig, {
          supergraph,
          store: createMemoryStore(),
          logLevel: 'silent',
          ...runtime,
        })),
    },
  );
  const baseUrl = await running.app.listen({ host: '127.0.0.1', port: 0 });
  gateway = Object.assign(running, governedGateway(baseUrl, governance!));
  sources.gateway = createGatewayAdminSource({
    gatewayUrl: baseUrl,
    credentials: { 'x-api-key': ADMIN },
  });
  pipeline.run = createCheckRunner({
    governance: governanceConfig,
    sources: sources.gateway,
    deprecations: () => registry.lifecycle!.forChecks(),
    now: () => now,
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await registry?.close();
  await graph?.close();
  await acmeHook?.close();
  await storeHook?.close();
  fs.rmSync(temporary, { recursive: true, force: true });
}, 60_000);

/** `switchyard <args>` as `token`, against the registry and the gateway: exit code and output. */
async function switchyard(token: string, ...args: string[]) {
  const lines: string[] = [];
  const code = await runSwitchyard(args, {
    env: {
      SWITCHYARD_REGISTRY_URL: registryUrl,
      SWITCHYARD_TOKEN: token,
      SWITCHYARD_URL: gateway.baseUrl,
      SWITCHYARD_ADMIN_KEY: token,
    },
    print: (line) => lines.push(line),
    printError: (line) => lines.push(line),
  });
  return { code, output: lines.join('\n') };
}

let files = 0;
function file(content: string): string {
  const name = path.join(temporary, `file-${++files}`);
  fs.writeFileSync(name, content);
  return name;
}

/** ACME's registered operation, as its integration sends it. */
async function acmeRuns() {
  const answer = await gateway.post(
    { documentId: ACME_OPERATION.id, variables: { id: acmeOrderId } },
    as(ACME),
  );
  await gateway.flush();
  return answer;
}

async function servedVersion(): Promise<number | null | undefined> {
  const answer = await gateway.admin('GET', '/supergraph', ADMIN);
  return (answer.body as SupergraphStatus).serving.version;
}

/** The gateway takes a changed feed within its long-poll: asks until `check` holds, at most 5 s. */
const within5s = (check: () => Promise<boolean>) => until(check, 5_000);

const removalCheck = () =>
  switchyard(
    OWNER,
    'subgraph',
    'check',
    'orders',
    '--schema',
    file(replaced(ordersSdl, FIELD, '\n')),
  );

describe('a deprecation from announcement to removal', () => {
  test('1. ACME uses Order.shipToAddressId through its registered operation; the web store does not', async () => {
    const orders = await gateway.post(
      { query: '{ orders(first: 100) { edges { node { id customer { id } } } } }' },
      as(ADMIN),
    );
    const edges = orders.body.data.orders.edges as {
      node: { id: string; customer: { id: string } | null };
    }[];
    acmeOrderId =
      edges.find((e) => e.node.customer?.id === 'CUS-0001')?.node.id ?? edges[0].node.id;
    const registered = await switchyard(
      ADMIN,
      'operations',
      'register',
      '--consumer',
      ACME,
      '--manifest',
      file(
        JSON.stringify({
          format: 'apollo-persisted-query-manifest',
          version: 1,
          operations: [ACME_OPERATION],
        }),
      ),
    );
    expect(registered.code).toBe(0);
    const ran = await acmeRuns();
    expect(ran.status).toBe(200);
    expect(ran.headers.get('deprecation')).toBeNull();
    const store = await gateway.post(
      { query: '{ orders(first: 2) { edges { node { id number } } } }' },
      as(WEB_STORE),
    );
    expect(store.status).toBe(200);
    await gateway.flush();
  });

  test('2. the owner deprecates it in orders and publishes; then gives it a sunset, a replacement, a link and a brownout', async () => {
    now = at('2027-01-04T10:00:00Z');
    const published = await switchyard(
      OWNER,
      'subgraph',
      'publish',
      'orders',
      '--schema',
      file(ordersSdl),
      '--message',
      'deprecate Order.shipToAddressId',
    );
    expect(published.output).toMatch(/published orders as graph version 2/);
    expect(await within5s(async () => (await servedVersion()) === 2)).toBe(true);

    const refused = await switchyard(
      OWNER,
      'deprecate',
      'Order.poNumber',
      '--sunset',
      '2027-03-01',
    );
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/^COORDINATE_NOT_DEPRECATED/);

    const deprecated = await switchyard(
      OWNER,
      'deprecate',
      COORDINATE,
      '--sunset',
      '2027-03-01',
      '--replacement',
      'Order.shipTo',
      '--link',
      LINK,
      '--brownout',
      '2027-02-15T14:00:00Z/2027-02-15T15:00:00Z',
    );
    expect(deprecated.code).toBe(0);
    expect(deprecated.output).toMatch(
      /Order\.shipToAddressId: sunset 2027-03-01 \(refused from 00:00 UTC\), use Order\.shipTo/,
    );
    expect(deprecated.output).toMatch(/told \(webhook\): dev-acme-distributor \(deprecated\)/);
  });

  test("3. ACME's webhook receives a valid signed notice; the web store's receives none", async () => {
    expect(await within5s(async () => acmeHook.received.length > 0)).toBe(true);
    const [notice] = acmeHook.received;
    const signature = notice.headers['switchyard-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(ACME_SECRET, signature, notice.body, now)).toBe(true);
    expect(verifySignature(ACME_SECRET, signature, `${notice.body} `, now)).toBe(false);
    expect(JSON.parse(notice.body)).toMatchObject({
      kind: 'deprecated',
      consumer: ACME,
      coordinate: COORDINATE,
      sunset: '2027-03-01',
      replacement: 'Order.shipTo',
      link: LINK,
      yourUse: { operations: ['AcmeShipTo'] },
    });
    await registry.lifecycle!.idle();
    expect(storeHook.received).toHaveLength(0);

    const impact = await switchyard(OWNER, 'consumers', 'impact', COORDINATE);
    expect(impact.output).toMatch(
      /^told: dev-acme-distributor: 1 requests within its 400-day window/m,
    );
    expect(impact.output).toMatch(/not told \(no use in their window\): .*dev-web-store/);
    const listed = await switchyard(OWNER, 'deprecations');
    expect(listed.output).toMatch(/Order\.shipToAddressId {2}ANNOUNCED {2}sunset 2027-03-01/);
    expect(listed.output).toMatch(/dev-acme-distributor +1 +2027-01-04T\S+ +400 days +AcmeShipTo/);
  });

  test("4. ACME's registered operation gets Deprecation, Sunset and Link, and the extension", async () => {
    let answer = await acmeRuns();
    expect(
      await within5s(async () => (answer = await acmeRuns()).headers.get('deprecation') !== null),
    ).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('deprecation')).toBe(`@${at('2027-01-04T10:00:00Z') / 1000}`);
    expect(answer.headers.get('sunset')).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
    expect(answer.headers.get('link')).toBe(`<${LINK}>; rel="deprecation"`);
    expect(
      (answer.body as { extensions?: Record<string, unknown> }).extensions?.deprecations,
    ).toEqual([
      expect.objectContaining({
        coordinate: COORDINATE,
        sunset: '2027-03-01',
        replacement: 'Order.shipTo',
      }),
    ]);
    expect(answer.body.data.order).toHaveProperty('shipToAddressId');
  });

  test('5. in the brownout window it is refused, and ACME is told the brownout started', async () => {
    now = at('2027-02-15T14:10:00Z');
    const answer = await acmeRuns();
    expect(answer.status).toBe(410);
    expect(answer.body.errors![0].extensions).toMatchObject({
      code: 'FIELD_BROWNOUT',
      coordinate: COORDINATE,
    });
    const tick = await fetch(`${registryUrl}/notifications/tick`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN },
    });
    expect(tick.status).toBe(200);
    const kinds = acmeHook.received.map((r) => r.headers['switchyard-event']);
    expect(kinds).toEqual(['deprecated', 'sunset-in-30-days', 'brownout-started']);
    expect(storeHook.received).toHaveLength(0);
    now = at('2027-02-15T15:00:00Z');
    expect((await acmeRuns()).status).toBe(200);
  });

  test('6. after the sunset it is refused with FIELD_SUNSET naming the replacement; a waiver lets ACME through until it ends', async () => {
    now = at('2027-03-02T10:00:00Z');
    const refused = await acmeRuns();
    expect(refused.status).toBe(410);
    expect(refused.body.errors![0].extensions).toMatchObject({
      code: 'FIELD_SUNSET',
      coordinate: COORDINATE,
      sunset: '2027-03-01',
      replacement: 'Order.shipTo',
    });
    expect(refused.body.errors![0].message).toContain('Order.shipTo');

    const waiver = await switchyard(
      ADMIN,
      'waiver',
      'grant',
      COORDINATE,
      '--consumer',
      ACME,
      '--until',
      '2027-03-10',
      '--reason',
      'ACME ships its shipTo release on March 9',
    );
    expect(waiver.code).toBe(0);
    let answer = refused;
    expect(await within5s(async () => (answer = await acmeRuns()).status === 200)).toBe(true);
    expect(answer.body.data.order).toHaveProperty('shipToAddressId');
  });

  test('7. the removal check fails while ACME used it since the sunset (and holds a waiver); it passes once it did not', async () => {
    const failing = await removalCheck();
    expect(failing.code).toBe(1);
    expect(failing.output).toMatch(
      /past its sunset 2027-03-01; used since by dev-acme-distributor/,
    );
    expect(failing.output).toMatch(/waiver in force for dev-acme-distributor/);

    now = at('2027-03-10T00:00:01Z');
    expect((await acmeRuns()).status).toBe(410); // the waiver ended
    const passing = await removalCheck();
    expect(passing.output).toMatch(/no consumer used it since/);
    expect(passing.code).toBe(0);

    const trail = await switchyard(OWNER, 'deprecations', '--history', COORDINATE);
    expect(trail.output).toMatch(/deprecated {2}by dev-orders-owner/);
    expect(trail.output).toMatch(
      /waiver-granted {2}by dev-platform-admin: .*until 2027-03-10T00:00:00\.000Z: ACME ships/,
    );
  });
});
