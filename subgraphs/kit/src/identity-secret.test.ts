import { DEVELOPMENT_IDENTITY_SECRET } from './identity-header';
import { IdentitySecretError, identitySecretFrom } from './identity-secret';

const STRONG = 'k'.repeat(32);

describe('identitySecretFrom', () => {
  test('outside production an unset or empty secret is the development one; a set one is used', () => {
    expect(identitySecretFrom({})).toBe(DEVELOPMENT_IDENTITY_SECRET);
    expect(identitySecretFrom({ SWITCHYARD_IDENTITY_SECRET: '' })).toBe(
      DEVELOPMENT_IDENTITY_SECRET,
    );
    expect(identitySecretFrom({ NODE_ENV: 'test', SWITCHYARD_IDENTITY_SECRET: 'short' })).toBe(
      'short',
    );
  });

  test('in production a secret of 32 characters or more is used', () => {
    expect(identitySecretFrom({ NODE_ENV: 'production', SWITCHYARD_IDENTITY_SECRET: STRONG })).toBe(
      STRONG,
    );
  });

  test.each([
    ['unset', undefined, 'SWITCHYARD_IDENTITY_SECRET is not set'],
    ['empty', '', 'SWITCHYARD_IDENTITY_SECRET is not set'],
    ['the development secret', DEVELOPMENT_IDENTITY_SECRET, 'is the development secret'],
    ['31 characters', 'k'.repeat(31), 'holds 31 characters'],
  ])('in production a secret that is %s is refused', (_what, secret, message) => {
    const env = { NODE_ENV: 'production', SWITCHYARD_IDENTITY_SECRET: secret };
    expect(() => identitySecretFrom(env)).toThrow(IdentitySecretError);
    expect(() => identitySecretFrom(env)).toThrow(message);
  });
});
