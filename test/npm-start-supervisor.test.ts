/**
 * `npm start` as a user runs it (scripts/start.ts, a process of its own, without Redis), in a
 * temporary DATA_DIR on free ports. Its supervisor restarts a process that dies while the others keep
 * serving, and its governance state lives in DATA_DIR/governance.sqlite: a partner's registered
 * operations, usage and audit are still there after the whole `npm start` restarted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { freePorts, NpmStart, type NpmStartPorts } from './testing/npm-start';

const ADMIN = 'dev-platform-admin';
const PARTNER = 'dev-acme-distributor';
const ACCOUNT = 'query DurableAccount($id: ID!) { customer(id: $id) { id name } }';
// Refused by placeOrder (no such SKU), and audited as every mutation is, outcome and all.
const ORDER = `mutation DurableOrder { placeOrder(idempotencyKey: "durable-0001",
  input: { customerId: "CUS-0001", lines: [{ sku: "NO-SUCH-SKU", quantity: 1 }] }) { accepted } }`;

let dataDir: string;
let ports: NpmStartPorts;
let running: NpmStart | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-npm-start-'));
  ports = await freePorts();
  running = await NpmStart.start(dataDir, ports);
}, 120_000);

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = async (origin: string, key: string, body: unknown, route = '/graphql') => {
  const response = await fetch(`${origin}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};
const getAdmin = async (origin: string, route: string) => {
  const response = await fetch(`${origin}/admin${route}`, { headers: { 'x-api-key': ADMIN } });
  return { status: response.status, body: (await response.json()) as any };
};
const runAccount = (origin: string) =>
  post(origin, PARTNER, { documentId: operationId(ACCOUNT), variables: { id: 'CUS-0001' } });
const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
};

test('the subgraphs’ process killed (SIGKILL) is restarted and the gateway is ready again within 30 s; the gateway never stopped', async () => {
  const npm = running!;
  const [subgraphsPid] = npm.pids('subgraphs');
  const [gatewayPid] = npm.pids('gateway');
  expect(subgraphsPid).toBeGreaterThan(0);

  // The gateway's liveness, polled all along: it answers whatever its subgraphs do.
  const health: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      health.push((await fetch(`${npm.gatewayOrigin}/healthz`)).status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const killedAt = Date.now();
  process.kill(subgraphsPid, 'SIGKILL');
  await npm.waitFor(
    /\[subgraphs\] +exited \(signal SIGKILL\) after [\d.]+ s; restart 1 in 0\.5 s/,
    10_000,
  );
  // 200 and every subgraph answering (200 'degraded' would mean some are still away).
  const ready = await until(
    async () => {
      const response = await fetch(`${npm.gatewayOrigin}/readyz`);
      return response.status === 200 && ((await response.json()) as any).status === 'ready';
    },
    30_000 - (Date.now() - killedAt),
  );
  polling = false;
  await poller;

  expect(ready).toBe(true);
  expect(npm.pids('subgraphs')).toEqual([subgraphsPid, expect.any(Number)]);
  expect(npm.pids('subgraphs')[1]).not.toBe(subgraphsPid);
  // Same gateway process throughout: started once, still running, healthy at every poll.
  expect(npm.pids('gateway')).toEqual([gatewayPid]);
  expect(() => process.kill(gatewayPid, 0)).not.toThrow();
  expect(health.length).toBeGreaterThan(0);
  expect(health.every((status) => status === 200)).toBe(true);
}, 60_000);

test('a partner’s registered operation, its usage, its budget and the audit survive a restart of the whole npm start (SQLite under DATA_DIR)', async () => {
  let npm = running!;
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [
      { id: operationId(ACCOUNT), name: 'DurableAccount', type: 'query', body: ACCOUNT },
    ],
  };
  const registered = await post(
    npm.gatewayOrigin,
    ADMIN,
    manifest,
    `/admin/consumers/${PARTNER}/operations`,
  );
  expect(registered.status).toBe(200);
  for (let i = 0; i < 3; i++)
    expect((await runAccount(npm.gatewayOrigin)).body.data).toEqual({
      customer: { id: 'CUS-0001', name: expect.any(String) },
    });
  const order = await post(npm.gatewayOrigin, 'dev-web-store', { query: ORDER });
  expect(order.body.errors?.length).toBeGreaterThan(0);

  // Ctrl-C: every process stops, the gateway (which flushes usage and audit) first.
  expect(await npm.stop()).toBe(0);
  const stopped = npm.output.slice(npm.output.indexOf('stopping...'));
  expect(stopped).not.toMatch(/restart \d+ in/);
  running = undefined;

  npm = running = await NpmStart.start(dataDir, ports);
  expect(npm.output).not.toMatch(/seeded the six databases/);

  // Before the partner runs anything again: what its month's cost budget counted is still counted.
  const budget = await getAdmin(npm.gatewayOrigin, `/consumers/${PARTNER}/budget`);
  const counted = (budget.body.rules as { window: string; measure: string; used: number }[])
    .filter((rule) => rule.window !== '1s')
    .map(({ window, measure, used }) => [window, measure, used > 0]);
  expect(counted.length).toBeGreaterThan(0);
  expect(counted).toEqual(counted.map(([window, measure]) => [window, measure, true]));

  const again = await runAccount(npm.gatewayOrigin);
  expect(again.status).toBe(200);
  expect(again.body.data.customer.id).toBe('CUS-0001');
  const operations = await getAdmin(npm.gatewayOrigin, `/consumers/${PARTNER}/operations`);
  expect(operations.body.operations).toEqual([
    expect.objectContaining({ id: operationId(ACCOUNT), name: 'DurableAccount' }),
  ]);
  const usage = await getAdmin(npm.gatewayOrigin, `/usage/operations?consumer=${PARTNER}`);
  expect(usage.status).toBe(200);
  // The three runs before the restart at least (the one after may be flushed already).
  expect(usage.body.operations).toEqual([
    expect.objectContaining({ operationName: 'DurableAccount', requests: expect.any(Number) }),
  ]);
  expect(usage.body.operations[0].requests).toBeGreaterThanOrEqual(3);
  const audit = await getAdmin(npm.gatewayOrigin, '/audit?limit=50');
  expect(audit.status).toBe(200);
  expect(audit.body.records).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ consumer: 'dev-web-store', operationName: 'DurableOrder' }),
    ]),
  );
}, 120_000);
