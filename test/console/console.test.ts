/**
 * The console (issue 17) in headless Chromium against the running graph (seeded subgraphs, the
 * governed gateway serving /console): sign-in, the pages an admin's scopes open, their figures
 * cross-checked against the admin API they read, and what a caller without the admin scope is
 * shown. Screenshots (1280x800) go to docs/console/ with UPDATE_SCREENSHOTS=1, else to a temp dir.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { as, testGovernanceConfig } from '../testing/consumers';
import { governedBy } from '../testing/gateway-replicas';
import { startGraph, type RunningGraph } from '../testing/graph-harness';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '..', '..', 'docs', 'console')
    : mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));

let graph: RunningGraph;
let browser: Browser;
let gateway: string;

beforeAll(async () => {
  const config = testGovernanceConfig(
    {
      rateBudgets: {
        tiers: {
          gold: [
            { window: '1m', requests: 6000 },
            { window: 'month', cost: 2_000_000_000 },
          ],
        },
      },
    },
    [
      {
        id: 'platform-admin',
        scopes: ['governance:admin', 'events:operate', 'finance:read', 'orders:read'],
      },
      { id: 'analyst', scopes: ['governance:admin', 'orders:read'] },
      { id: 'sales-portal', scopes: ['orders:read', 'finance:read'] },
    ],
  );
  [graph, browser] = await Promise.all([
    startGraph({ seedScale: 0.05, governance: governedBy(config, createMemoryStore()).factory }),
    launchChromium(),
  ]);
  gateway = new URL(graph.gatewayUrl).origin;
  // Traffic for the usage figures: two consumers.
  for (let i = 0; i < 3; i++) {
    await graph.query(
      'query RecentOrders { orders(first: 3) { edges { node { number } } } }',
      {},
      as('sales-portal'),
    );
  }
  // Refused before GraphQL (an unknown key): only the gateway's own counts see it, not usage.
  const refused = await graph.query(
    '{ orders(first: 1) { edges { node { id } } } }',
    {},
    as('nobody'),
  );
  expect(refused.status).toBe(401);
  await graph.query(
    'query AdminOrders { orders(first: 1) { edges { node { id } } } }',
    {},
    {
      ...as('platform-admin'),
      'apollographql-client-name': 'ops-dashboard',
      'apollographql-client-version': '2.1.0',
    },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await graph?.close();
});

async function admin<T>(route: string): Promise<T> {
  const response = await fetch(`${gateway}/admin${route}`, { headers: as('platform-admin') });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** A fresh page at the console, signed in with `key`. */
async function signedIn(key: string): Promise<{ page: Page; blocked: string[] }> {
  const { page, blocked } = await isolatedPage(browser, [gateway]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${gateway}/console/`);
  await page.getByLabel('API key or JWT').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page, blocked };
}

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

describe('the console', () => {
  test('is served same-origin from the build, and a wrong key is refused in plain words', async () => {
    const index = await fetch(`${gateway}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const { page, blocked } = await isolatedPage(browser, [gateway]);
    await page.goto(`${gateway}/console/`);
    await page.getByLabel('API key or JWT').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('does not accept');
    await shoot(page, 'sign-in');
    expect(blocked).toEqual([]);
    await page.context().close();
  });

  test('GET /admin/whoami answers any identified consumer its own scopes, and no one anonymous', async () => {
    const mine = await fetch(`${gateway}/admin/whoami`, { headers: as('sales-portal') });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({
      id: 'sales-portal',
      scopes: ['orders:read', 'finance:read'],
    });
    const anonymous = await fetch(`${gateway}/admin/whoami`);
    expect(anonymous.status).toBe(401);
  });

  test('Overview shows the requests and errors usage recorded, per consumer, the refusals before GraphQL, and the slowest operations', async () => {
    const timeline = await admin<{
      consumers: { consumer: string; requests: number[]; errors: number[] }[];
    }>('/usage/timeline?hours=24');
    const total = timeline.consumers.reduce(
      (sum, c) => sum + c.requests.reduce((a, b) => a + b, 0),
      0,
    );
    expect(total).toBeGreaterThanOrEqual(4);
    const { page, blocked } = await signedIn('platform-admin');
    await page.getByRole('link', { name: 'Overview' }).click();
    const requests = page.getByTestId('overview-requests');
    await requests.waitFor();
    // The page's own requests (whoami is not GraphQL) add none: the figure is the admin API's.
    expect(Number((await requests.textContent())!.replace(/,/g, ''))).toBe(total);
    const salesRow = page.locator(
      'table[aria-label="Per consumer"] tr[data-consumer="sales-portal"]',
    );
    await expect(salesRow.locator('td').nth(1).textContent()).resolves.toBe('3');
    await page
      .locator('table[aria-label="Slowest operations"]')
      .getByText('RecentOrders')
      .waitFor();
    await expect(page.locator('.uplot').count()).resolves.toBe(3);
    const { codes } = await admin<{ codes: { code: string; count: number }[] }>('/metrics/errors');
    const unauthenticated = codes.find((c) => c.code === 'UNAUTHENTICATED')!;
    expect(unauthenticated.count).toBeGreaterThanOrEqual(1);
    await expect(
      page
        .locator('table[aria-label="Refusals at this gateway"] tr[data-code="UNAUTHENTICATED"] td')
        .nth(2)
        .textContent(),
    ).resolves.toBe(String(unauthenticated.count));
    await shoot(page, 'overview');
    expect(blocked).toEqual([]);
    await page.context().close();
  });

  test('Consumers lists each consumer with its scopes and row scope, and its budget as the admin API reports it', async () => {
    const budget = await admin<{ rules: { window: string; measure: string; used: number }[] }>(
      '/consumers/sales-portal/budget',
    );
    const monthCost = budget.rules.find((r) => r.window === 'month' && r.measure === 'cost')!;
    expect(monthCost.used).toBeGreaterThan(0);
    const { page } = await signedIn('platform-admin');
    await page.getByRole('link', { name: 'Consumers' }).click();
    const row = page.locator('table[aria-label="Consumers"] tr[data-consumer="sales-portal"]');
    await expect(row.textContent()).resolves.toContain('finance:read');
    await row.getByRole('button', { name: 'Details' }).click();
    const details = page.getByTestId('consumer-details');
    await expect(details.getByTestId('month-cost').textContent()).resolves.toBe(
      `${monthCost.used.toLocaleString('en-US')} of ${(2_000_000_000).toLocaleString('en-US')}`,
    );
    await details.getByText('RecentOrders').waitFor();
    await expect(details.getByTestId('last-seen').textContent()).resolves.toContain(
      'in the hour from',
    );
    await shoot(page, 'consumers');
    await page.context().close();
  });

  test('a caller without governance:admin is shown no admin page, and opening one says which scope is missing', async () => {
    const { page } = await signedIn('sales-portal');
    await expect(page.getByRole('link', { name: 'Overview' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Consumers' }).count()).resolves.toBe(0);
    await page.goto(`${gateway}/console/#/consumers`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'needs the governance:admin scope',
    );
    await page.context().close();
  });
});
