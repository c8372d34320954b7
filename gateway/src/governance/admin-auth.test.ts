import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { createAdminAuth } from './admin-auth';
import { hashApiKey } from './identity/api-keys';
import type { Consumer } from './consumer';
import type { RegisteredConsumer } from './governance-config';
import { createIdentifier } from './identity/identity';

const SECRET = 'admin-test-shared-secret-32-bytes-long';
const ISSUER = 'https://idp.test/';

function registered(id: string, scopes: string[]): RegisteredConsumer {
  const consumer: Consumer = {
    id,
    name: id,
    kind: 'internal',
    scopes,
    tenant: null,
    tier: 'gold',
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  };
  return { consumer, apiKeySha256: [hashApiKey(id)] };
}

let app: FastifyInstance;
beforeAll(async () => {
  const identifier = createIdentifier({
    consumers: [
      registered('platform-admin', ['governance:admin', 'orders:read']),
      registered('sales-portal', ['orders:read']),
    ],
    anonymousConsumer: 'sales-portal',
    jwt: [{ issuer: ISSUER, audience: 'switchyard', secret: SECRET }],
  });
  app = Fastify();
  await app.register(
    async (admin) => {
      admin.addHook('preHandler', createAdminAuth(identifier));
      admin.get('/whoami', async (request) => ({
        consumer: request.adminConsumer?.id,
        principal: request.adminConsumer?.principal ?? null,
      }));
    },
    { prefix: '/admin' },
  );
});
afterAll(() => app.close());

const get = (headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/admin/whoami', headers });

function token(clientId: string, scope: string): Promise<string> {
  return new SignJWT({ client_id: clientId, scope, sub: 'carol@example.com' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience('switchyard')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

test('lets a consumer holding governance:admin through by API key, and tells the route who it is', async () => {
  const response = await get({ 'x-api-key': 'platform-admin' });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ consumer: 'platform-admin', principal: null });
});

test('lets an admin through by a bearer token that grants governance:admin', async () => {
  const response = await get({
    authorization: `Bearer ${await token('platform-admin', 'governance:admin')}`,
  });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ consumer: 'platform-admin', principal: 'carol@example.com' });
});

test('refuses a consumer without governance:admin with FORBIDDEN (403)', async () => {
  const response = await get({ 'x-api-key': 'sales-portal' });
  expect(response.statusCode).toBe(403);
  expect(response.json().errors[0]).toEqual({
    message:
      'Consumer "sales-portal" does not hold the governance:admin scope the admin API requires',
    extensions: { code: 'FORBIDDEN', consumer: 'sales-portal', requiredScope: 'governance:admin' },
  });
});

test('refuses an admin token that does not grant governance:admin, though the consumer holds it', async () => {
  const response = await get({
    authorization: `Bearer ${await token('platform-admin', 'orders:read')}`,
  });
  expect(response.statusCode).toBe(403);
  expect(response.json().errors[0].extensions.code).toBe('FORBIDDEN');
});

test('refuses a request without credentials with UNAUTHENTICATED (401), even when GraphQL has an anonymous consumer', async () => {
  const response = await get();
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer realm="switchyard"');
  expect(response.json().errors[0].extensions).toEqual({
    code: 'UNAUTHENTICATED',
    reason: 'missing-credentials',
  });
});

test('refuses a key that is not registered with UNAUTHENTICATED (401)', async () => {
  const response = await get({ 'x-api-key': 'platform-admin-guess' });
  expect(response.statusCode).toBe(401);
  expect(response.json().errors[0].extensions.reason).toBe('unregistered-key');
});
