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
    const first = cache.headerFor(identity('service:orders'), 'customers');
    clock.now = T0 + half - 1;
    expect(cache.headerFor(identity('service:orders'), 'customers')).toBe(first);
    expect(signed()).toBe(1);
    clock.now = T0 + half;
    const second = cache.headerFor(identity('service:orders'), 'customers');
    expect(second).not.toBe(first);
    expect(signed()).toBe(2);
    expect(validUntil(second) - validUntil(first)).toBe(half);
  });

  test('every header it hands out stays valid for at least half the lifetime', () => {
    const { cache, clock } = cacheAt();
    const half = (IDENTITY_LIFETIME_SECONDS * 1000) / 2;
    for (let step = 0; step <= 4 * IDENTITY_LIFETIME_SECONDS; step++) {
      clock.now = T0 + step * 997;
      const header = cache.headerFor(identity('service:orders'), 'customers');
      expect(validUntil(header) - clock.now).toBeGreaterThanOrEqual(half);
    }
  });

  test('the lifetime is IDENTITY_LIFETIME_SECONDS (the bound on replaying a captured header)', () => {
    const { cache } = cacheAt();
    const header = cache.headerFor(identity('service:orders'), 'customers');
    const lifetime = validUntil(header) - T0;
    expect(lifetime).toBeGreaterThan((IDENTITY_LIFETIME_SECONDS - 1) * 1000);
    expect(lifetime).toBeLessThanOrEqual((IDENTITY_LIFETIME_SECONDS + 1) * 1000);
  });

  test('one header per key: callers with one key share it, other keys get their own', () => {
    const { cache, signed } = cacheAt();
    const orders = cache.headerFor(identity('service:orders'), 'customers');
    expect(cache.headerFor({ ...identity('service:orders') }, 'customers')).toBe(orders);
    const finance = cache.headerFor(identity('service:finance'), 'customers');
    expect(finance).not.toBe(orders);
    expect(verifyIdentity(finance, SECRET, 'customers')).toMatchObject({
      ok: true,
      identity: { id: 'service:finance' },
    });
    expect(signed()).toBe(2);
  });

  test('one header per caller and audience: each names the subgraph it was signed for, good there only', () => {
    const { cache, signed } = cacheAt();
    const forCustomers = cache.headerFor(identity('service:orders'), 'customers');
    const forFinance = cache.headerFor(identity('service:orders'), 'finance');
    expect(forFinance).not.toBe(forCustomers);
    expect(cache.headerFor(identity('service:orders'), 'finance')).toBe(forFinance);
    expect(signed()).toBe(2);
    expect(verifyIdentity(forFinance, SECRET, 'finance')).toMatchObject({
      ok: true,
      identity: { id: 'service:orders', aud: 'finance' },
    });
    expect(verifyIdentity(forFinance, SECRET, 'customers')).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
  });

  test('holds at most maxIdentities: the least recently used one is signed again when next needed', () => {
    const { cache, signed } = cacheAt({ maxIdentities: 2 });
    cache.headerFor(identity('a'), 'customers');
    cache.headerFor(identity('b'), 'customers');
    cache.headerFor(identity('a'), 'customers');
    cache.headerFor(identity('c'), 'customers');
    expect(signed()).toBe(3);
    cache.headerFor(identity('a'), 'customers');
    expect(signed()).toBe(3);
    cache.headerFor(identity('b'), 'customers');
    expect(signed()).toBe(4);
  });
});
