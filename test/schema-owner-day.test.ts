/**
 * Issue 14's acceptance, a schema owner's day: real subgraphs, a real registry over HTTP
 * (registry/src, its full check pipeline reading the gateway's admin API), a real governed gateway
 * following it (REGISTRY_URL), and the `switchyard` CLI as a user runs it (runSwitchyard with
 * SWITCHYARD_REGISTRY_URL / SWITCHYARD_TOKEN; output and exit code captured).
 *
 * The registry starts with orders WITHOUT `Order.poNumber` (which the running orders subgraph
 * resolves), so publishing the real SDL adds a nullable field the gateway serves with data.
 * Usage windows are 10 minutes in 1-minute buckets (the development config's 30 and 400 days
 * cannot be covered by a test), so "unused in every window" is known once the window is recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createGateway,
  createMemoryStore,
  defaultGatewayConfig,
  type GovernanceStore,
  type RunningGateway,
} from '@switchyard/gateway';
import { subgraphSdl } from '@switchyard/kit';
import { createGovernance, type Governance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { usageHashKey } from '../gateway/src/governance/usage/usage-aggregator';
import type { SupergraphStatus } from '../gateway/src/supergraph/supergraph-origin';
import { createCheckRunner, createGatewayAdminSource, type RunCheck } from '../registry/src/checks';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';
import { startTestRegistry, type TestRegistry } from '../registry/src/testing/registry-harness';
import { as } from './testing/consumers';
import { governedGateway, until, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, subgraphSources, type RunningGraph } from './testing/graph-harness';

const ADMIN = 'dev-platform-admin';
const ACME = 'dev-acme-distributor';
/** The issue's bound: a published supergraph is served within 5 s, with no restart. */
const CONVERGENCE_MS = 5_000;
const MINUTE = 60_000;
const WINDOW_MS = 10 * MINUTE;

const development = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
// The gateway and the registry's checks read the same config, as in production.
const governanceConfig = {
  ...development,
  usage: {
    ...development.usage,
    flushIntervalMs: 200,
    bucket: '1m',
    windows: { default: '10m', tiers: { bronze: '10m' } },
  },
};

const PO_NUMBER =
  /\n\s*"""The customer's purchase order number, when they gave one\."""\n\s*poNumber: String @tag\(name: "partner"\)\n/;
const ALLOW_BACKORDER =
  /\n\s*"""Placed to be accepted without stock: availability was not checked\."""\n\s*allowBackorder: Boolean! @tag\(name: "partner"\)\n/;
/** `sdl` with `pattern` matched exactly once replaced by a newline (a fixture that stops matching fails loudly). */
function without(sdl: string, pattern: RegExp): string {
  expect(sdl.match(new RegExp(pattern, 'g'))?.length).toBe(1);
  return sdl.replace(pattern, '\n');
}

const ACME_BODY = 'query AcmeOrder($id: ID) { order(id: $id) { id number status poNumber } }';
const ACME_ORDER = {
  id: operationId(ACME_BODY),
  name: 'AcmeOrder',
  type: 'query',
  body: ACME_BODY,
};
const PO_QUERY = '{ orders(first: 3) { edges { node { id number poNumber } } } }';

let graph: RunningGraph;
let registry: TestRegistry;
let registryUrl: string;
let store: GovernanceStore;
let gateway: RunningGateway & GovernedGateway;
let ordersSdl: string;
let customersSdl: string;
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-owner-day-'));

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.02 });
  store = createMemoryStore();
  ordersSdl = subgraphSdl(graph.subgraphs.orders.definition.schema);
  customersSdl = subgraphSdl(graph.subgraphs.customers.definition.schema);
  // The check pipeline as registry/src/main.ts builds it, reading the gateway started below.
  const pipeline: { run?: RunCheck } = {};
  registry = await startTestRegistry({
    seed: false,
    watchPollMs: 200,
    runCheck: (input) => pipeline.run!(input),
  });
  await registry.service.seed(
    subgraphSources(graph, { orders: without(ordersSdl, PO_NUMBER) }),
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
      governance: (supergraph) =>
        (governance = createGovernance(governanceConfig, {
          supergraph,
          store,
          logLevel: 'silent',
        })),
    },
  );
  const baseUrl = await running.app.listen({ host: '127.0.0.1', port: 0 });
  gateway = Object.assign(running, governedGateway(baseUrl, governance!));
  pipeline.run = createCheckRunner({
    governance: governanceConfig,
    sources: createGatewayAdminSource({ gatewayUrl: baseUrl, credentials: { 'x-api-key': ADMIN } }),
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await registry?.close();
  await graph?.close();
  fs.rmSync(temporary, { recursive: true, force: true });
}, 60_000);

/** `switchyard <args>` as `token`: its exit code and what it printed (stdout, stderr). */
async function switchyard(token: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSwitchyard(args, {
    env: { SWITCHYARD_REGISTRY_URL: registryUrl, SWITCHYARD_TOKEN: token },
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
  });
  return {
    code,
    stdout: out.join('\n'),
    stderr: err.join('\n'),
    output: [...out, ...err].join('\n'),
  };
}

let files = 0;
/** A schema file as an owner would have it in their checkout. */
function schemaFile(sdl: string): string {
  const file = path.join(temporary, `schema-${++files}.graphql`);
  fs.writeFileSync(file, sdl);
  return file;
}

async function servedVersion(): Promise<number | null | undefined> {
  const response = await fetch(`${gateway.baseUrl}/admin/supergraph`, {
    headers: { 'x-api-key': ADMIN },
  });
  return ((await response.json()) as SupergraphStatus).serving.version;
}

const servedWithin5s = (version: number) =>
  until(async () => (await servedVersion()) === version, CONVERGENCE_MS);

async function query(text: string) {
  return gateway.post({ query: text }, as(ADMIN));
}

/** Marks every 1-minute bucket of the last 10 minutes as recorded, as a gateway running that long would have. */
async function usageRecordedForTheWholeWindow(): Promise<void> {
  const now = Date.now();
  const increments = [];
  for (
    let bucket = Math.floor((now - WINDOW_MS - MINUTE) / MINUTE) * MINUTE;
    bucket <= now;
    bucket += MINUTE
  )
    increments.push({ key: usageHashKey(bucket, 'recorded'), field: 'flushes', amount: 1 });
  await store.incrementFields(increments, 86_400);
}

describe("a schema owner's day", () => {
  let withPoNumber: number;
  let withoutPoNumber: string;

  test('1. adding a nullable field to orders passes the check, publishes, and the gateway serves it within 5 s', async () => {
    expect(await servedVersion()).toBe(1);
    expect((await query(PO_QUERY)).body.errors?.[0].extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    const file = schemaFile(ordersSdl);
    const check = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      file,
    );
    expect({ code: check.code, output: check.output }).toEqual({
      code: 0,
      output: expect.stringContaining('PASSED'),
    });
    const publish = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'publish',
      'orders',
      '--schema',
      file,
      '--message',
      'orders: poNumber',
      '--json',
    );
    expect(publish.code).toBe(0);
    withPoNumber = JSON.parse(publish.stdout).version;
    expect(withPoNumber).toBe(2);
    expect(await servedWithin5s(withPoNumber)).toBe(true);
    const served = await query(PO_QUERY);
    expect(served.body.errors).toBeUndefined();
    expect(served.body.data.orders.edges[0].node).toHaveProperty('poNumber');
  });

  test('2. removing a field a registered operation uses fails naming consumer and operation; an approval lets that change, and only it, publish', async () => {
    const registered = await gateway.admin('POST', `/consumers/${ACME}/operations`, ADMIN, {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [ACME_ORDER],
    });
    expect(registered.status).toBe(200);
    const ran = await gateway.post(
      { documentId: ACME_ORDER.id, variables: { id: 'ORD-404' } },
      as(ACME),
    );
    expect(ran.status).toBe(200);
    await gateway.flush();

    withoutPoNumber = without(ordersSdl, PO_NUMBER);
    const file = schemaFile(withoutPoNumber);
    const check = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      file,
    );
    expect(check.code).not.toBe(0);
    expect(check.output).toContain(ACME);
    expect(check.output).toContain('AcmeOrder');
    const report = JSON.parse(
      (
        await switchyard(
          'dev-orders-owner',
          'subgraph',
          'check',
          'orders',
          '--schema',
          file,
          '--json',
        )
      ).stdout,
    ).check;
    expect(report).toMatchObject({ ok: false, approvalRequired: true });
    expect(report.operations.failures).toEqual([
      expect.objectContaining({ consumer: ACME, operationName: 'AcmeOrder' }),
    ]);

    const refused = await switchyard(
      'dev-orders-owner',
      ...['subgraph', 'publish', 'orders', '--schema', file, '--message', 'orders: no poNumber'],
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('CHECK_FAILED');

    // An owner cannot approve; the platform admin can, with a reason.
    const byOwner = await switchyard(
      'dev-orders-owner',
      ...['check', 'approve', report.id, '--reason', 'mine'],
    );
    expect(byOwner.code).not.toBe(0);
    const approve = await switchyard(
      ADMIN,
      ...['check', 'approve', report.id, '--reason', 'ACME moves off poNumber this week', '--json'],
    );
    expect(approve.code).toBe(0);
    const approval = JSON.parse(approve.stdout).approval;
    expect(approval).toMatchObject({
      checkId: report.id,
      approver: ADMIN,
      reason: 'ACME moves off poNumber this week',
    });

    // A different change (poNumber and allowBackorder gone) is not covered by it.
    const other = await switchyard(
      'dev-orders-owner',
      ...['subgraph', 'publish', 'orders', '--approval', approval.id, '--message', 'more'],
      ...['--schema', schemaFile(without(withoutPoNumber, ALLOW_BACKORDER)), '--json'],
    );
    expect(other.code).not.toBe(0);
    expect(JSON.parse(other.stdout).errors[0].extensions.code).toBe('APPROVAL_MISMATCH');

    const publish = await switchyard(
      'dev-orders-owner',
      ...['subgraph', 'publish', 'orders', '--schema', file, '--approval', approval.id],
      ...['--message', 'orders: no poNumber', '--json'],
    );
    expect(publish.code).toBe(0);
    expect(JSON.parse(publish.stdout)).toMatchObject({ published: true, approval: approval.id });
    const history = await switchyard('dev-orders-owner', 'history', 'orders', '--json');
    expect(JSON.parse(history.stdout).versions[0]).toMatchObject({ approvalId: approval.id });
  });

  test('3. removing a field nobody used is unknown with no usage data, and passes with a warning once the windows are recorded', async () => {
    const file = schemaFile(without(withoutPoNumber, ALLOW_BACKORDER));
    const check = (...more: string[]) =>
      switchyard('dev-orders-owner', 'subgraph', 'check', 'orders', '--schema', file, ...more);

    // A fresh store: no usage data at all (every `usage:` hash gone, the recorded marks with them).
    for (const key of await store.keys('usage:')) await store.delete(key);
    const blind = await check();
    expect(blind.code).not.toBe(0);
    expect(blind.output).toContain('unknown is not safe');
    const blindReport = JSON.parse((await check('--json')).stdout).check;
    const impact = blindReport.usage.find((u: any) => u.coordinate === 'Order.allowBackorder');
    expect(impact.consumers).toEqual([]);
    expect(impact.unknown.map((u: any) => u.consumer)).toContain('dev-sales-portal');
    expect(blindReport.usageCoverage.consumers.filter((c: any) => c.complete)).toEqual([]);

    await usageRecordedForTheWholeWindow();
    const known = await check();
    expect({ code: known.code, output: known.output }).toEqual({
      code: 0,
      output: expect.stringContaining(
        'breaking change FIELD_REMOVED at Order.allowBackorder was not used in any consumer',
      ),
    });
    const knownReport = JSON.parse((await check('--json')).stdout).check;
    expect(knownReport).toMatchObject({ ok: true });
    expect(knownReport.warnings).toContainEqual(expect.stringContaining('Order.allowBackorder'));
  });

  test('4. a change that does not compose fails with the composition error', async () => {
    const file = schemaFile(
      withoutPoNumber.replace(
        /type Order\n\s*@key\(fields: "id"\)/,
        'type Order @key(fields: "nope")',
      ),
    );
    const check = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      file,
      '--json',
    );
    expect(check.code).not.toBe(0);
    const report = JSON.parse(check.stdout).check;
    expect(report.composition.ok).toBe(false);
    expect(report.composition.errors[0].message).toContain('nope');
    const plain = await switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      file,
    );
    expect(plain.code).not.toBe(0);
    expect(plain.output).toContain(report.composition.errors[0].message);
    const publish = await switchyard(
      'dev-orders-owner',
      ...['subgraph', 'publish', 'orders', '--schema', file, '--message', 'broken'],
    );
    expect(publish.code).not.toBe(0);
    expect(publish.stderr).toContain('COMPOSITION_FAILED');
  });

  test('5. dev-orders-owner publishing finance is refused (403 FORBIDDEN)', async () => {
    const finance = subgraphSdl(graph.subgraphs.finance.definition.schema);
    const publish = await switchyard(
      'dev-orders-owner',
      ...['subgraph', 'publish', 'finance', '--schema', schemaFile(`${finance}\n`)],
      ...['--message', 'not mine', '--json'],
    );
    expect(publish.code).not.toBe(0);
    expect(JSON.parse(publish.stdout).errors[0].extensions.code).toBe('FORBIDDEN');
    const raw = await fetch(`${registryUrl}/subgraphs/finance/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-orders-owner' },
      body: JSON.stringify({ sdl: finance, message: 'not mine' }),
    });
    expect(raw.status).toBe(403);
  });

  test('6. loosening @requiresScopes on Customer.creditLimit fails the governance rule', async () => {
    const loosened = customersSdl.replace(
      'creditLimit: Money @requiresScopes(scopes: [["credit:read"]])',
      'creditLimit: Money',
    );
    expect(loosened).not.toBe(customersSdl);
    const file = schemaFile(loosened);
    const check = await switchyard(
      'dev-customers-owner',
      'subgraph',
      'check',
      'customers',
      '--schema',
      file,
    );
    expect(check.code).not.toBe(0);
    expect(check.output).toContain('access-loosened');
    const report = JSON.parse(
      (
        await switchyard(
          'dev-customers-owner',
          'subgraph',
          'check',
          'customers',
          '--schema',
          file,
          '--json',
        )
      ).stdout,
    ).check;
    expect(report.rules).toContainEqual(
      expect.objectContaining({ rule: 'access-loosened', coordinate: 'Customer.creditLimit' }),
    );
  });

  test('7. rollback restores the previous supergraph on the gateway within 5 s', async () => {
    const rollback = await switchyard(
      'dev-orders-owner',
      ...[
        'rollback',
        'orders',
        String(withPoNumber),
        '--message',
        'orders: poNumber back',
        '--json',
      ],
    );
    expect(rollback.code).toBe(0);
    const version = JSON.parse(rollback.stdout).version;
    expect(await servedWithin5s(version)).toBe(true);
    expect(gateway.supergraph.current).toBe(
      (await registry.store.supergraph('switchyard', withPoNumber))!.supergraphSdl,
    );
    const served = await query(PO_QUERY);
    expect(served.body.errors).toBeUndefined();
  });
});
