/**
 * The console's Changes page (issue 17, page 4) in headless Chromium: a real registry over HTTP
 * (its development consumers: owners, dev-platform-admin with schema:approve) behind the gateway's
 * /console/api/registry proxy. An owner's publish fails a check that needs approval; the admin
 * approves it on the page with a reason; the same publish then goes through with that approval.
 * The history, a diff and the check's findings are cross-checked against the registry's answers.
 * Screenshot: changes.png (docs/console/ with UPDATE_SCREENSHOTS=1).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { parse } from 'yaml';
import {
  parseGovernanceConfig,
  type GovernanceConfig,
} from '../../gateway/src/governance/governance-config';
import { hashApiKey } from '../../gateway/src/governance/identity/api-keys';
import type { RunCheck } from '../../registry/src/checks/check-report';
import { compositionOnlyCheck } from '../../registry/src/composition-check';
import {
  startTestRegistry,
  withField,
  type TestRegistry,
} from '../../registry/src/testing/registry-harness';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { governedBy } from '../testing/gateway-replicas';
import { startGraph, type RunningGraph } from '../testing/graph-harness';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '..', '..', 'docs', 'console')
    : mkdtempSync(path.join(tmpdir(), 'switchyard-console-'));
const ADMIN = 'dev-platform-admin';
const OWNER = 'dev-orders-owner';

/** Fails (approvably) a candidate carrying `# needs-approval`, fingerprinted by its SDL. */
const approvalNeeded: RunCheck = async (input) => {
  const base = await compositionOnlyCheck(input);
  if (!base.ok || !input.candidate.sdl.includes('# needs-approval')) return base;
  return {
    ...base,
    ok: false,
    approvalRequired: true,
    failures: ['a change the review board must accept (this test marks it so)'],
    fingerprint: createHash('sha256').update(input.candidate.sdl).digest('hex'),
  };
};

/**
 * The development governance config plus the orders team (the registry's dev-orders-owner, with
 * schema:publish:orders there) as a gateway consumer holding governance:admin: the one console
 * user who is offered Roll back (the dev admin holds no registry publish scope).
 */
function devConfigWithOrdersOwner(): GovernanceConfig {
  const file = parse(
    readFileSync(path.resolve(__dirname, '..', '..', 'gateway', 'governance.dev.yaml'), 'utf8'),
  ) as { consumers: unknown[] };
  file.consumers.push({
    id: OWNER,
    name: 'The orders team',
    kind: 'internal',
    tier: 'gold',
    apiKeys: [{ sha256: hashApiKey(OWNER) }],
    scopes: ['governance:admin'],
  });
  return parseGovernanceConfig(JSON.stringify(file), {
    source: 'governance.dev.yaml + orders owner',
  });
}

let registry: TestRegistry;
let registryUrl: string;
let graph: RunningGraph;
let browser: Browser;
let origin: string;

async function atRegistry(method: 'GET' | 'POST', route: string, key: string, body?: unknown) {
  const response = await fetch(`${registryUrl}${route}`, {
    method,
    headers: {
      'x-api-key': key,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

beforeAll(async () => {
  registry = await startTestRegistry({ runCheck: approvalNeeded });
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  const config = devConfigWithOrdersOwner();
  [graph, browser] = await Promise.all([
    startGraph({
      seedScale: 0.05,
      governance: governedBy(config, createMemoryStore()).factory,
      gatewayConfig: { registryUrl },
    }),
    launchChromium(),
  ]);
  origin = new URL(graph.gatewayUrl).origin;
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

test('an approval given on the Changes page lets the waiting publish through', async () => {
  const sdl = `${withField('orders', 'Order', 'giftMessage: String')}\n# needs-approval\n`;
  const refused = await atRegistry('POST', '/subgraphs/orders/publish', OWNER, {
    sdl,
    message: 'gift messages',
  });
  expect(refused.status).toBe(409);
  const checkId = refused.body.errors[0].extensions.checkId as string;

  const { page, blocked } = await signedIn(ADMIN);
  await page.getByRole('link', { name: 'Changes' }).click();
  const row = page.locator(`table[aria-label="Check runs"] tr[data-check="${checkId}"]`);
  await expect(row.getByTestId('result').textContent()).resolves.toBe('failed, needs approval');
  await expect(row.textContent()).resolves.toContain('a change the review board must accept');
  await row.getByRole('button', { name: 'Details' }).click();
  await row.getByTestId('check-details').waitFor({ state: 'attached' });
  await page.getByLabel('Reason for an approval').fill('accepted by the review board');
  await row.getByRole('button', { name: 'Approve' }).click();
  // The status line says what happened (an approval, or the registry's refusal in plain words).
  const status = page.getByRole('status');
  await status.waitFor();
  expect(await status.textContent()).toContain('Approved: approval');
  await page
    .locator(
      `table[aria-label="Check runs"] tr[data-check="${checkId}"][data-result="failed, approved"]`,
    )
    .waitFor();

  // The approval the page gave is the registry's, and the owner's publish goes through with it.
  const listed = await atRegistry('GET', '/checks?subgraph=orders', ADMIN);
  const [approval] = listed.body.checks.find((c: any) => c.check.id === checkId).approvals;
  expect(approval).toMatchObject({ approver: ADMIN, reason: 'accepted by the review board' });
  const published = await atRegistry('POST', '/subgraphs/orders/publish', OWNER, {
    sdl,
    message: 'gift messages',
    approval: approval.id,
  });
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ published: true, version: 2 });

  // History and diff show the publish.
  await page.reload();
  await page.locator('table[aria-label="History"]').getByText('gift messages').waitFor();
  await page.getByRole('button', { name: 'Show diff' }).click();
  await expect(page.getByLabel('API schema diff').textContent()).resolves.toContain(
    '+  giftMessage: String',
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'changes.png'), fullPage: true });
  expect(blocked).toEqual([]);
  await page.context().close();
});

test('an owner rolls its subgraph back on the Changes page, and the history shows the rollback', async () => {
  // Two publishes by the owner (no approval needed): the first is what it rolls back to.
  for (const field of ['rollbackTarget', 'rollbackProbe']) {
    const published = await atRegistry('POST', '/subgraphs/orders/publish', OWNER, {
      sdl: withField('orders', 'Order', `${field}: String`),
      message: field,
    });
    expect(published.status).toBe(201);
  }
  const before = (await atRegistry('GET', '/history?subgraph=orders', ADMIN)).body
    .versions as any[];
  const newest = Math.max(...before.map((v) => v.version as number));
  const target = before.find((v) => v.message === 'rollbackTarget').version as number;

  // The dev admin may approve but not publish: no Roll back for it.
  const admin = await signedIn(ADMIN);
  await admin.page.getByRole('link', { name: 'Changes' }).click();
  await admin.page.locator('table[aria-label="History"]').getByText('rollbackProbe').waitFor();
  await expect(admin.page.getByRole('button', { name: /^Roll back/ }).count()).resolves.toBe(0);
  await admin.page.context().close();

  const { page, blocked } = await signedIn(OWNER);
  await page.getByRole('link', { name: 'Changes' }).click();
  await page
    .getByRole('button', { name: `Roll back orders to version ${target}`, exact: true })
    .click();
  const status = page.getByRole('status');
  await status.waitFor();
  expect(await status.textContent()).toContain(`Rolled orders back to its version ${target}`);
  await page.locator('table[aria-label="History"]').getByText(`rollback to ${target}`).waitFor();

  // The registry holds the rollback: a new orders version by the owner, without the probe field.
  const after = (await atRegistry('GET', '/history?subgraph=orders', ADMIN)).body.versions as any[];
  const rolled = after.find((v) => v.version === newest + 1);
  expect(rolled).toMatchObject({ author: OWNER, message: `rollback to ${target}` });
  const current = await atRegistry('GET', `/subgraphs/orders/versions/${newest + 1}`, ADMIN);
  expect(JSON.stringify(current.body)).not.toContain('rollbackProbe');
  expect(JSON.stringify(current.body)).toContain('rollbackTarget');
  expect(blocked).toEqual([]);
  await page.context().close();
});

test('a caller without governance:admin is not offered the page; opened anyway, it names the missing scope and shows no Approve button', async () => {
  const { page } = await signedIn('dev-sales-portal');
  // The sales portal holds no governance:admin: the page is not offered; opened anyway, it says why.
  await expect(page.getByRole('link', { name: 'Changes' }).count()).resolves.toBe(0);
  await page.goto(`${origin}/console/#/changes`);
  await expect(page.getByRole('alert').first().textContent()).resolves.toContain(
    'governance:admin',
  );
  await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
  await page.context().close();
});
