/**
 * Frontends (issue 16): a browser page on another origin calls the governed gateway through CORS,
 * per consumer; the gateway serves its own explorer (GraphiQL from its node_modules) and a front
 * page; a buyer signed in on the storefront (an end-user token) sees its own customer only. Over
 * real HTTP against real subgraphs, and in headless Chromium (test/browser/).
 */
import type { Browser, Locator } from 'playwright-core';
import { createMemoryStore } from '@switchyard/gateway';
import { launchChromium, isolatedPage } from './browser/chromium';
import { servePage, type ServedPage } from './browser/page-server';
import { SignJWT } from 'jose';
import { DEVELOPMENT_END_USER_SECRET } from '../gateway/src/governance/identity/end-user-tokens-config';
import { testGovernanceConfig } from './testing/consumers';
import { governedBy, startReplica } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const ORDERS = '{ orders(first: 2) { edges { node { number } } } }';

let graph: RunningGraph;
/** The gateway's origin, `http://127.0.0.1:<port>`. */
let gateway: string;
let browser: Browser;
/** The storefront's page: its origin is the `storefront` consumer's own. */
let storefront: ServedPage;
/** A page on an origin no consumer lists. */
let stranger: ServedPage;
/** The origin every consumer may be called from (the top-level list); nothing is served there. */
const SHARED_ORIGIN = 'https://explorer.example.com';
const STORE_ISSUER = 'https://login.storefront.test/';

beforeAll(async () => {
  // The pages first: their origins (free ports) go into the governance config.
  storefront = await servePage('<!doctype html><title>Storefront</title>');
  stranger = await servePage('<!doctype html><title>Elsewhere</title>');
  const config = testGovernanceConfig(
    {
      cors: { origins: [SHARED_ORIGIN], maxAgeSeconds: 300 },
      explorer: { enabled: true },
      rateBudgets: { tiers: { gold: [{ window: '1h', requests: 10_000 }] } },
    },
    [
      {
        id: 'storefront',
        scopes: ['orders:read'],
        cors: { origins: [storefront.origin] },
        // Its buyers sign in at its identity provider (HS256 here, the development secret).
        endUserTokens: { issuer: STORE_ISSUER, audience: 'switchyard', developmentSecret: true },
      },
      { id: 'back-office', scopes: ['orders:read'] },
    ],
  );
  const governed = governedBy(config, createMemoryStore());
  [graph, browser] = await Promise.all([
    startGraph({ seedScale: 0.05, governance: governed.factory }),
    launchChromium(),
  ]);
  gateway = new URL(graph.gatewayUrl).origin;
});

afterAll(async () => {
  await browser?.close();
  await graph?.close();
  await storefront?.close();
  await stranger?.close();
});

function preflight(origin: string, requestHeaders = 'content-type, x-api-key') {
  return fetch(`${gateway}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });
}

function post(headers: Record<string, string>, query = ORDERS) {
  return fetch(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

describe('CORS over HTTP', () => {
  test('a preflight from an origin some consumer lists is answered 204 with that origin (never *), the methods, the headers a client sends, max age and Vary: Origin', async () => {
    for (const origin of [storefront.origin, SHARED_ORIGIN]) {
      const response = await preflight(origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
      expect(allowed).toEqual(
        expect.arrayContaining([
          'content-type',
          'authorization',
          'x-api-key',
          'x-correlation-id',
          'apollographql-client-name',
          'apollo-require-preflight',
        ]),
      );
      expect(response.headers.get('access-control-max-age')).toBe('300');
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  test('a preflight from an origin no consumer lists is refused 403 CORS_ORIGIN_NOT_ALLOWED without CORS headers', async () => {
    const response = await preflight(stranger.origin);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const body = await bodyOf(response);
    expect(body.errors[0].extensions).toEqual({
      code: 'CORS_ORIGIN_NOT_ALLOWED',
      origin: stranger.origin,
    });
  });

  test('a consumer called from its own origin gets its data with Access-Control-Allow-Origin and the budget, deprecation and correlation headers exposed', async () => {
    const response = await post({ origin: storefront.origin, 'x-api-key': 'storefront' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(storefront.origin);
    expect(response.headers.get('access-control-expose-headers')!.split(', ')).toEqual(
      expect.arrayContaining([
        'x-correlation-id',
        'RateLimit',
        'RateLimit-Policy',
        'Retry-After',
        'Deprecation',
        'Sunset',
        'Link',
      ]),
    );
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    const body = await bodyOf(response);
    expect(body.errors).toBeUndefined();
    expect(body.data.orders.edges).toHaveLength(2);
  });

  test("another consumer's origin is refused 403 CORS_ORIGIN_NOT_ALLOWED before the operation runs, with no Access-Control-Allow-Origin", async () => {
    const response = await post({ origin: storefront.origin, 'x-api-key': 'back-office' });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const body = await bodyOf(response);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: `Consumer "back-office" may not be called from origin ${storefront.origin}`,
        extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED', origin: storefront.origin },
      },
    ]);
  });

  test('the top-level origins serve every consumer', async () => {
    const response = await post({ origin: SHARED_ORIGIN, 'x-api-key': 'back-office' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHARED_ORIGIN);
  });

  test("identity's refusal of an allowed origin carries Access-Control-Allow-Origin, so the page can read why", async () => {
    const response = await post({ origin: storefront.origin, 'x-api-key': 'no-such-key' });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(storefront.origin);
    expect((await bodyOf(response)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test("requests without Origin (servers, scripts) and from the gateway's own origin are not cross-origin and pass", async () => {
    const withoutOrigin = await post({ 'x-api-key': 'back-office' });
    expect(withoutOrigin.status).toBe(200);
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
    const sameOrigin = await post({ origin: gateway, 'x-api-key': 'back-office' });
    expect(sameOrigin.status).toBe(200);
  });
});

describe('the explorer and the front page over HTTP', () => {
  test('GET /graphql from a browser is the explorer page, whose policy loads nothing from another host; GraphQL GETs are still GraphQL', async () => {
    const page = await fetch(`${gateway}/graphql`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:/);
    const html = await page.text();
    expect(html).toContain('<script src="/explorer/graphiql.js"></script>');
    expect(html).not.toMatch(/(src|href)="https?:/);

    const graphqlGet = await fetch(`${gateway}/graphql?query=${encodeURIComponent(ORDERS)}`, {
      headers: {
        accept: 'application/json',
        'x-api-key': 'back-office',
        // Apollo Server's CSRF prevention: a GET must carry a header no simple request has.
        'apollo-require-preflight': 'true',
      },
    });
    expect(graphqlGet.status).toBe(200);
    expect((await bodyOf(graphqlGet)).data.orders.edges).toHaveLength(2);
  });

  test("the explorer's files come from the gateway's node_modules, gzipped, revalidated by ETag", async () => {
    const graphiql = await fetch(`${gateway}/explorer/graphiql.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(graphiql.status).toBe(200);
    expect(graphiql.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(graphiql.headers.get('content-encoding')).toBe('gzip');
    expect(await graphiql.text()).toContain('GraphiQL');
    const etag = graphiql.headers.get('etag')!;
    const again = await fetch(`${gateway}/explorer/graphiql.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    for (const file of ['react.js', 'react-dom.js', 'graphiql.css', 'explorer.js'])
      expect((await fetch(`${gateway}/explorer/${file}`)).status).toBe(200);
    const unknown = await fetch(`${gateway}/explorer/..%2Fpackage.json`);
    expect(unknown.status).toBe(404);
  });

  test("off by default: a gateway whose config does not enable it serves no explorer, nor Apollo's landing page, and GET / does not link it", async () => {
    // An anonymous consumer, so a browser's GET reaches Apollo Server, which would answer its landing page.
    const config = testGovernanceConfig({ identity: { anonymousConsumer: 'back-office' } }, [
      { id: 'back-office', scopes: ['orders:read'] },
    ]);
    const replica = await startReplica(graph, config, createMemoryStore());
    try {
      const origin = new URL(replica.baseUrl).origin;
      const browserGet = await fetch(`${origin}/graphql`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      expect(browserGet.status).toBe(400);
      expect(browserGet.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await browserGet.text()).not.toContain('<html');
      expect((await fetch(`${origin}/explorer/graphiql.js`)).status).toBe(404);
      const front = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
      expect(await front.text()).not.toContain('href="/graphql"');
      expect(await bodyOf(await fetch(`${origin}/`))).toMatchObject({ explorer: null });
    } finally {
      await replica.close();
    }
  });

  test('GET / links the explorer for a browser and lists the endpoints for a program', async () => {
    const html = await fetch(`${gateway}/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<a href="/graphql">/graphql</a>');
    const json = await fetch(`${gateway}/`);
    expect(await bodyOf(json)).toMatchObject({
      graphql: '/graphql',
      explorer: '/graphql',
      readyz: '/readyz',
    });
  });
});

describe('in headless Chromium', () => {
  /** Runs the query from the page at `pageUrl` with fetch, as a storefront's script would. */
  async function queryFromPage(pageUrl: string, key: string) {
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl);
      return await page.evaluate(
        async ({ gateway, key, query }) => {
          try {
            const response = await fetch(`${gateway}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': key },
              body: JSON.stringify({ query }),
            });
            return {
              status: response.status,
              rateLimit: response.headers.get('RateLimit'),
              correlationId: response.headers.get('x-correlation-id'),
              body: await response.json(),
            };
          } catch (error) {
            return { failed: String(error) };
          }
        },
        { gateway, key, query: ORDERS },
      );
    } finally {
      await page.close();
    }
  }

  test("the storefront's page, on its own origin, runs a query through CORS and reads the exposed headers", async () => {
    const result = await queryFromPage(storefront.url, 'storefront');
    expect(result).toMatchObject({ status: 200, body: { data: { orders: { edges: [{}, {}] } } } });
    expect(result.rateLimit).toMatch(/^"requests-1h";r=\d+;t=\d+$/);
    expect(result.correlationId).toBeTruthy();
  });

  test("a buyer signed in on the storefront's page (its token in x-end-user-token, through CORS) sees customer CUS-0003 and its orders, and nothing of CUS-0002", async () => {
    const token = await new SignJWT({ customer_id: 'CUS-0003' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(STORE_ISSUER)
      .setAudience('switchyard')
      .setSubject('buyer@example.com')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(DEVELOPMENT_END_USER_SECRET));
    const page = await browser.newPage();
    try {
      await page.goto(storefront.url);
      const result = await page.evaluate(
        async ({ gateway, token }) => {
          const response = await fetch(`${gateway}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-api-key': 'storefront',
              'x-end-user-token': token,
            },
            body: JSON.stringify({
              query: `{
                mine: customer(id: "CUS-0003") { id }
                other: customer(id: "CUS-0002") { id }
                orders(first: 100) { totalCount edges { node { customer { id } } } }
              }`,
            }),
          });
          return { status: response.status, body: (await response.json()) as any };
        },
        { gateway, token },
      );
      expect(result.status).toBe(200);
      expect(result.body.data.mine).toEqual({ id: 'CUS-0003' });
      expect(result.body.data.other).toBeNull();
      expect(result.body.errors.map((error: any) => [error.path, error.extensions.code])).toEqual([
        [['other'], 'NOT_FOUND'],
      ]);
      const owners = result.body.data.orders.edges.map((edge: any) => edge.node.customer.id);
      expect(result.body.data.orders.totalCount).toBe(
        graph.dataset!.orders.orders.filter((order) => order.customer_id === 'CUS-0003').length,
      );
      expect(new Set(owners)).toEqual(new Set(['CUS-0003']));
    } finally {
      await page.close();
    }
  });

  test("a page on an origin no consumer lists cannot call the gateway, nor can another consumer's key from the storefront's page", async () => {
    expect(await queryFromPage(stranger.url, 'storefront')).toEqual({
      failed: 'TypeError: Failed to fetch',
    });
    expect(await queryFromPage(storefront.url, 'back-office')).toEqual({
      failed: 'TypeError: Failed to fetch',
    });
  });

  test('the explorer renders with every other host unreachable, and runs a query with the key pasted into it', async () => {
    const { context, page, blocked } = await isolatedPage(browser, [gateway]);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // The key each schema introspection the explorer sends carries (GraphiQL introspects on load and again for a new key).
    const introspectedWith: (string | null)[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.postData()?.includes('IntrospectionQuery'))
        introspectedWith.push(request.headers()['x-api-key'] ?? null);
    });
    try {
      await page.goto(`${gateway}/graphql`);
      await page.locator('.graphiql-container').waitFor();
      const response = page.locator('.graphiql-response');

      // Without a key the gateway refuses; the page shows the refusal.
      await page.locator('.graphiql-execute-button').click();
      await expectText(response, 'UNAUTHENTICATED');

      await page.locator('#credential').fill('storefront');
      await page.locator('#credential').press('Enter');
      await expectText(page.locator('#credential-status'), 'sent as x-api-key');
      await page.locator('.graphiql-execute-button').click();
      await expectText(response, '"number"');
      expect(await response.textContent()).not.toContain('UNAUTHENTICATED');
      expect(introspectedWith[0]).toBeNull();
      expect(introspectedWith).toContain('storefront');

      expect(blocked).toEqual([]);
      // The refusal above is logged by the browser as a failed resource; nothing else may fail (a CSP violation would).
      expect(problems.filter((problem) => !problem.includes('401'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** A JSON answer's body, loosely typed for assertions. */
const bodyOf = (response: Response): Promise<any> => response.json();

async function expectText(locator: Locator, text: string) {
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
}
