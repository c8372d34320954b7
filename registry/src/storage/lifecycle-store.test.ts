/** The lifecycle store's records the same on SQLite and PostgreSQL (a schema of its own, dropped after). */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../testing/registry-harness';
import type { NotificationRecord } from './lifecycle-store';
import { openRegistryStore, type RegistryStore } from './registry-store';

const GRAPH = 'switchyard';
const record = {
  coordinate: 'Order.shipToAddressId',
  reason: 'Use shipTo',
  sunset: '2027-03-01',
  replacement: 'Order.shipTo',
  link: null,
  brownouts: [{ start: '2027-02-15T14:00:00.000Z', end: '2027-02-15T15:00:00.000Z' }],
  schemaVersion: 2,
  deprecatedBy: 'dev-orders-owner',
  deprecatedAt: '2027-01-04T10:00:00.000Z',
  updatedAt: '2027-01-04T10:00:00.000Z',
};
const notice = (id: string): NotificationRecord => ({
  id,
  consumer: 'dev-acme-distributor',
  coordinate: record.coordinate,
  kind: 'deprecated',
  occurrence: '',
  url: 'http://127.0.0.1:1/hooks',
  body: '{}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2027-01-04T10:00:00.000Z',
  lastError: null,
  createdAt: '2027-01-04T10:00:00.000Z',
  deliveredAt: null,
});

describe.each([
  ['SQLite', undefined],
  ['PostgreSQL', TEST_DATABASE_URL],
])('the lifecycle store on %s', (_name, databaseUrl) => {
  const schema = `registry_lifecycle_${randomUUID().slice(0, 8)}`;
  let store: RegistryStore;
  beforeAll(async () => {
    store = await openRegistryStore({ dataDir: ':memory:', databaseUrl, databaseSchema: schema });
  });
  afterAll(async () => {
    await store.close();
    if (!databaseUrl) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  test('keeps a deprecation, changes it in place, and records both in the history', async () => {
    const event = {
      coordinate: record.coordinate,
      actor: 'dev-orders-owner',
      detail: {},
      at: record.deprecatedAt,
    };
    await store.lifecycle.saveDeprecation(GRAPH, record, { ...event, kind: 'deprecated' });
    await store.lifecycle.saveDeprecation(
      GRAPH,
      { ...record, sunset: '2027-04-01' },
      { ...event, kind: 'deprecation-changed' },
    );
    expect(await store.lifecycle.deprecations(GRAPH)).toEqual([
      { ...record, sunset: '2027-04-01' },
    ]);
    expect((await store.lifecycle.events(GRAPH)).map((e) => e.kind)).toEqual([
      'deprecated',
      'deprecation-changed',
    ]);
  });

  test('a waiver is revoked once', async () => {
    const waiver = {
      id: 'wvr_1',
      coordinate: record.coordinate,
      consumer: 'dev-acme-distributor',
      until: '2027-03-10T00:00:00.000Z',
      reason: 'r',
      grantedBy: 'dev-platform-admin',
      grantedAt: '2027-03-02T00:00:00.000Z',
      revokedBy: null,
      revokedAt: null,
    };
    const event = { coordinate: record.coordinate, actor: 'a', detail: {}, at: waiver.grantedAt };
    await store.lifecycle.addWaiver(GRAPH, waiver, { ...event, kind: 'waiver-granted' });
    const revoke = () =>
      store.lifecycle.revokeWaiver(
        GRAPH,
        'wvr_1',
        { by: 'a', at: waiver.grantedAt },
        { ...event, kind: 'waiver-revoked' },
      );
    expect(await revoke()).toBe(true);
    expect(await revoke()).toBe(false);
    expect((await store.lifecycle.waivers(GRAPH))[0]).toMatchObject({ revokedBy: 'a' });
  });

  test('a notice is queued once per consumer, coordinate, kind and occurrence; due ones are listed until delivered', async () => {
    expect(await store.lifecycle.enqueueNotification(GRAPH, notice('ntf_1'))).toBe(true);
    expect(await store.lifecycle.enqueueNotification(GRAPH, notice('ntf_2'))).toBe(false);
    expect(
      await store.lifecycle.enqueueNotification(GRAPH, { ...notice('ntf_3'), occurrence: 'x' }),
    ).toBe(true);
    expect(
      (await store.lifecycle.dueNotifications(GRAPH, '2027-01-04T10:00:00.000Z', 10))
        .map((n) => n.id)
        .sort(),
    ).toEqual(['ntf_1', 'ntf_3']);
    await store.lifecycle.updateNotification(GRAPH, 'ntf_1', {
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
      deliveredAt: '2027-01-04T10:00:01.000Z',
    });
    expect(
      (await store.lifecycle.dueNotifications(GRAPH, '2027-01-05T00:00:00.000Z', 10)).map(
        (n) => n.id,
      ),
    ).toEqual(['ntf_3']);
    expect(
      await store.lifecycle.notifications(GRAPH, { consumer: 'dev-acme-distributor', limit: 10 }),
    ).toHaveLength(2);
  });
});
