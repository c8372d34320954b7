import { DEVELOPMENT_IDENTITY_SECRET, verifyIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';
import { forwardedIdentityHeaders } from './forwarded-identity';

const CONSUMER: Consumer = {
  id: 'dev-sales-portal',
  name: 'Sales portal',
  kind: 'portal',
  scopes: ['orders:read'],
  tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
  tier: 'standard',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
};

describe('forwarded identity headers', () => {
  test('one header per identity, whatever the consumer object; signed again at half its lifetime', () => {
    let now = Date.parse('2026-11-01T10:00:00Z');
    const headers = forwardedIdentityHeaders(DEVELOPMENT_IDENTITY_SECRET, () => now);
    const first = headers.headerFor(CONSUMER, 'orders');
    expect(headers.headerFor({ ...CONSUMER }, 'orders')).toBe(first);
    now += 29_999;
    expect(headers.headerFor(CONSUMER, 'orders')).toBe(first);
    now += 1;
    expect(headers.headerFor(CONSUMER, 'orders')).not.toBe(first);
  });

  test('a different scope, tenant or principal is a different identity', () => {
    const headers = forwardedIdentityHeaders(DEVELOPMENT_IDENTITY_SECRET);
    const distinct = new Set([
      headers.headerFor(CONSUMER, 'orders'),
      headers.headerFor({ ...CONSUMER, scopes: ['orders:read', 'finance:read'] }, 'orders'),
      headers.headerFor(
        { ...CONSUMER, tenant: { customerIds: ['CUS-0002'], carrierIds: [] } },
        'orders',
      ),
      headers.headerFor({ ...CONSUMER, principal: 'user-1' }, 'orders'),
      headers.headerFor(null, 'orders'),
    ]);
    expect(distinct.size).toBe(5);
    const principal = verifyIdentity(
      headers.headerFor({ ...CONSUMER, principal: 'user-1' }, 'orders'),
      DEVELOPMENT_IDENTITY_SECRET,
      'orders',
    );
    expect(principal).toMatchObject({ ok: true, identity: { principal: 'user-1' } });
  });

  test('one header per consumer and subgraph, each signed for that subgraph alone', () => {
    const headers = forwardedIdentityHeaders(DEVELOPMENT_IDENTITY_SECRET);
    const forOrders = headers.headerFor(CONSUMER, 'orders');
    const forFinance = headers.headerFor(CONSUMER, 'finance');
    expect(forFinance).not.toBe(forOrders);
    expect(headers.headerFor(CONSUMER, 'finance')).toBe(forFinance);
    expect(verifyIdentity(forFinance, DEVELOPMENT_IDENTITY_SECRET, 'finance')).toMatchObject({
      ok: true,
      identity: { id: CONSUMER.id, aud: 'finance' },
    });
    expect(verifyIdentity(forOrders, DEVELOPMENT_IDENTITY_SECRET, 'finance')).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
  });

  test('without a consumer the gateway calls as itself, a service', () => {
    const headers = forwardedIdentityHeaders(DEVELOPMENT_IDENTITY_SECRET);
    expect(
      verifyIdentity(headers.headerFor(null, 'orders'), DEVELOPMENT_IDENTITY_SECRET, 'orders'),
    ).toMatchObject({
      ok: true,
      identity: { id: 'service:gateway', kind: 'service', scopes: [], tenant: null },
    });
  });

  test('only what subgraphs decide rows by is forwarded, nothing of the credentials', () => {
    const headers = forwardedIdentityHeaders(DEVELOPMENT_IDENTITY_SECRET);
    const verified = verifyIdentity(
      headers.headerFor(CONSUMER, 'orders'),
      DEVELOPMENT_IDENTITY_SECRET,
      'orders',
    );
    expect(verified.ok && Object.keys(verified.identity).sort()).toEqual([
      'aud',
      'exp',
      'id',
      'kind',
      'scopes',
      'tenant',
    ]);
  });
});
