/**
 * The registry as docker-compose.yml runs it, for real: its own process with NODE_ENV=production,
 * the compose consumers file (JWT-only) and governance file, a minted admin key, seeded from
 * supergraph.yaml. SQLite in a temporary folder stands in for the compose PostgreSQL (the store is
 * the same Kysely code on both); no gateway runs: listing and refusing need none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';

const ROOT = path.resolve(__dirname, '..');
const SECRET = randomBytes(32).toString('hex');

/** A JWT as .env.example's one-liner mints it. */
function mint(clientId: string, scope: string, audience: string): Promise<string> {
  return new SignJWT({ client_id: clientId, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('switchyard-compose')
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let registry: ChildProcess;
let base: string;
let dataDir: string;
let stderr = '';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'registry-production-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const { PATH, HOME } = process.env;
  registry = spawn(process.execPath, ['--import', 'tsx', 'registry/src/main.ts'], {
    cwd: ROOT,
    // docker-compose.yml's registry environment, .env's values filled in.
    env: {
      PATH,
      HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REGISTRY_CONFIG: 'registry/registry.compose.yaml',
      GOVERNANCE_FILE: 'gateway/governance.compose.yaml',
      REGISTRY_GATEWAY_URL: 'http://127.0.0.1:1',
      REGISTRY_GATEWAY_ADMIN_KEY: await mint('platform-admin', 'governance:admin', 'switchyard'),
      REGISTRY_SEED: 'supergraph.yaml',
      SUBGRAPH_URL_ORDERS: 'http://orders:4004/graphql',
      SWITCHYARD_JWT_SECRET: SECRET,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  registry.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    registry.once('exit', (code) => reject(new Error(`registry exited ${code}: ${stderr}`))),
  );
  const started = (async () => {
    for (;;) {
      const ok = await fetch(`${base}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  await Promise.race([started, exited]);
}, 60_000);

afterAll(async () => {
  if (registry.exitCode === null) {
    const exited = new Promise((resolve) => registry.once('exit', resolve));
    registry.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (route: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${route}`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('starts in production and is ready with the seeded version 1', async () => {
  const response = await get('/readyz');
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', version: 1 });
});

test("a schema owner's JWT lists the six seeded subgraphs, and so does the gateway's", async () => {
  for (const token of [
    await mint('orders-owner', 'schema:read schema:publish:orders', 'switchyard-registry'),
    await mint('gateway', 'schema:read', 'switchyard-registry'),
  ]) {
    const response = await get('/subgraphs', bearer(token));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      version: number;
      subgraphs: { subgraph: string; url: string }[];
    };
    expect(body.version).toBe(1);
    // Seeded with the compose routing URL where one is given, supergraph.yaml's otherwise.
    expect(Object.fromEntries(body.subgraphs.map((v) => [v.subgraph, v.url]))).toMatchObject({
      orders: 'http://orders:4004/graphql',
      finance: 'http://127.0.0.1:4006/graphql',
    });
    expect(body.subgraphs.map((version) => version.subgraph).sort()).toEqual([
      'catalog',
      'customers',
      'finance',
      'inventory',
      'orders',
      'shipments',
    ]);
  }
});

test('refuses the development keys, a token minted for the gateway, another secret and no credential', async () => {
  const forged = await new SignJWT({ client_id: 'orders-owner', scope: 'schema:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('switchyard-compose')
    .setAudience('switchyard-registry')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('x'.repeat(64)));
  const refused: Record<string, string>[] = [
    { 'x-api-key': 'dev-orders-owner' },
    bearer(await mint('platform-admin', 'schema:read schema:approve', 'switchyard')),
    bearer(forged),
    {},
  ];
  for (const headers of refused) {
    const response = await get('/subgraphs', headers);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
  }
});

test("an owner of orders may not publish finance, and the gateway's token may not publish", async () => {
  for (const [token, subgraph] of [
    [
      await mint('orders-owner', 'schema:read schema:publish:orders', 'switchyard-registry'),
      'finance',
    ],
    [await mint('gateway', 'schema:read schema:publish:orders', 'switchyard-registry'), 'orders'],
  ]) {
    const response = await fetch(`${base}/subgraphs/${subgraph}/publish`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ sdl: 'type Query { x: Int }', message: 'not mine' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
  }
});
