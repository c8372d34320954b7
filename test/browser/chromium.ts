/**
 * Headless Chromium for browser tests: the system's Chromium (Debian's `chromium` package; .ci/run
 * installs it) driven by playwright-core, which downloads no browser of its own. A machine without
 * it fails the test with how to install it: a browser test never skips itself.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** CHROMIUM_PATH, else the first `chromium` (or `chromium-browser`) on PATH, else null. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  for (const directory of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = path.join(directory, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** Starts headless Chromium; throws, naming the install command, when there is none. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  if (!executablePath)
    throw new Error(
      'No Chromium for the browser tests: `apt-get install -y chromium` (what .ci/run does), or set CHROMIUM_PATH',
    );
  return chromium.launch({ executablePath, headless: true });
}

/** A browser context (its own cookies and storage) whose pages reach only `origins`; the rest is aborted and recorded. */
export interface IsolatedContext {
  context: BrowserContext;
  page: Page;
  /** URLs the pages tried to load from any other origin, in order. */
  blocked: string[];
}

/** A fresh context and page whose requests to any origin but `origins` fail, as on a machine with no other network. */
export async function isolatedPage(browser: Browser, origins: string[]): Promise<IsolatedContext> {
  const context = await browser.newContext();
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || origins.includes(new URL(url).origin)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return { context, page: await context.newPage(), blocked };
}
