/**
 * The console's operations pages (issue 17) in headless Chromium, with the development consumers
 * (gateway/governance.dev.yaml) over seeded subgraphs: a poison event made the real way (finance
 * loses a tax rate, then a shipment is confirmed) shows on the Exceptions page with its error and
 * correlation id, and its Replay button, after the fix, empties it from the queue; a key without
 * events:operate gets no Exceptions page and no replay button; Business health and Audit show the
 * graph's and the admin API's figures. Screenshots as in console.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { createMemoryStore } from '@switchyard/gateway';
import { createGovernance } from '../../gateway/src/governance';
import { parseGovernanceConfig } from '../../gateway/src/governance/governance-config';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { eventually, startGraph, type RunningGraph } from '../testing/graph-harness';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '..', '..', 'docs', 'console')
    : mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));
const JWT_SECRET = 'console-test-secret-of-32-bytes-or-more';
const ISSUER = 'https://idp.console.test/';
const DEV_FILE = path.resolve(__dirname, '..', '..', 'gateway', 'governance.dev.yaml');
/** The development consumers, and a shared-secret JWT issuer for the sign-in with a token. */
const governanceConfig = parseGovernanceConfig(
  readFileSync(DEV_FILE, 'utf8').replace(
    '  jwt: []',
    `  jwt:\n    - { issuer: "${ISSUER}", audience: switchyard, secretEnv: CONSOLE_TEST_JWT_SECRET }`,
  ),
  { source: DEV_FILE, env: { CONSOLE_TEST_JWT_SECRET: JWT_SECRET } },
);

let graph: RunningGraph;
let browser: Browser;
let gateway: string;

beforeAll(async () => {
  [graph, browser] = await Promise.all([
    startGraph({
      seedScale: 0.05,
      eventOptions: { relayIntervalMs: 20, retryBackoffMs: 10, maxAttempts: 2 },
      governance: (supergraph) =>
        createGovernance(governanceConfig, {
          supergraph,
          store: createMemoryStore(),
          logLevel: 'silent',
        }),
    }),
    launchChromium(),
  ]);
  gateway = new URL(graph.gatewayUrl).origin;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await graph?.close();
});

/** A development consumer's request (its key is its id); fails the test on any GraphQL error. */
async function ok(
  consumer: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const { body } = await graph.query(query, variables, { 'x-api-key': consumer, ...headers });
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function signedIn(key: string): Promise<Page> {
  const { page } = await isolatedPage(browser, [gateway]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${gateway}/console/`);
  await page.getByLabel('API key or JWT').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

/** An accepted order whose ShipmentConfirmed finance cannot invoice (its region's tax rate is gone). */
async function poisonedShipment(correlationId: string) {
  const { customers } = await ok(
    'dev-sales-portal',
    '{ customers(first: 50, status: ACTIVE) { edges { node { id creditLimit { amount } creditExposure { amount } } } } }',
  );
  const customer = customers.edges
    .map((e: any) => e.node)
    .find((c: any) => Number(c.creditLimit.amount) - Number(c.creditExposure.amount) > 5_000);
  const { products } = await ok(
    'dev-sales-portal',
    '{ products(first: 100, status: ACTIVE) { edges { node { sku totalAvailable listPrice { amount } } } } }',
  );
  const product = products.edges
    .map((e: any) => e.node)
    .find((p: any) => p.totalAvailable >= 5 && Number(p.listPrice.amount) < 200);
  const { placeOrder } = await ok(
    'dev-web-store',
    'mutation Place($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { accepted order { id } } }',
    {
      input: { customerId: customer.id, lines: [{ sku: product.sku, quantity: 1 }] },
      key: randomUUID(),
    },
  );
  expect(placeOrder.accepted).toBe(true);
  const orderId = placeOrder.order.id as string;
  const finance = () => graph.subgraphs.finance.database.db;
  const ledger = (await eventually(async () =>
    finance()
      .selectFrom('order_ledger' as never)
      .selectAll()
      .where('order_id' as never, '=', orderId as never)
      .executeTakeFirstOrThrow(),
  )) as { ship_to_region: string };
  const region = ledger.ship_to_region;
  const { rate_bps: rateBps } = (await finance()
    .selectFrom('tax_rates' as never)
    .selectAll()
    .where('region' as never, '=', region as never)
    .executeTakeFirstOrThrow()) as { rate_bps: number };
  await finance()
    .deleteFrom('tax_rates' as never)
    .where('region' as never, '=', region as never)
    .execute();

  const shipmentId = await eventually(async () => {
    const { order } = await ok(
      'dev-sales-portal',
      'query F($id: ID!) { order(id: $id) { status shipments { id status } } }',
      { id: orderId },
    );
    expect(order.shipments).toEqual([expect.objectContaining({ status: 'PLANNED' })]);
    return order.shipments[0].id as string;
  });
  const milestone =
    'mutation M($id: ID!, $code: MilestoneCode!) { recordMilestone(shipmentId: $id, code: $code, location: "WH") { id status } }';
  await ok('dev-warehouse-ops', milestone, { id: shipmentId, code: 'PICKED' });
  await ok('dev-warehouse-ops', milestone, { id: shipmentId, code: 'PACKED' });
  await ok(
    'dev-warehouse-ops',
    'mutation C($id: ID!, $t: String!) { confirmShipment(shipmentId: $id, trackingNumber: $t) { id } }',
    { id: shipmentId, t: `1Z${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}` },
    { 'x-correlation-id': correlationId },
  );
  const restoreTaxRate = () =>
    ok(
      'dev-finance-ops',
      'mutation T($r: String!, $bps: Int!) { setTaxRate(region: $r, rateBasisPoints: $bps) { region } }',
      { r: region, bps: rateBps },
    );
  return { orderId, region, restoreTaxRate };
}

const OPEN_EXCEPTIONS = `{ financeEventExceptions(status: null, first: 50) { edges { node { id status correlationId } } } }`;

describe('the console for operations', () => {
  let orderId: string;

  test('Exceptions lists a real poison event with its error and correlation id, and Replay after the fix resolves it', async () => {
    const correlationId = `console-poison-${randomUUID()}`;
    const poisoned = await poisonedShipment(correlationId);
    orderId = poisoned.orderId;
    const exceptionId = await eventually(async () => {
      const { financeEventExceptions } = await ok('dev-platform-admin', OPEN_EXCEPTIONS);
      const found = financeEventExceptions.edges
        .map((e: any) => e.node)
        .find((n: any) => n.correlationId === correlationId);
      expect(found).toMatchObject({ status: 'OPEN' });
      return found.id as string;
    }, 20_000);

    const page = await signedIn('dev-platform-admin');
    await page.getByRole('link', { name: 'Exceptions' }).click();
    const row = page.locator(`tr[data-exception="${exceptionId}"]`);
    await expect(row.textContent()).resolves.toContain(correlationId);
    await expect(row.textContent()).resolves.toContain(poisoned.region);
    await expect(row.textContent()).resolves.toContain('finance.invoice-shipment');
    await shoot(page, 'exceptions');

    await poisoned.restoreTaxRate();
    await row.getByRole('button', { name: 'Replay' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('REPLAYED');
    await row.waitFor({ state: 'detached' });
    const { financeEventExceptions } = await ok('dev-platform-admin', OPEN_EXCEPTIONS);
    expect(
      financeEventExceptions.edges.map((e: any) => e.node).find((n: any) => n.id === exceptionId),
    ).toMatchObject({ status: 'REPLAYED' });
    await page.context().close();
  }, 60_000);

  test('a key without events:operate has no Exceptions page and no replay button', async () => {
    const page = await signedIn('dev-sales-portal');
    await page.getByRole('link', { name: 'Business health' }).waitFor();
    await expect(page.getByRole('link', { name: 'Exceptions' }).count()).resolves.toBe(0);
    await page.goto(`${gateway}/console/#/exceptions`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'needs the events:operate scope',
    );
    await expect(page.getByRole('button', { name: 'Replay' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  test('Business health shows the graph’s businessHealth figures and the stage SLAs', async () => {
    const to = new Date();
    const { businessHealth } = await ok(
      'dev-platform-admin',
      'query H($from: DateTime!, $to: DateTime!) { businessHealth(from: $from, to: $to) { ordersPlaced ordersHeld unappliedCash { amount } } }',
      { from: new Date(to.getTime() - 30 * 86_400_000).toISOString(), to: to.toISOString() },
    );
    expect(businessHealth.ordersPlaced).toBeGreaterThan(0);
    const page = await signedIn('dev-platform-admin');
    await page.getByRole('link', { name: 'Business health' }).click();
    await expect(page.getByTestId('orders-placed').textContent()).resolves.toBe(
      businessHealth.ordersPlaced.toLocaleString('en-US'),
    );
    await expect(page.getByTestId('orders-held').textContent()).resolves.toBe(
      businessHealth.ordersHeld.toLocaleString('en-US'),
    );
    await page.locator('table[aria-label="Stage SLAs"] tr[data-stage="order-capture"]').waitFor();
    await shoot(page, 'business-health');

    // A chosen day (today, UTC): the figures of businessHealth for [that day, the next).
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
    const { businessHealth: today } = await ok(
      'dev-platform-admin',
      'query H($from: DateTime!, $to: DateTime!) { businessHealth(from: $from, to: $to) { ordersPlaced } }',
      { from: `${day}T00:00:00.000Z`, to: next },
    );
    await page.getByLabel('From (UTC)').fill(day);
    await page.getByLabel('To (UTC, inclusive)').fill(day);
    await page.getByRole('button', { name: 'Show these dates' }).click();
    await page.getByText(`${day} 00:00:00 UTC`).waitFor();
    await expect(page.getByTestId('orders-placed').textContent()).resolves.toBe(
      today.ordersPlaced.toLocaleString('en-US'),
    );
    await page.context().close();

    // Without finance:read the money figures are not asked for.
    const warehouse = await signedIn('dev-warehouse-ops');
    await warehouse.getByRole('link', { name: 'Business health' }).click();
    await warehouse.getByTestId('orders-placed').waitFor();
    await expect(warehouse.getByTestId('unapplied-cash').count()).resolves.toBe(0);
    await expect(
      warehouse.getByText('Money figures need the finance:read scope').count(),
    ).resolves.toBe(1);
    await warehouse.context().close();
  });

  test('a JWT signs in as its consumer with the token’s scopes only: the pages follow them', async () => {
    const token = await new SignJWT({
      client_id: 'dev-platform-admin',
      scope: 'governance:admin',
      sub: 'dana@example.com',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience('switchyard')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const page = await signedIn(token);
    await expect(page.locator('.caller').textContent()).resolves.toContain('dev-platform-admin');
    await page.getByRole('link', { name: 'Audit' }).waitFor();
    // dev-platform-admin holds events:operate, but this token was granted governance:admin only.
    await expect(page.getByRole('link', { name: 'Exceptions' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  test('Audit finds the order’s records by its id, as GET /admin/audit does', async () => {
    const response = await fetch(`${gateway}/admin/audit?key=${orderId}&limit=100`, {
      headers: { 'x-api-key': 'dev-platform-admin' },
    });
    const { records } = (await response.json()) as { records: { correlationId: string }[] };
    expect(records.length).toBeGreaterThan(0);
    const page = await signedIn('dev-platform-admin');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel(/Business key/).fill(orderId);
    await page.getByRole('button', { name: 'Search' }).click();
    // The table of this search (the latest records show until it answers).
    const rows = page.locator(`table[aria-label="Audit records"][data-key="${orderId}"] tbody tr`);
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(records.length);
    await expect(
      page.locator('table[aria-label="Audit records"]').textContent(),
    ).resolves.toContain('placeOrder');
    await shoot(page, 'audit');
    await page.context().close();
  });
});
