/**
 * How the gateway serves the console (gateway/src/console/console-routes.ts), over real HTTP: the
 * built files under /console (the page under a 'self'-only CSP, hashed assets cached for good,
 * nothing outside dist/ reachable), 503 naming the build command when dist/ is missing, and the
 * /console/api/registry/* proxy to a real registry, which forwards the caller's key so the
 * registry's own authentication decides.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsoleRoutes } from '../../gateway/src/console/console-routes';
import { startTestRegistry, type TestRegistry } from '../../registry/src/testing/registry-harness';

let registry: TestRegistry;
let registryUrl: string;
let dist: string;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  registry = await startTestRegistry();
  registryUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
  dist = mkdtempSync(path.join(tmpdir(), 'switchyard-console-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(dist, 'secret.txt'), 'not an asset');
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await registry?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** A gateway-like app with only the console's routes, listening on a free port. */
async function serve(options: { dir: string; registryUrl: string | null }): Promise<string> {
  const app = Fastify();
  registerConsoleRoutes(app, options);
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

describe('the console routes', () => {
  test('serve the page under a self-only CSP and hashed assets for a year, and nothing else of the folder', async () => {
    const base = await serve({ dir: dist, registryUrl: null });
    for (const url of [`${base}/console`, `${base}/console/`]) {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<title>console</title>');
    }
    const asset = await fetch(`${base}/console/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
    for (const url of [
      `${base}/console/assets/..%2Fsecret.txt`,
      `${base}/console/assets/missing.js`,
      `${base}/console/secret.txt`,
    ]) {
      const refused = await fetch(url);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain('not an asset');
    }
  });

  test('answer 503 naming the build command when the console is not built', async () => {
    const base = await serve({ dir: path.join(dist, 'nowhere'), registryUrl: null });
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(503);
    const body = (await page.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.errors[0].message).toContain('npm run build --workspace console');
  });

  test('proxy /console/api/registry/* to the registry with the caller’s key, and its refusals as they are', async () => {
    const base = await serve({ dir: dist, registryUrl });
    const key = { 'x-api-key': 'dev-platform-admin' };
    const direct = await fetch(`${registryUrl}/subgraphs`, { headers: key });
    const proxied = await fetch(`${base}/console/api/registry/subgraphs`, { headers: key });
    expect(proxied.status).toBe(200);
    expect(await proxied.json()).toEqual(await direct.json());
    // The query string goes along as sent: a limit out of range is the registry's own 400.
    const badLimit = await fetch(`${base}/console/api/registry/checks?limit=1000`, {
      headers: key,
    });
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(await badLimit.json())).toContain('limit must be a whole number');
    // The path goes along still percent-encoded: an unknown subgraph is the registry's answer.
    const encoded = await fetch(`${base}/console/api/registry/subgraphs/no%2Fsuch`, {
      headers: key,
    });
    const directEncoded = await fetch(`${registryUrl}/subgraphs/no%2Fsuch`, { headers: key });
    expect(encoded.status).toBe(directEncoded.status);
    expect(await encoded.json()).toEqual(await directEncoded.json());
    // No key: the registry refuses, and the caller sees its refusal (nothing is added on the way).
    const anonymous = await fetch(`${base}/console/api/registry/subgraphs`);
    const directAnonymous = await fetch(`${registryUrl}/subgraphs`);
    expect(anonymous.status).toBe(directAnonymous.status);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual(await directAnonymous.json());
  });

  test('answer 503 through the proxy when the gateway has no registry, or it does not answer', async () => {
    const none = await serve({ dir: dist, registryUrl: null });
    const answer = await fetch(`${none}/console/api/registry/subgraphs`);
    expect(answer.status).toBe(503);
    expect(JSON.stringify(await answer.json())).toContain('REGISTRY_URL');
    const away = await serve({ dir: dist, registryUrl: 'http://127.0.0.1:9' });
    const unanswered = await fetch(`${away}/console/api/registry/subgraphs`);
    expect(unanswered.status).toBe(503);
    expect(JSON.stringify(await unanswered.json())).toContain('did not answer');
  });
});
