/**
 * Degrade, don't fail (issue 16): finance runs as its own process (`node --import tsx` on its
 * main.ts, as `npm start` runs a subgraph with Redis), the other five in this process, the real
 * gateway over HTTP in front. The README's order-to-cash query is sent while finance is whole,
 * frozen (SIGSTOP: connections accepted, nothing answered), killed, and started again: the answer
 * keeps everything the other subgraphs own, finance's fields are null with errors naming finance at
 * each client-facing path, the deadline bounds the wait, the circuit breaker makes a dead finance
 * cost no wait, and the first answer after finance is back (through the half-open probe) is whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  eventually,
  startGraph,
  type GraphResponse,
  type RunningGraph,
} from './testing/graph-harness';

const REPO_ROOT = path.resolve(__dirname, '..');
/** The subgraph deadline this gateway runs with (the default is 3 s; shorter keeps the test short). */
const DEADLINE_MS = 1_000;
// The README query costs finance one request (its entity fetches for customers and for orders go
// as one batch): its one failure opens the circuit, early in a query that goes on for the other
// subgraphs, so the circuit stays open long enough to still be open for the next query.
const CIRCUIT = { failureThreshold: 1, openMs: 1_500, maxOpenMs: 3_000 };

/** The README's "A federated query to paste", answered by all six subgraphs. */
const ORDER_TO_CASH = `query OrderToCash {
  orders(first: 20) {
    edges { node {
      id number status
      customer { id name creditLimit { amount currency } openBalance { amount currency } }
      lines { lineNumber quantity unitPrice { amount currency }
              product { sku name availability { warehouse { code } onHand available } } }
      shipments { id status carrier { name } trackingNumber milestones { code at } }
      invoices { id number status total { amount currency } balance { amount currency } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-degraded-'));
let graph: RunningGraph;
let financeUrl: string;
let finance: ChildProcess | undefined;

/** Starts finance as its own process on the port the gateway routes to, on the seeded database; resolves once it answers. */
async function startFinanceProcess(): Promise<ChildProcess> {
  const port = new URL(financeUrl).port;
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/finance/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: port,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SUBGRAPH_URL_CUSTOMERS: graph.serviceUrls.get('customers')!,
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`finance exited ${child.exitCode}: ${stderr}`);
      const response = await fetch(financeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(response.status).toBeLessThan(500);
    },
    30_000,
    100,
  );
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** The README query, timed from sending to the whole answer read. */
async function orderToCash(): Promise<{ response: GraphResponse; ms: number }> {
  const started = performance.now();
  const response = await graph.query(ORDER_TO_CASH);
  return { response, ms: performance.now() - started };
}

async function readyz(): Promise<{ status: number; body: any }> {
  const response = await fetch(graph.gatewayUrl.replace(/\/graphql$/, '/readyz'));
  return { status: response.status, body: await response.json() };
}

const nodesOf = (response: GraphResponse): any[] =>
  response.body.data.orders.edges.map((edge: { node: unknown }) => edge.node);

/** What the other five subgraphs own is all there, whatever finance does. */
function expectEverythingButFinance(response: GraphResponse) {
  expect(response.status).toBe(200);
  const orders = nodesOf(response);
  expect(orders).toHaveLength(20);
  for (const order of orders) {
    expect(order).toMatchObject({ id: expect.any(String), number: expect.any(String) });
    expect(order.customer).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    expect(order.customer.creditLimit).toMatchObject({ currency: expect.any(String) });
    expect(Array.isArray(order.shipments)).toBe(true);
    for (const line of order.lines) {
      expect(line.product).toMatchObject({ sku: expect.any(String), name: expect.any(String) });
      expect(Array.isArray(line.product.availability)).toBe(true);
    }
  }
  expect(orders.some((order) => order.shipments.length > 0)).toBe(true);
}

/** Finance's fields are null, each with an error naming finance at the path of the field it cost. */
function expectFinanceMissing(response: GraphResponse, code: string, message: RegExp) {
  const orders = nodesOf(response);
  for (const order of orders) {
    expect(order.invoices).toBeNull();
    expect(order.customer.openBalance).toBeNull();
  }
  const errors = response.body.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions).toEqual({ code, serviceName: 'finance' });
    expect(error.message).toMatch(message);
    // Client-facing paths: no plan step, indices as numbers.
    expect(error.path).toBeDefined();
    for (const step of error.path!) {
      expect(step).not.toBe('_entities');
      expect(step).not.toBe('@');
      if (typeof step === 'string') expect(step).not.toMatch(/^[0-9]+$/);
    }
  }
  const paths = errors.map((error) => JSON.stringify(error.path));
  orders.forEach((_order, index) => {
    expect(paths).toContain(JSON.stringify(['orders', 'edges', index, 'node', 'invoices']));
    expect(paths).toContain(
      JSON.stringify(['orders', 'edges', index, 'node', 'customer', 'openBalance']),
    );
  });
}

beforeAll(async () => {
  graph = await startGraph({
    seedScale: 0.02,
    dataDir,
    gatewayConfig: { subgraphTimeoutMs: DEADLINE_MS, circuitBreaker: CIRCUIT },
  });
  financeUrl = graph.serviceUrls.get('finance')!;
  // Finance leaves this process and runs on its own, on the same database and port.
  await graph.stopSubgraph('finance');
  finance = await startFinanceProcess();
}, 60_000);

afterAll(async () => {
  if (finance) await kill(finance);
  await graph?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('with every subgraph up, the order-to-cash query is answered whole', async () => {
  const { response } = await orderToCash();
  expect(response.body.errors).toBeUndefined();
  expectEverythingButFinance(response);
  expect(nodesOf(response).some((order) => order.invoices.length > 0)).toBe(true);
  expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', unreachable: [] } });
});

test('finance frozen, then killed, then back: its fields cost, the rest answered, the breaker fails fast, and the answer is whole again', async () => {
  // Frozen during the query (its first fetches go to orders and customers; finance comes after): the
  // kernel still accepts connections, nothing answers. The deadline bounds the wait.
  const pendingFrozen = orderToCash();
  finance!.kill('SIGSTOP');
  const frozen = await pendingFrozen;
  expectEverythingButFinance(frozen.response);
  expectFinanceMissing(
    frozen.response,
    'SUBGRAPH_TIMEOUT',
    new RegExp(`^Subgraph "finance" did not answer within its deadline of ${DEADLINE_MS} ms$`),
  );
  expect(frozen.ms).toBeLessThan(DEADLINE_MS + 1_000);

  // Its one (batched) fetch failed: the circuit is open and the next request does not wait for finance at all.
  const open = await orderToCash();
  expectEverythingButFinance(open.response);
  expectFinanceMissing(
    open.response,
    'SUBGRAPH_UNAVAILABLE',
    /its circuit is open after 1 consecutive failures/,
  );
  expect(open.ms).toBeLessThan(DEADLINE_MS);

  // /readyz stays 200 while the gateway serves, naming finance as away and its circuit.
  const degraded = await readyz();
  expect(degraded.status).toBe(200);
  expect(degraded.body).toMatchObject({
    status: 'degraded',
    unreachable: ['finance'],
    subgraphs: {
      finance: { reachable: false, circuit: { state: expect.stringMatching(/open/) } },
      orders: { reachable: true, circuit: { state: 'closed', consecutiveFailures: 0 } },
    },
  });

  // Killed during a query whose probe waits on the frozen finance: the probe's connection drops (or,
  // killed before it went, is refused); no deadline is waited.
  await new Promise((resolve) => setTimeout(resolve, CIRCUIT.maxOpenMs));
  const pendingKilled = orderToCash();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await kill(finance!);
  finance = undefined;
  const killed = await pendingKilled;
  expectEverythingButFinance(killed.response);
  expectFinanceMissing(
    killed.response,
    'SUBGRAPH_UNAVAILABLE',
    /^Subgraph "finance" is unavailable: (connection (refused|reset|closed before it answered)|its circuit is open)/,
  );
  expect(killed.ms).toBeLessThan(DEADLINE_MS + 1_000);

  // Dead: refused connections (a probe once the circuit lets one through) or the open circuit, at once.
  await new Promise((resolve) => setTimeout(resolve, CIRCUIT.maxOpenMs));
  const dead = await orderToCash();
  expectEverythingButFinance(dead.response);
  expectFinanceMissing(
    dead.response,
    'SUBGRAPH_UNAVAILABLE',
    /^Subgraph "finance" is unavailable: (connection refused|its circuit is open)/,
  );
  expect(dead.ms).toBeLessThan(DEADLINE_MS);

  // Back: once the half-open probe answers, the next answer is whole.
  finance = await startFinanceProcess();
  const whole = await eventually(
    async () => {
      const { response } = await orderToCash();
      expect(response.body.errors).toBeUndefined();
      return response;
    },
    15_000,
    200,
  );
  expectEverythingButFinance(whole);
  expect(nodesOf(whole).some((order) => order.invoices.length > 0)).toBe(true);
  expect(await readyz()).toMatchObject({
    status: 200,
    body: { status: 'ready', subgraphs: { finance: { circuit: { state: 'closed' } } } },
  });
}, 60_000);
