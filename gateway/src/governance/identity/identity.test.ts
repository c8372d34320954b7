import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { GatewayContext } from '../../context';
import { hashApiKey } from './api-keys';
import type { Consumer } from '../consumer';
import { GovernanceError } from '../errors';
import type { RegisteredConsumer } from '../governance-config';
import {
  createIdentifier,
  createIdentityModule,
  type Identifier,
  type IdentityOptions,
} from './identity';
import type { GovernedRequest } from '../module';

const ISSUER = 'https://idp.test/';
const SECRET_ISSUER = 'https://secret-idp.test/';
const SHARED_SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const AUDIENCE = 'switchyard';

function registered(id: string, fields: Partial<Consumer> = {}): RegisteredConsumer {
  return {
    consumer: {
      id,
      name: id,
      kind: 'internal',
      scopes: [],
      tenant: null,
      tier: 'gold',
      persistedOperations: 'allow',
      contract: null,
      requireClientName: false,
      requireOperationName: false,
      ...fields,
    },
    apiKeySha256: [hashApiKey(`${id}-key`)],
  };
}

const CONSUMERS = [
  registered('sales-portal', { scopes: ['credit:read', 'finance:read', 'orders:read'] }),
  registered('acme', {
    kind: 'distributor',
    tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
    scopes: ['orders:read'],
    tier: 'bronze',
  }),
  registered('guest', { kind: 'portal', scopes: [] }),
  registered('strict-client', { requireClientName: true }),
];

let jwksServer: Server;
let jwksUrl: string;
let jwksRequests = 0;
let signingKey: CryptoKey;
let impostorKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  impostorKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = {
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }],
  };
  jwksServer = createServer((_request, response) => {
    jwksRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

function identifier(overrides: Partial<IdentityOptions> = {}): Identifier {
  return createIdentifier({
    consumers: CONSUMERS,
    jwt: [
      { issuer: ISSUER, audience: AUDIENCE, jwksUrl },
      {
        issuer: SECRET_ISSUER,
        audience: [AUDIENCE, 'other-api'],
        secret: SHARED_SECRET,
        scopesClaim: 'scp',
        consumerClaim: 'azp',
      },
    ],
    ...overrides,
  });
}

/** A token of the JWKS issuer (RS256, kid key-1) unless the claims or options say otherwise. */
async function jwksToken(
  claims: JWTPayload = {},
  options: { key?: CryptoKey; kid?: string; expiresIn?: string | number } = {},
): Promise<string> {
  const jwt = new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice@example.com',
    client_id: 'sales-portal',
    scope: 'credit:read orders:read',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
    .setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  else if (!('exp' in claims)) jwt.setExpirationTime('5m');
  return jwt.sign(options.key ?? signingKey);
}

async function secretToken(
  claims: JWTPayload,
  secret = SHARED_SECRET,
  subject = 'bob@example.com',
): Promise<string> {
  return new SignJWT({ azp: 'sales-portal', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(SECRET_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The refusal `identify` throws, as the client would see it. */
async function refusal(promise: Promise<unknown>): Promise<{
  status: number;
  code: unknown;
  reason: unknown;
  message: string;
  headers: Record<string, string>;
}> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof GovernanceError)) throw error;
    const [body] = error.toResponseBody().errors;
    return {
      status: error.status,
      code: body.extensions.code,
      reason: body.extensions.reason,
      message: body.message,
      headers: error.headers,
    };
  }
  throw new Error('the request was accepted');
}

describe('API keys', () => {
  test('a registered key identifies its consumer, without a principal', async () => {
    const consumer = await identifier().identify({ 'x-api-key': 'acme-key' });
    expect(consumer).toMatchObject({
      id: 'acme',
      kind: 'distributor',
      tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
      scopes: ['orders:read'],
      tier: 'bronze',
    });
    expect(consumer.principal).toBeUndefined();
  });

  test('a key that is not registered is UNAUTHENTICATED (401), and the refusal does not echo it', async () => {
    const refused = await refusal(identifier().identify({ 'x-api-key': 'guessed-key-123' }));
    expect(refused).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      reason: 'unregistered-key',
      message: 'The x-api-key is not registered',
    });
    expect(JSON.stringify(refused)).not.toContain('guessed-key-123');
  });

  test('the consumer a request gets cannot be changed by a later module', async () => {
    const consumer = await identifier().identify({ 'x-api-key': 'sales-portal-key' });
    expect(() => (consumer.scopes as string[]).push('governance:admin')).toThrow();
    expect((await identifier().identify({ 'x-api-key': 'sales-portal-key' })).scopes).not.toContain(
      'governance:admin',
    );
  });
});

describe('no credentials', () => {
  test('are refused with UNAUTHENTICATED (401) and a Bearer challenge', async () => {
    expect(await refusal(identifier().identify({}))).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      reason: 'missing-credentials',
      message: 'No credentials: send an x-api-key header or an Authorization bearer token',
      headers: { 'www-authenticate': 'Bearer realm="switchyard"' },
    });
  });

  test('are served as the anonymous consumer when the config names one, except where anonymous callers are not allowed', async () => {
    const withGuest = identifier({ anonymousConsumer: 'guest' });
    expect(await withGuest.identify({})).toMatchObject({ id: 'guest', kind: 'portal' });
    expect(await refusal(withGuest.identify({}, { allowAnonymous: false }))).toMatchObject({
      status: 401,
      reason: 'missing-credentials',
    });
    expect((await withGuest.identify({ 'x-api-key': 'acme-key' })).id).toBe('acme');
  });

  test('an anonymous consumer that is not declared is a configuration error', () => {
    expect(() => identifier({ anonymousConsumer: 'nobody' })).toThrow(
      'the anonymous consumer "nobody" is not a declared consumer',
    );
  });
});

test('a key and a token together are refused as ambiguous (BAD_REQUEST, 400)', async () => {
  const refused = await refusal(
    identifier().identify({ 'x-api-key': 'acme-key', ...bearer(await jwksToken()) }),
  );
  expect(refused).toMatchObject({
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'ambiguous-credentials',
  });
});

test('an Authorization header that is not a bearer token is refused', async () => {
  expect(
    await refusal(identifier().identify({ authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' })),
  ).toMatchObject({
    status: 401,
    reason: 'malformed-authorization',
    message: 'The Authorization header must be "Bearer <token>"',
  });
});

describe('JWT verified against the issuer JWKS', () => {
  test('identifies the consumer its claim names, with the token subject as principal', async () => {
    const consumer = await identifier().identify(bearer(await jwksToken()));
    expect(consumer).toMatchObject({
      id: 'sales-portal',
      kind: 'internal',
      tier: 'gold',
      principal: 'alice@example.com',
    });
  });

  test('grants only the scopes both the token and the consumer hold', async () => {
    const token = await jwksToken({
      scope: 'orders:read governance:admin credit:read catalog:cost:read',
    });
    expect((await identifier().identify(bearer(token))).scopes).toEqual([
      'credit:read',
      'orders:read',
    ]);
    expect(
      (await identifier().identify(bearer(await jwksToken({ scope: undefined })))).scopes,
    ).toEqual([]);
  });

  test('fetches the key set once and reuses it', async () => {
    const id = identifier();
    const before = jwksRequests;
    for (let i = 0; i < 3; i += 1) await id.identify(bearer(await jwksToken()));
    expect(jwksRequests - before).toBe(1);
  });

  test('an expired token is refused with when it expired, and the token is not echoed', async () => {
    const exp = Math.floor(Date.now() / 1000) - 3600;
    const token = await jwksToken({ exp });
    const refused = await refusal(identifier().identify(bearer(token)));
    expect(refused).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      reason: 'expired',
      message: `The bearer token expired at ${new Date(exp * 1000).toISOString()}`,
      headers: { 'www-authenticate': 'Bearer realm="switchyard", error="invalid_token"' },
    });
    expect(JSON.stringify(refused)).not.toContain(token.split('.')[2]);
  });

  test('a token signed by another key under the issuer kid fails its signature check', async () => {
    const refused = await refusal(
      identifier().identify(bearer(await jwksToken({}, { key: impostorKey }))),
    );
    expect(refused).toMatchObject({
      status: 401,
      reason: 'bad-signature',
      message:
        'The bearer token\'s signature does not verify with the keys of issuer "https://idp.test/"',
    });
  });

  test('a token whose kid is not in the key set is refused', async () => {
    const refused = await refusal(
      identifier().identify(bearer(await jwksToken({}, { key: impostorKey, kid: 'rogue' }))),
    );
    expect(refused).toMatchObject({
      status: 401,
      reason: 'unknown-signing-key',
      message:
        'No signing key of issuer "https://idp.test/" matches the bearer token (kid "rogue")',
    });
  });

  test('a token for another audience is refused, naming the audience it lacks', async () => {
    const refused = await refusal(
      identifier().identify(bearer(await jwksToken({ aud: 'billing-api' }))),
    );
    expect(refused).toMatchObject({
      status: 401,
      reason: 'wrong-audience',
      message: 'The bearer token\'s audience "billing-api" does not include "switchyard"',
    });
  });

  test('a token from an issuer the gateway does not trust is refused', async () => {
    const refused = await refusal(
      identifier().identify(bearer(await jwksToken({ iss: 'https://evil.test/' }))),
    );
    expect(refused).toMatchObject({
      status: 401,
      reason: 'untrusted-issuer',
      message: 'The bearer token\'s issuer "https://evil.test/" is not trusted',
    });
  });

  test('a token not valid yet (nbf) or without an expiry is refused', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 3600;
    expect(
      await refusal(identifier().identify(bearer(await jwksToken({ nbf }, { expiresIn: '2h' })))),
    ).toMatchObject({
      reason: 'not-yet-valid',
      message: `The bearer token is not valid before ${new Date(nbf * 1000).toISOString()}`,
    });
    const neverExpires = await new SignJWT({ client_id: 'sales-portal' })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(signingKey);
    expect(await refusal(identifier().identify(bearer(neverExpires)))).toMatchObject({
      reason: 'no-expiry',
    });
  });

  test('a token naming no consumer, or one that is not registered, is refused', async () => {
    expect(
      await refusal(identifier().identify(bearer(await jwksToken({ client_id: undefined })))),
    ).toMatchObject({
      reason: 'unknown-consumer',
      message: 'The bearer token has no "client_id" claim naming its consumer',
    });
    expect(
      await refusal(identifier().identify(bearer(await jwksToken({ client_id: 'stranger' })))),
    ).toMatchObject({
      reason: 'unknown-consumer',
      message: 'The bearer token names consumer "stranger", which is not registered',
    });
  });

  test('an HS256 token made with the public key as secret is refused (no algorithm confusion)', async () => {
    const token = await new SignJWT({ client_id: 'sales-portal' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(await fetch(jwksUrl).then((r) => r.json()))));
    expect(await refusal(identifier().identify(bearer(token)))).toMatchObject({
      status: 401,
      reason: 'algorithm-not-allowed',
    });
  });

  test('a string that is not a JWT is refused as malformed', async () => {
    expect(await refusal(identifier().identify(bearer('not.a-jwt')))).toMatchObject({
      status: 401,
      reason: 'malformed-token',
      message: 'The bearer token is not a well-formed JWT',
    });
  });

  test('an issuer whose key set cannot be fetched answers 503, not a refusal of the caller', async () => {
    const down = createIdentifier({
      consumers: CONSUMERS,
      jwt: [{ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:9/jwks.json' }],
    });
    expect(await refusal(down.identify(bearer(await jwksToken())))).toMatchObject({
      status: 503,
      code: 'IDENTITY_PROVIDER_UNAVAILABLE',
      reason: 'keys-unavailable',
    });
  });
});

describe('JWT verified with a shared secret (HS256)', () => {
  test('identifies the consumer of the configured claim, with scopes from a list claim', async () => {
    const consumer = await identifier().identify(
      bearer(await secretToken({ scp: ['finance:read', 'finance:write'] })),
    );
    expect(consumer).toMatchObject({
      id: 'sales-portal',
      principal: 'bob@example.com',
      scopes: ['finance:read'],
    });
  });

  test('tokens carrying the same consumer, scopes and subject give the same consumer object; another subject or scope set another', async () => {
    const id = identifier();
    const first = await id.identify(bearer(await secretToken({ scp: ['finance:read'] })));
    const again = await id.identify(
      bearer(await secretToken({ scp: ['finance:read'], jti: 'another-token' })),
    );
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const otherSubject = await id.identify(
      bearer(await secretToken({ scp: ['finance:read'] }, SHARED_SECRET, 'carol@example.com')),
    );
    expect(otherSubject).not.toBe(first);
    expect(otherSubject).toMatchObject({
      id: 'sales-portal',
      principal: 'carol@example.com',
      scopes: ['finance:read'],
    });
    const fewerScopes = await id.identify(bearer(await secretToken({ scp: [] })));
    expect(fewerScopes).toMatchObject({ principal: 'bob@example.com', scopes: [] });
    expect(fewerScopes).not.toBe(first);
  });

  test('a token signed with another secret is refused', async () => {
    const refused = await refusal(
      identifier().identify(bearer(await secretToken({}, 'another-secret-of-at-least-32-bytes'))),
    );
    expect(refused).toMatchObject({ status: 401, reason: 'bad-signature' });
  });

  test('an RS256 token from the secret issuer is refused', async () => {
    const token = await new SignJWT({ azp: 'sales-portal' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(SECRET_ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(signingKey);
    expect(await refusal(identifier().identify(bearer(token)))).toMatchObject({
      reason: 'algorithm-not-allowed',
    });
  });

  test('a scope claim that is neither a string nor a list of strings is refused', async () => {
    expect(
      await refusal(identifier().identify(bearer(await secretToken({ scp: 42 })))),
    ).toMatchObject({ reason: 'invalid-claim' });
  });
});

describe('the identity module', () => {
  function governed(
    headers: Record<string, string>,
    client: string | null = null,
  ): GovernedRequest {
    const context: GatewayContext = {
      correlationId: 'c',
      startedAt: 0,
      consumer: null,
      client: { name: client, version: null },
      governance: {},
    };
    return {
      method: 'POST',
      headers,
      body: { query: '{ __typename }' },
      context,
      responseHeaders: {},
    };
  }

  test('sets the request consumer before any GraphQL work', async () => {
    const request = governed({ 'x-api-key': 'acme-key' });
    await createIdentityModule({ consumers: CONSUMERS }).onRequest!(request);
    expect(request.context.consumer?.id).toBe('acme');
  });

  test('refuses a consumer that must name its client when the client name header is missing', async () => {
    const module = createIdentityModule({ consumers: CONSUMERS });
    // onRequest refuses synchronously when it can (an API key): the server's governance loop catches either.
    expect(
      await refusal(
        (async () => module.onRequest!(governed({ 'x-api-key': 'strict-client-key' })))(),
      ),
    ).toMatchObject({ status: 400, code: 'CLIENT_NAME_REQUIRED' });
    const named = governed({ 'x-api-key': 'strict-client-key' }, 'web-app');
    await module.onRequest!(named);
    expect(named.context.consumer?.id).toBe('strict-client');
  });
});
