import Fastify from 'fastify';
import type { GatewayContext } from '../../context';
import type { Consumer } from '../consumer';
import { GovernanceError } from '../errors';
import { GovernanceConfigError, parseGovernanceConfig } from '../governance-config';
import { hashApiKey } from '../identity/api-keys';
import { createCorsModule } from './cors';
import { createCorsPolicy } from './cors-policy';

const SHOP = 'https://shop.example.com';
const PORTAL = 'https://portal.example.com';
const SHARED = 'http://localhost:5173';

const policy = createCorsPolicy(
  { origins: [SHARED], maxAgeSeconds: 600, allowCredentials: false },
  [
    { id: 'web-store', origins: [SHOP] },
    { id: 'partner', origins: [PORTAL] },
    { id: 'back-office', origins: [] },
  ],
);

function configWith(cors: string, consumerCors = ''): string {
  return `version: 1
${cors}
consumers:
  - id: web-store
    name: Web store
    kind: ecommerce
    apiKeys: [{ sha256: ${hashApiKey('web-store')} }]
    tier: gold
${consumerCors}
`;
}

function problemsOf(text: string): string[] {
  try {
    parseGovernanceConfig(text, { source: 'governance.yaml', env: {} });
  } catch (error) {
    if (error instanceof GovernanceConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('the cors settings of the governance config', () => {
  test('origins are stored as browsers send them; a consumer lists its own', () => {
    const config = parseGovernanceConfig(
      configWith(
        'cors: { origins: [HTTPS://Shop.Example.com:443/, "http://localhost:5173"] }',
        '    cors: { origins: ["https://shop.example.com"] }',
      ),
    );
    expect(config.cors).toEqual({
      origins: ['https://shop.example.com', 'http://localhost:5173'],
      maxAgeSeconds: 600,
      allowCredentials: false,
    });
    expect(config.consumers[0].cors).toEqual({ origins: ['https://shop.example.com'] });
    expect(config.explorer).toEqual({ enabled: false });
  });

  test('a path, a wildcard, another scheme or an empty list of a consumer is refused, with its line', () => {
    expect(
      problemsOf(
        configWith(
          'cors:\n  origins: [https://shop.example.com/store, "https://*.example.com", ftp://files.example.com]',
        ),
      ),
    ).toEqual([
      'governance.yaml:3: cors.origins[0] must be an origin such as https://shop.example.com (http or https, host and port, no path and no wildcard), not "https://shop.example.com/store"',
      'governance.yaml:3: cors.origins[1] must be an origin such as https://shop.example.com (http or https, host and port, no path and no wildcard), not "https://*.example.com"',
      'governance.yaml:3: cors.origins[2] must be an origin such as https://shop.example.com (http or https, host and port, no path and no wildcard), not "ftp://files.example.com"',
    ]);
    expect(problemsOf(configWith('', '    cors: { origins: [] }'))).toEqual([
      'governance.yaml:9: consumers[0].cors.origins must have at least 1 item',
    ]);
  });
});

describe('the cors policy', () => {
  test('a consumer may be called from the shared origins and its own, not from another consumer’s', () => {
    expect(policy.allows(SHOP, 'web-store')).toBe(true);
    expect(policy.allows(SHARED, 'web-store')).toBe(true);
    expect(policy.allows(PORTAL, 'web-store')).toBe(false);
    expect(policy.allows(SHOP, 'back-office')).toBe(false);
    expect(policy.allows(SHARED, null)).toBe(true);
    expect(policy.allows(SHOP, null)).toBe(false);
  });

  test('a preflight, which names no consumer, is answered for any origin some consumer lists', () => {
    expect([SHOP, PORTAL, SHARED].map(policy.allowsForSomeConsumer)).toEqual([true, true, true]);
    expect(policy.allowsForSomeConsumer('https://elsewhere.example.com')).toBe(false);
  });

  test('answers name the origin, never *, and carry credentials only when configured', () => {
    expect(policy.responseHeaders(SHOP)['access-control-allow-origin']).toBe(SHOP);
    expect(policy.preflightHeaders(SHOP)).not.toHaveProperty('access-control-allow-credentials');
    const withCredentials = createCorsPolicy(
      { origins: [SHOP], maxAgeSeconds: 60, allowCredentials: true },
      [],
    );
    expect(withCredentials.preflightHeaders(SHOP)).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '60',
    });
  });
});

describe('the cors module', () => {
  const cors = createCorsModule(policy);
  const consumer = (id: string) => ({ id }) as Consumer;
  const requestOf = (headers: Record<string, string>, consumerId: string | null) => ({
    method: 'POST',
    headers,
    body: {},
    context: { consumer: consumerId ? consumer(consumerId) : null } as GatewayContext,
    responseHeaders: {},
  });

  test("refuses a request from an origin that is not the consumer's, 403 CORS_ORIGIN_NOT_ALLOWED", () => {
    let refusal: unknown;
    try {
      void cors.onRequest!(requestOf({ origin: PORTAL }, 'web-store'));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GovernanceError);
    expect((refusal as GovernanceError).status).toBe(403);
    expect((refusal as GovernanceError).toResponseBody()).toEqual({
      errors: [
        {
          message: `Consumer "web-store" may not be called from origin ${PORTAL}`,
          extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED', origin: PORTAL },
        },
      ],
    });
  });

  test('passes its own origin, no origin, and the gateway’s own origin (by Sec-Fetch-Site or Host)', () => {
    expect(() => cors.onRequest!(requestOf({ origin: SHOP }, 'web-store'))).not.toThrow();
    expect(() => cors.onRequest!(requestOf({}, 'back-office'))).not.toThrow();
    expect(() =>
      cors.onRequest!(
        requestOf(
          { origin: 'https://gw.example.com', 'sec-fetch-site': 'same-origin' },
          'back-office',
        ),
      ),
    ).not.toThrow();
    expect(() =>
      cors.onRequest!(
        requestOf({ origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' }, 'back-office'),
      ),
    ).not.toThrow();
    expect(() =>
      cors.onRequest!(
        requestOf({ origin: 'http://127.0.0.1:4001', host: '127.0.0.1:4000' }, 'back-office'),
      ),
    ).toThrow(GovernanceError);
  });

  test('answers a preflight 204 for a listed origin, 403 for another, and a plain OPTIONS with Allow', async () => {
    const app = Fastify();
    cors.register(app);
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/graphql',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight(PORTAL);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(allowed.headers.vary).toBe('Origin');
    const refused = await preflight('https://elsewhere.example.com');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.json().errors[0].extensions.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
    const plain = await app.inject({ method: 'OPTIONS', url: '/graphql' });
    expect(plain.statusCode).toBe(204);
    expect(plain.headers.allow).toBe('GET, POST, OPTIONS');
    await app.close();
  });
});
