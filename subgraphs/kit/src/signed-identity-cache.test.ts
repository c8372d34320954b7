import { IDENTITY_LIFETIME_SECONDS, verifyIdentity, type CallerIdentity } from './identity-header';
import { SignedIdentityCache } from './signed-identity-cache';

const SECRET = 'signed-identity-cache-test-secret';
// Now, so the headers also verify (verifyIdentity reads the real clock); half a second in, to cross second boundaries.
const T0 = Math.floor(Date.now() / 1000) * 1000 + 500;

const identity = (id: string): Omit<CallerIdentity, 'exp'> => ({
  id,
  kind: 'service',
  scopes: [],
  tenant: null,
});

/** A cache over plain identities keyed by id, on a clock the test moves, counting what it signs. */
function cacheAt(options: { maxIdentities?: number } = {}) {
  const clock = { now: T0 };
  let signed = 0;
  const cache = new SignedIdentityCache<Omit<CallerIdentity, 'exp'>>({
    secret: SECRET,
    identityOf: (caller) => (signed++, caller),
    keyOf: (caller) => caller.id,
    now: () => clock.now,
    ...options,
  });
  return { cache, clock, signed: () => signed };
}

/** The header's expiry in epoch ms (verifyIdentity accepts it while the current second is not past `exp`). */
function validUntil(header: string): number {
  const { exp } = JSON.parse(Buffer.from(header.split('.')[0], 'base64url').toString('utf8'));
  return (exp + 1) * 1000;
}

describe('SignedIdentityCache', () => {
  test('signs an identity once, and again once half its lifetime has passed', () => {
    const { cache, clock, signed } = cacheAt();
    const half = (IDENTITY_LIFETIME_SECONDS * 1000) / 2;
    const first = cache.headerFor(identity('service:orders'));
    clock.now = T0 + half - 1;
    expect(cache.headerFor(identity('service:orders'))).toBe(first);
    expect(signed()).toBe(1);
    clock.now = T0 + half;
    const second = cache.headerFor(identity('service:orders'));
    expect(second).not.toBe(first);
    expect(signed()).toBe(2);
    expect(validUntil(second) - validUntil(first)).toBe(half);
  });

  test('every header it hands out stays valid for at least half the lifetime', () => {
    const { cache, clock } = cacheAt();
    const half = (IDENTITY_LIFETIME_SECONDS * 1000) / 2;
    for (let step = 0; step <= 4 * IDENTITY_LIFETIME_SECONDS; step++) {
      clock.now = T0 + step * 997;
      const header = cache.headerFor(identity('service:orders'));
      expect(validUntil(header) - clock.now).toBeGreaterThanOrEqual(half);
    }
  });

  test('the lifetime is IDENTITY_LIFETIME_SECONDS (the bound on replaying a captured header)', () => {
    const { cache } = cacheAt();
    const header = cache.headerFor(identity('service:orders'));
    const lifetime = validUntil(header) - T0;
    expect(lifetime).toBeGreaterThan((IDENTITY_LIFETIME_SECONDS - 1) * 1000);
    expect(lifetime).toBeLessThanOrEqual((IDENTITY_LIFETIME_SECONDS + 1) * 1000);
  });

  test('one header per key: callers with one key share it, other keys get their own', () => {
    const { cache, signed } = cacheAt();
    const orders = cache.headerFor(identity('service:orders'));
    expect(cache.headerFor({ ...identity('service:orders') })).toBe(orders);
    const finance = cache.headerFor(identity('service:finance'));
    expect(finance).not.toBe(orders);
    expect(verifyIdentity(finance, SECRET)).toMatchObject({
      ok: true,
      identity: { id: 'service:finance' },
    });
    expect(signed()).toBe(2);
  });

  test('holds at most maxIdentities: the least recently used one is signed again when next needed', () => {
    const { cache, signed } = cacheAt({ maxIdentities: 2 });
    cache.headerFor(identity('a'));
    cache.headerFor(identity('b'));
    cache.headerFor(identity('a'));
    cache.headerFor(identity('c'));
    expect(signed()).toBe(3);
    cache.headerFor(identity('a'));
    expect(signed()).toBe(3);
    cache.headerFor(identity('b'));
    expect(signed()).toBe(4);
  });
});
