/**
 * The console's Schema page (issue 17, page 3) in headless Chromium, over the seeded graph, the
 * development consumers and a real registry behind the gateway's proxy: per field its usage (as the
 * usage admin API reports it), its scopes from the supergraph; the partner contract's explorer
 * leaves out what the contract does; the GraphiQL playground (loaded only when opened) runs a query
 * with the signed-in key. Screenshot: schema.png (docs/console/ with UPDATE_SCREENSHOTS=1).
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../../gateway/src/governance/governance-config';
import { compositionOnlyCheck } from '../../registry/src/composition-check';
import { startTestRegistry, type TestRegistry } from '../../registry/src/testing/registry-harness';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { as } from '../testing/consumers';
import { governedBy, governedGateway, type GovernedGateway } from '../testing/gateway-replicas';
import { startGraph, type RunningGraph } from '../testing/graph-harness';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '..', '..', 'docs', 'console')
    : mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));
const ADMIN = 'dev-platform-admin';

let registry: TestRegistry;
let graph: RunningGraph;
let gateway: GovernedGateway;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  registry = await startTestRegistry({ runCheck: compositionOnlyCheck });
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  const config = loadGovernanceConfig(
    path.resolve(__dirname, '..', '..', 'gateway', 'governance.dev.yaml'),
  );
  const governed = governedBy(config, createMemoryStore());
  [graph, browser] = await Promise.all([
    startGraph({ seedScale: 0.05, governance: governed.factory, gatewayConfig: { registryUrl } }),
    launchChromium(),
  ]);
  origin = new URL(graph.gatewayUrl).origin;
  gateway = governedGateway(origin, governed.built.governance!);
  for (let i = 0; i < 3; i++) {
    const answer = await gateway.post(
      { query: 'query Credit { customer(id: "CUS-0001") { name creditLimit { amount } } }' },
      as('dev-sales-portal'),
    );
    expect(answer.body.errors).toBeUndefined();
  }
  await gateway.flush();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await graph?.close();
  await registry?.close();
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

test("a field's usage is the usage API's and its scopes the supergraph's; a contract shows only its fields", async () => {
  const usage = await gateway.admin('POST', '/usage/coordinates', ADMIN, {
    coordinates: ['Customer.creditLimit'],
    windows: { default: '7d' },
  });
  const [credit] = usage.body.coordinates;
  expect(credit.consumers).toEqual([
    expect.objectContaining({ consumer: 'dev-sales-portal', requests: 3 }),
  ]);

  const { page, blocked } = await signedIn(ADMIN);
  await page.getByRole('link', { name: 'Schema' }).click();
  await page.getByLabel('Type', { exact: true }).selectOption('Customer');
  const row = page.locator('tr[data-field="Customer.creditLimit"]');
  await row.getByText('3 requests by dev-sales-portal (3)').waitFor();
  await expect(row.textContent()).resolves.toContain('@requiresScopes(scopes: [["credit:read"]])');
  await expect(
    page.locator('tr[data-field="Customer.name"]').getByTestId('field-usage').textContent(),
  ).resolves.toBe('3 requests by dev-sales-portal (3)');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'schema.png'), fullPage: true });

  // The partner contract: the fields its SDL has, and not the others.
  const contract = (await gateway.admin('GET', '/contracts/partner', ADMIN)).body.sdl as string;
  await page.locator('#schema-variant').selectOption('partner');
  await page.getByLabel('Type', { exact: true }).selectOption('Customer');
  await page.locator('table[aria-label="Fields of Customer"]').waitFor();
  const shown = await page
    .locator('table[aria-label="Fields of Customer"] tr[data-field]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown).not.toContain('Customer.creditLimit');
  expect(contract).not.toMatch(/\bcreditLimit\b/);
  for (const field of shown) expect(contract).toContain(`${field!.split('.')[1]}`);
  expect(blocked).toEqual([]);
  await page.context().close();
});

test('the playground loads only when opened and runs a query with the signed-in key', async () => {
  const { page } = await signedIn(ADMIN);
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/console/assets/')) scripts.push(request.url());
  });
  await page.getByRole('link', { name: 'Schema' }).click();
  await page.locator('tr[data-field="Query.orders"]').waitFor();
  expect(scripts.some((url) => url.includes('schema-playground'))).toBe(false);
  // GraphiQL introspects first, with the signed-in key; it runs a query once that answered.
  const introspected = page.waitForResponse(
    (response) =>
      response.url().endsWith('/graphql') &&
      (response.request().postData() ?? '').includes('__schema'),
  );
  await page.getByRole('button', { name: 'Open the playground' }).click();
  await page.locator('.graphiql-container').waitFor();
  expect((await introspected).request().headers()['x-api-key']).toBe(ADMIN);
  expect(scripts.some((url) => url.includes('schema-playground'))).toBe(true);
  const answered = page.waitForResponse(
    (response) =>
      response.url().endsWith('/graphql') &&
      (response.request().postData() ?? '').includes('totalCount'),
  );
  await page.locator('.graphiql-execute-button').click();
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(response.request().headers()['x-api-key']).toBe(ADMIN);
  expect(((await response.json()) as any).data.orders.totalCount).toBeGreaterThan(0);
  await page.locator('.graphiql-response').getByText('totalCount').waitFor();
  await page.context().close();
});
