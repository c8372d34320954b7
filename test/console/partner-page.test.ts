/**
 * The console's partner page ("My API", issue 17 page 7) in headless Chromium, with the development
 * consumers (gateway/governance.dev.yaml) over the seeded subgraphs: ACME signs in with its own key
 * and sees its own contract, operations, usage and quota only, never FastFreight's; a manifest it
 * submits shows as waiting, does not run, and runs once an admin approves it on the Consumers page.
 * Screenshot: my-api.png (docs/console/ with UPDATE_SCREENSHOTS=1).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../../gateway/src/governance/governance-config';
import { operationId } from '../../gateway/src/governance/persisted-operations/operation-manifest';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { as } from '../testing/consumers';
import { governedBy, governedGateway, type GovernedGateway } from '../testing/gateway-replicas';
import { startGraph, type RunningGraph } from '../testing/graph-harness';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '..', '..', 'docs', 'console')
    : mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));
const ADMIN = 'dev-platform-admin';
const ACME = 'dev-acme-distributor';
const FREIGHT = 'dev-fastfreight-3pl';

const entry = (name: string, body: string) => ({
  id: operationId(body),
  name,
  type: 'query',
  body,
});
const manifest = (...operations: ReturnType<typeof entry>[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});
const ACME_ORDERS = 'query AcmeOrders { orders(first: 5) { totalCount } }';
const ACME_INVOICES = 'query AcmeInvoices { invoices(first: 5) { totalCount } }';
const FREIGHT_SHIPMENTS = 'query FreightShipments { shipments(first: 5) { totalCount } }';

let graph: RunningGraph;
let browser: Browser;
let gateway: GovernedGateway;
let origin: string;

const run = (consumer: string, body: string) =>
  gateway.post({ documentId: `sha256:${operationId(body)}` }, as(consumer));

beforeAll(async () => {
  const config = loadGovernanceConfig(
    path.resolve(__dirname, '..', '..', 'gateway', 'governance.dev.yaml'),
  );
  const governed = governedBy(config, createMemoryStore());
  [graph, browser] = await Promise.all([
    startGraph({ seedScale: 0.05, governance: governed.factory }),
    launchChromium(),
  ]);
  origin = new URL(graph.gatewayUrl).origin;
  gateway = governedGateway(origin, governed.built.governance!);
  for (const [consumer, operations] of [
    [ACME, manifest(entry('AcmeOrders', ACME_ORDERS))],
    [FREIGHT, manifest(entry('FreightShipments', FREIGHT_SHIPMENTS))],
  ] as const)
    expect(
      (await gateway.admin('POST', `/consumers/${consumer}/operations`, ADMIN, operations)).status,
    ).toBe(200);
  for (let i = 0; i < 2; i++) expect((await run(ACME, ACME_ORDERS)).body.errors).toBeUndefined();
  expect((await run(FREIGHT, FREIGHT_SHIPMENTS)).body.errors).toBeUndefined();
  await gateway.flush();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await graph?.close();
});

async function signedIn(key: string): Promise<{ page: Page; blocked: string[] }> {
  const { page, blocked } = await isolatedPage(browser, [origin]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${origin}/console/`);
  await page.getByLabel('API key or JWT').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page, blocked };
}

test('ACME sees its own operations, usage and remaining quota, and nothing of another partner', async () => {
  const own = await gateway.admin('GET', '/self/usage', ACME);
  const monthCost = own.body.budget.find((r: any) => r.window === 'month' && r.measure === 'cost');
  expect(monthCost.used).toBeGreaterThan(0);

  const { page, blocked } = await signedIn(ACME);
  // A partner holds no admin scope: its page is the only one offered.
  await expect(page.getByRole('link', { name: 'Consumers' }).count()).resolves.toBe(0);
  await page.getByRole('link', { name: 'My API' }).click();
  const operations = page.locator('table[aria-label="My registered operations"]');
  await operations.locator('tr[data-operation="AcmeOrders"]').waitFor();
  await expect(
    operations.locator('tr[data-operation="AcmeOrders"] [data-testid="validates"]').textContent(),
  ).resolves.toBe('yes');
  await expect(
    page
      .locator('table[aria-label="My usage"] tr[data-operation="AcmeOrders"] td')
      .nth(1)
      .textContent(),
  ).resolves.toBe('2');
  await expect(page.getByTestId('remaining-month-cost').textContent()).resolves.toBe(
    monthCost.remaining.toLocaleString('en-US'),
  );
  // The contract's schema: Query of the partner contract, without fields outside it.
  const query = page.locator('table[aria-label="Fields of Query"]');
  await query.locator('tr[data-field="Query.orders"]').waitFor();
  const text = (await page.locator('main').textContent())!;
  for (const foreign of [FREIGHT, 'FreightShipments']) expect(text).not.toContain(foreign);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'my-api.png'), fullPage: true });
  expect(blocked).toEqual([]);
  await page.context().close();
});

test('a manifest ACME submits waits, does not run, and runs once an admin approves it on the Consumers page', async () => {
  const partner = await signedIn(ACME);
  await partner.page.getByRole('link', { name: 'My API' }).click();
  await partner.page
    .getByLabel('Manifest JSON')
    .fill(JSON.stringify(manifest(entry('AcmeInvoices', ACME_INVOICES))));
  await partner.page.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(partner.page.getByRole('status').textContent()).resolves.toContain(
    'waits for an admin',
  );
  const mine = partner.page.locator('table[aria-label="My manifests"] tr[data-status="pending"]');
  await mine.waitFor();
  await expect(mine.textContent()).resolves.toContain('AcmeInvoices');
  expect((await run(ACME, ACME_INVOICES)).body.errors?.[0].extensions?.code).toBe(
    'PERSISTED_QUERY_NOT_FOUND',
  );

  const admin = await signedIn(ADMIN);
  await admin.page.getByRole('link', { name: 'Consumers' }).click();
  await admin.page
    .locator(`tr[data-consumer="${ACME}"]`)
    .getByRole('button', { name: 'Details' })
    .click();
  const approvals = admin.page.getByTestId('manifest-approvals');
  await approvals.locator('tr[data-status="pending"]').waitFor();
  await approvals.getByLabel('Reason for the decision').fill('reviewed with ACME');
  await approvals.getByRole('button', { name: 'Approve' }).click();
  await approvals.locator('tr[data-status="approved"]').waitFor();
  await admin.page.context().close();

  const ran = await run(ACME, ACME_INVOICES);
  expect(ran.body.errors).toBeUndefined();
  expect(ran.body.data.invoices.totalCount).toBeGreaterThan(0);
  // The partner's page says so too.
  await partner.page.reload();
  await partner.page
    .locator('table[aria-label="My manifests"] tr[data-status="approved"]')
    .waitFor();
  await partner.page
    .locator('table[aria-label="My registered operations"] tr[data-operation="AcmeInvoices"]')
    .waitFor();
  await partner.page.context().close();
});
