/**
 * The console with the keyboard only (issue 17, Quality): sign-in reached by Tab, typed and sent
 * with Enter; every page reached by Tab and Enter on its navigation link; and on each page, every
 * control (button, text field, select, check box, ...) has an accessible name as Chromium itself
 * computes it (its accessibility tree over CDP), so a screen reader never announces a bare "button".
 * Behind the gateway's registry proxy sits a real registry, so the Changes page renders its controls.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../../gateway/src/governance/governance-config';
import { startTestRegistry, type TestRegistry } from '../../registry/src/testing/registry-harness';
import { launchChromium, isolatedPage } from '../browser/chromium';
import { governedBy } from '../testing/gateway-replicas';
import { startGraph, type RunningGraph } from '../testing/graph-harness';

// Every page of the console: governance:admin and events:operate (governance.dev.yaml).
const ADMIN = 'dev-platform-admin';
const PAGE_TITLES = [
  'Overview',
  'Consumers',
  'Schema',
  'Changes',
  'Business health',
  'Exceptions',
  'Audit',
  'My API',
];
/** ARIA roles a user operates; each needs a name. */
const CONTROL_ROLES = new Set([
  'button',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'spinbutton',
  'slider',
  'switch',
  'menuitem',
  'tab',
]);

/** Per page, a button that opens more controls, and what shows they are open. */
const OPENED_BY: Record<string, { button: string; shown: (page: Page) => Locator }> = {
  Consumers: {
    button: 'Details of dev-acme-distributor',
    shown: (page) => page.getByTestId('consumer-details'),
  },
  Schema: {
    button: 'Open the playground',
    shown: (page) => page.locator('.graphiql-container'),
  },
};

let registry: TestRegistry;
let graph: RunningGraph;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  const config = loadGovernanceConfig(
    path.resolve(__dirname, '..', '..', 'gateway', 'governance.dev.yaml'),
  );
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

/** What has the focus: its tag, id, and text or label, to match on and to name in a failure. */
interface Focused {
  tag: string;
  id: string;
  text: string;
  outline: string;
  /** Inside one of GraphiQL's editors (CodeMirror). */
  editor: boolean;
}

// Evaluated in the page (a string: the test workspace compiles without the DOM's types).
const FOCUSED = `(() => {
  const element = document.activeElement;
  return {
    tag: element ? element.tagName.toLowerCase() : '',
    id: element ? element.id : '',
    text: ((element && (element.getAttribute('aria-label') ?? element.textContent)) || '').trim(),
    outline: element ? getComputedStyle(element).outlineStyle : 'none',
    editor: Boolean(element && element.closest('.CodeMirror')),
  };
})()`;

const focused = (page: Page) => page.evaluate<Focused>(FOCUSED);

/** Presses Tab until `matches` holds for the focused element; fails after `limit` presses. */
async function tabTo(page: Page, matches: (f: Focused) => boolean, what: string, limit = 200) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (matches(now)) return now;
    // A keyboard user leaves GraphiQL's editors (query, variables, headers) as its footer says.
    if (now.editor) await page.keyboard.press('Escape');
  }
  throw new Error(`${limit} presses of Tab never reached ${what}`);
}

/** The controls on the page Chromium's accessibility tree gives no name, described for a reader. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{
        ignored: boolean;
        role?: { value: string };
        name?: { value: string };
        backendDOMNodeId?: number;
      }>;
    };
    const unnamed: string[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !CONTROL_ROLES.has(role)) continue;
      if ((node.name?.value ?? '').trim() !== '') continue;
      let html = '?';
      if (node.backendDOMNodeId !== undefined) {
        const { object } = (await cdp.send('DOM.resolveNode', {
          backendNodeId: node.backendDOMNodeId,
        })) as { object: { objectId: string } };
        const { result } = (await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId,
          functionDeclaration: 'function () { return this.outerHTML.slice(0, 160); }',
          returnByValue: true,
        })) as { result: { value: string } };
        html = result.value;
      }
      unnamed.push(`${role}: ${html}`);
    }
    return unnamed;
  } finally {
    await cdp.detach();
  }
}

test('signs in and visits every page with the keyboard alone, and every control has a name', async () => {
  const { page, blocked } = await isolatedPage(browser, [origin]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${origin}/console/`);
  await page.getByLabel('API key or JWT').waitFor();
  expect(await unnamedControls(page)).toEqual([]);
  // The check can fail: a button with neither text nor label is reported (then removed).
  await page.evaluate(
    `document.body.append(Object.assign(document.createElement('button'), { id: 'bare' }))`,
  );
  expect(await unnamedControls(page)).toEqual(['button: <button id="bare"></button>']);
  await page.evaluate(`document.getElementById('bare').remove()`);

  await tabTo(page, (f) => f.id === 'credential', 'the key field');
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();

  const problems: Record<string, string[]> = {};
  for (const title of PAGE_TITLES) {
    // A link seen with the focus on it shows a visible focus ring (styles.css :focus-visible).
    const link = await tabTo(page, (f) => f.tag === 'a' && f.text === title, `the ${title} link`);
    expect(link.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page
      .getByRole('link', { name: title, exact: true })
      .and(page.locator('[aria-current="page"]'))
      .waitFor();
    await page.locator('p.loading').first().waitFor({ state: 'detached' });
    const unnamed = await unnamedControls(page);
    if (unnamed.length > 0) problems[title] = unnamed;
    // What a page opens from a button: its controls too, reached and pressed with the keyboard.
    const opens = OPENED_BY[title];
    if (opens) {
      await tabTo(page, (f) => f.tag === 'button' && f.text === opens.button, opens.button, 200);
      await page.keyboard.press('Enter');
      await opens.shown(page).first().waitFor();
      const inside = await unnamedControls(page);
      if (inside.length > 0) problems[`${title}, ${opens.button}`] = inside;
      if (title === 'Schema') {
        // GraphiQL's editors keep Tab for indentation; Escape gives the focus up, so Tab moves on.
        await page.getByText('press Escape, then Tab, to move on').waitFor();
        await tabTo(page, (f) => f.editor, 'the query editor', 200);
        await page.keyboard.press('Tab');
        expect((await focused(page)).editor).toBe(true);
        // Escape, then Tab, leaves this editor (the next stop may be another editor, left the same way).
        await page.evaluate(
          "document.activeElement.closest('.CodeMirror').dataset.tabbedFrom = 'yes'",
        );
        await page.keyboard.press('Escape');
        await page.keyboard.press('Tab');
        await expect(
          page.evaluate("Boolean(document.activeElement.closest('[data-tabbed-from]'))"),
        ).resolves.toBe(false);
      }
    }
  }
  expect(problems).toEqual({});
  expect(blocked).toEqual([]);
  await page.context().close();
}, 60_000);
