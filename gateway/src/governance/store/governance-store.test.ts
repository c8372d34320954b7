/**
 * One contract, three stores: everything the governance modules rely on behaves the same in memory,
 * in a SQLite file and in Redis (the real one at REDIS_URL or 127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GovernanceStore } from './governance-store';
import { createMemoryStore } from './memory-store';
import { createRedisStore } from './redis-store';
import { createSqliteStore } from './sqlite-store';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const temporary = mkdtempSync(path.join(os.tmpdir(), 'switchyard-store-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

const stores: [string, () => Promise<GovernanceStore>][] = [
  ['memory', async () => createMemoryStore()],
  ['sqlite', async () => createSqliteStore({ file: path.join(temporary, 'governance.sqlite') })],
  [
    'redis',
    async () => {
      const store = createRedisStore({
        url: redisUrl,
        keyPrefix: `switchyard-test:${randomBytes(4).toString('hex')}:`,
      });
      for (let i = 0; i < 50 && !store.healthy(); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return store;
    },
  ],
];

describe.each(stores)('%s governance store', (_kind, open) => {
  let store: GovernanceStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    for (const key of await store.keys('')) await store.delete(key);
    for (const log of ['audit']) await store.delete(log);
    await store.close();
  });

  test('keys are listed by exact prefix, whatever characters follow it', async () => {
    await store.set('pq:op:acme:1', 'a');
    await store.set('pq:op:acme;2', 'not acme:');
    await store.set('pq:op:acme', 'not under acme:');
    await store.incrementFields([{ key: 'pq:op:acme:h', field: 'f', amount: 1 }], 60);
    expect((await store.keys('pq:op:acme:')).sort()).toEqual(['pq:op:acme:1', 'pq:op:acme:h']);
    expect((await store.keys('')).sort()).toEqual([
      'pq:op:acme',
      'pq:op:acme:1',
      'pq:op:acme:h',
      'pq:op:acme;2',
    ]);
  });

  test('a hash expires after its time to live, which a later batch does not extend', async () => {
    await store.incrementFields([{ key: 'usage:short', field: 'f', amount: 1 }], 1);
    await store.incrementFields([{ key: 'usage:short', field: 'f', amount: 1 }], 60);
    expect(await store.fields('usage:short')).toEqual({ f: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.fields('usage:short')).toEqual({});
    expect(await store.keys('usage:')).toEqual([]);
  });

  test('is healthy once connected', () => {
    expect(store.healthy()).toBe(true);
  });

  test('counters add up and start at zero', async () => {
    expect(await store.counter('rate:a')).toBe(0);
    expect(await store.increment('rate:a', 5, 60)).toBe(5);
    expect(await store.increment('rate:a', 3, 60)).toBe(8);
    expect(await store.counter('rate:a')).toBe(8);
  });

  test('counters and values expire after their time to live, and the first TTL is kept', async () => {
    await store.increment('rate:short', 1, 1);
    await store.increment('rate:short', 1, 60); // a later TTL does not extend the window
    await store.set('apq:x', 'doc', 1);
    await store.set('manifest:y', 'kept');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.counter('rate:short')).toBe(0);
    expect(await store.get('apq:x')).toBeNull();
    expect(await store.get('manifest:y')).toBe('kept');
  });

  test('values are set, read, listed by prefix and deleted', async () => {
    await store.set('manifest:acme:1', 'a');
    await store.set('manifest:acme:2', 'b');
    await store.set('manifest:other:1', 'c');
    expect((await store.keys('manifest:acme:')).sort()).toEqual([
      'manifest:acme:1',
      'manifest:acme:2',
    ]);
    await store.delete('manifest:acme:1');
    expect(await store.get('manifest:acme:1')).toBeNull();
    expect(await store.keys('manifest:acme:')).toEqual(['manifest:acme:2']);
  });

  test('hash fields are incremented in one batch and read back', async () => {
    await store.incrementFields(
      [
        { key: 'usage:h1', field: 'Query.orders', amount: 2 },
        { key: 'usage:h1', field: 'Order.total', amount: 5 },
        { key: 'usage:h1', field: 'Query.orders', amount: 1 },
        { key: 'usage:h2', field: 'Query.customer', amount: 7 },
      ],
      60,
    );
    expect(await store.fields('usage:h1')).toEqual({ 'Query.orders': 3, 'Order.total': 5 });
    expect(await store.fields('usage:h2')).toEqual({ 'Query.customer': 7 });
    expect(await store.fields('usage:none')).toEqual({});
  });

  test('a value set with its index replaces the previous one and its index entries in one step; an emptied index hash goes', async () => {
    await store.setIndexed('ring:0', 'first', { field: '1', keys: ['idx:A', 'idx:B'] });
    await store.setIndexed('ring:1', 'second', { field: '2', keys: ['idx:B'] });
    expect(await store.fields('idx:B')).toEqual({ '1': 1, '2': 1 });
    // Slot 0 reused: record 1's entries go with it.
    await store.setIndexed('ring:0', 'third', { field: '3', keys: ['idx:C'] });
    expect(await store.get('ring:0')).toBe('third');
    expect(await store.fields('idx:A')).toEqual({});
    expect(await store.fields('idx:B')).toEqual({ '2': 1 });
    expect(await store.fields('idx:C')).toEqual({ '3': 1 });
    expect((await store.keys('idx:')).sort()).toEqual(['idx:B', 'idx:C']);
    // A value indexed nowhere takes the previous entries away too.
    await store.setIndexed('ring:1', 'fourth', { field: '4', keys: [] });
    await store.setIndexed('ring:0', 'fifth', { field: '5', keys: ['idx:C'] });
    expect((await store.keys('idx:')).sort()).toEqual(['idx:C']);
    expect(await store.fields('idx:C')).toEqual({ '5': 1 });
  });

  test('logs keep the newest records up to their cap, newest first', async () => {
    for (let i = 1; i <= 5; i++) await store.append('audit', { n: i, key: `ORD-${i}` }, 3);
    expect(await store.read('audit', 10)).toEqual([
      { n: 5, key: 'ORD-5' },
      { n: 4, key: 'ORD-4' },
      { n: 3, key: 'ORD-3' },
    ]);
    expect(await store.read('audit', 2)).toHaveLength(2);
  });
});

describe('the SQLite store', () => {
  test('keeps everything across a close and a reopen of its file (a gateway restart)', async () => {
    const file = path.join(temporary, 'reopened.sqlite');
    const first = createSqliteStore({ file });
    await first.set('pq:op:acme:1', '{"name":"AcmeOrder"}');
    await first.increment('rate:acme:cost:1mo', 14_600, 3_600);
    await first.incrementFields([{ key: 'usage:h', field: 'Query.orders', amount: 3 }], 3_600);
    await first.setIndexed('audit:slot:0', 'record', { field: '1', keys: ['audit:by-key:ORD-1'] });
    await first.append('audit', { n: 1 }, 10);
    await first.close();

    const second = createSqliteStore({ file });
    expect(await second.get('pq:op:acme:1')).toBe('{"name":"AcmeOrder"}');
    expect(await second.counter('rate:acme:cost:1mo')).toBe(14_600);
    expect(await second.fields('usage:h')).toEqual({ 'Query.orders': 3 });
    expect(await second.fields('audit:by-key:ORD-1')).toEqual({ '1': 1 });
    expect(await second.read('audit', 10)).toEqual([{ n: 1 }]);
    // The index record survived too: replacing the slot still moves its entries.
    await second.setIndexed('audit:slot:0', 'next', { field: '2', keys: [] });
    expect(await second.keys('audit:by-key:')).toEqual([]);
    await second.close();
  });

  test('expired rows nobody reads again are swept out on a later write', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const store = createSqliteStore({ file: ':memory:', now: () => clock });
    for (let second = 0; second < 20; second++) {
      await store.increment(`rate:c:requests:1s@${second}`, 1, 2);
      clock += 1_000;
    }
    await store.incrementFields([{ key: 'usage:old', field: 'f', amount: 1 }], 1);
    clock += 61_000;
    await store.set('apq:kept', 'query { x }', 3_600);
    // No clock moves past the TTL of what is left: only swept rows are gone from the tables.
    expect(await store.keys('')).toEqual(['apq:kept']);
    await store.close();
  });
});

test('a Redis store that cannot connect is unhealthy and fails fast instead of hanging', async () => {
  const store = createRedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'nowhere:' });
  expect(store.healthy()).toBe(false);
  const started = Date.now();
  await expect(store.increment('rate:x', 1, 60)).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(1_000);
  await store.close();
});
