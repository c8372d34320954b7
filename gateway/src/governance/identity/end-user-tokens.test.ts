import { SignJWT } from 'jose';
import { parseGovernanceConfig } from '../governance-config';
import { type GovernanceError } from '../errors';
import type { Consumer } from '../consumer';
import { createEndUserTokens, END_USER_TOKEN_HEADER } from './end-user-tokens';
import { hashApiKey } from './api-keys';
import { createIdentifier } from './identity';
import { DEVELOPMENT_END_USER_SECRET } from './end-user-tokens-config';

const ISSUER = 'https://shop.test/';
const store: Consumer = Object.freeze({
  id: 'shop',
  name: 'shop',
  kind: 'ecommerce',
  scopes: ['orders:read'],
  tenant: null,
  tier: 'silver',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
});

function configWith(endUserTokens: unknown, env: NodeJS.ProcessEnv = {}) {
  const file = {
    version: 1,
    consumers: [{ id: 'shop', name: 'shop', kind: 'ecommerce', tier: 'silver', endUserTokens }],
  };
  return parseGovernanceConfig(JSON.stringify(file), { source: 'shop.yaml', env });
}

const token = (claims: Record<string, unknown>, secret = DEVELOPMENT_END_USER_SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience('switchyard')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));

describe('endUserTokens in the governance config', () => {
  const base = { issuer: ISSUER, audience: 'switchyard' };

  test('the development secret serves outside production and is refused in production', () => {
    expect(
      configWith({ ...base, developmentSecret: true }).consumers[0].endUserTokens,
    ).toMatchObject({ secret: DEVELOPMENT_END_USER_SECRET, customerClaim: 'customer_id' });
    expect(() =>
      configWith({ ...base, developmentSecret: true }, { NODE_ENV: 'production' }),
    ).toThrow(/consumers\[0\]\.endUserTokens\.developmentSecret is the public development secret/);
  });

  test('a secret variable holding the development secret is refused in production; an unset or short one anywhere', () => {
    const named = { ...base, secretEnv: 'SHOP_SECRET' };
    expect(() =>
      configWith(named, { NODE_ENV: 'production', SHOP_SECRET: DEVELOPMENT_END_USER_SECRET }),
    ).toThrow(/holds the public development secret/);
    expect(() => configWith(named)).toThrow(/names SHOP_SECRET, which is not set/);
    expect(() => configWith(named, { SHOP_SECRET: 'short' })).toThrow(/fewer than 32 bytes/);
  });

  test('needs exactly one source of keys', () => {
    expect(() => configWith(base)).toThrow(
      /needs exactly one of jwksUrl, secretEnv or developmentSecret/,
    );
    expect(() =>
      configWith({ ...base, developmentSecret: true, jwksUrl: 'https://shop.test/jwks.json' }),
    ).toThrow(/needs exactly one of/);
  });
});

describe('signing an end user in', () => {
  const tokens = createEndUserTokens([
    {
      consumer: store,
      endUserTokens: configWith({ issuer: ISSUER, audience: 'switchyard', developmentSecret: true })
        .consumers[0].endUserTokens,
    },
  ]);

  test('narrows the consumer to the token customer, its subject the principal; the same claims give the same object', async () => {
    const buyer = await tokens.signIn(store, await token({ sub: 'ann', customer_id: 'CUS-0003' }));
    expect(buyer).toMatchObject({ id: 'shop', principal: 'ann', endUserCustomerId: 'CUS-0003' });
    expect(Object.isFrozen(buyer)).toBe(true);
    expect(await tokens.signIn(store, await token({ sub: 'ann', customer_id: 'CUS-0003' }))).toBe(
      buyer,
    );
  });

  test('a customer outside the consumer tenant is FORBIDDEN (403)', async () => {
    const distributor = { ...store, tenant: { customerIds: ['CUS-0001'], carrierIds: [] } };
    const scoped = createEndUserTokens([
      {
        consumer: distributor,
        endUserTokens: configWith({
          issuer: ISSUER,
          audience: 'switchyard',
          developmentSecret: true,
        }).consumers[0].endUserTokens,
      },
    ]);
    const refusal = await scoped
      .signIn(distributor, await token({ customer_id: 'CUS-0003' }))
      .catch((error: GovernanceError) => error);
    expect(refusal).toMatchObject({ status: 403, extensions: { code: 'FORBIDDEN' } });
  });

  test('a consumer without endUserTokens is told it accepts none', async () => {
    const other = { ...store, id: 'other' };
    await expect(
      tokens.signIn(other, await token({ customer_id: 'CUS-0003' })),
    ).rejects.toMatchObject({
      status: 400,
      extensions: { code: 'END_USER_TOKEN_NOT_ACCEPTED' },
    });
  });
});

describe('through the identifier, beside the consumer credential', () => {
  const identifier = () =>
    createIdentifier({
      consumers: [
        {
          consumer: store,
          apiKeySha256: [hashApiKey('shop-key')],
          endUserTokens: configWith({
            issuer: ISSUER,
            audience: 'switchyard',
            developmentSecret: true,
          }).consumers[0].endUserTokens,
        },
      ],
    });

  test('an API key and an end-user token: the consumer narrowed to the buyer', async () => {
    const consumer = await identifier().identify({
      'x-api-key': 'shop-key',
      [END_USER_TOKEN_HEADER]: await token({ sub: 'bo', customer_id: 'CUS-0007' }),
    });
    expect(consumer).toMatchObject({ id: 'shop', principal: 'bo', endUserCustomerId: 'CUS-0007' });
  });

  test('the consumer credential is checked first: an unknown key is UNAUTHENTICATED whatever the end-user token', async () => {
    await expect(
      identifier().identify({
        'x-api-key': 'stolen',
        [END_USER_TOKEN_HEADER]: await token({ customer_id: 'CUS-0007' }),
      }),
    ).rejects.toMatchObject({ status: 401, extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('two end-user tokens are refused rather than chosen between (BAD_REQUEST)', async () => {
    const one = await token({ customer_id: 'CUS-0007' });
    await expect(
      Promise.resolve().then(() =>
        identifier().identify({ 'x-api-key': 'shop-key', [END_USER_TOKEN_HEADER]: [one, one] }),
      ),
    ).rejects.toMatchObject({ status: 400, extensions: { code: 'BAD_REQUEST' } });
  });
});
