import type { GovernanceStore } from '../store/governance-store';
import { createMemoryStore } from '../store/memory-store';
import {
  emptyHistogram,
  LATENCY_BOUNDS_MS,
  latencySlot,
  mergeHistogram,
  parseUsageField,
  parseUsageHashKey,
  percentileOf,
  UsageAggregator,
  usageField,
  usageHashKey,
  type UsageEvent,
} from './usage-aggregator';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1, 10, 0, 0);

function event(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    at: T0 + 60_000,
    consumer: 'dev-sales-portal',
    clientName: 'portal',
    clientVersion: '1.2.0',
    operationId: 'abc123',
    operationName: 'Orders',
    coordinates: ['Query.orders', 'Order.total'],
    errorCodes: {},
    stages: [{ stage: 'order-capture', failed: false }],
    latencyMs: 120,
    ...overrides,
  };
}

/** A store whose calls are counted, and which fails while `down` is true. */
function countingStore(now: () => number) {
  const inner = createMemoryStore(now);
  const calls = { incrementFields: 0 };
  let down = false;
  const store: GovernanceStore = {
    ...inner,
    async incrementFields(increments, ttl) {
      calls.incrementFields++;
      if (down) throw new Error('store unavailable');
      return inner.incrementFields(increments, ttl);
    },
  };
  return { store, calls, setDown: (value: boolean) => (down = value) };
}

/** The usage hashes, without the `recorded` marks. */
async function dataKeys(store: GovernanceStore): Promise<string[]> {
  return (await store.keys('usage:')).filter((key) => parseUsageHashKey(key)?.kind !== 'recorded');
}

async function recordedBuckets(store: GovernanceStore): Promise<number[]> {
  return (await store.keys('usage:'))
    .map(parseUsageHashKey)
    .filter((parsed) => parsed?.kind === 'recorded')
    .map((parsed) => parsed!.bucketStart)
    .sort((a, b) => a - b);
}

function aggregator(store: GovernanceStore, now: () => number, retentionDays = 30) {
  return new UsageAggregator({
    store,
    bucketMs: HOUR,
    retentionMs: retentionDays * DAY,
    flushIntervalMs: 0,
    now,
  });
}

describe('latency histogram', () => {
  test('a latency falls in the first slot whose bound it does not exceed, beyond the last bound in the open slot', () => {
    expect(latencySlot(0)).toBe(0);
    expect(latencySlot(5)).toBe(0);
    expect(latencySlot(5.1)).toBe(1);
    expect(latencySlot(400)).toBe(LATENCY_BOUNDS_MS.indexOf(400));
    expect(latencySlot(60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  test('percentiles are interpolated inside the slot that holds them', () => {
    const histogram = emptyHistogram();
    histogram[latencySlot(120)] = 100; // all in (100, 150]
    expect(percentileOf(histogram, 0.5)).toBe(125);
    expect(percentileOf(histogram, 0.99)).toBe(149.5);

    const split = emptyHistogram();
    split[latencySlot(8)] = 90; // (5, 10]
    split[latencySlot(900)] = 10; // (800, 1000]
    expect(percentileOf(split, 0.5)).toBeGreaterThan(5);
    expect(percentileOf(split, 0.5)).toBeLessThanOrEqual(10);
    expect(percentileOf(split, 0.95)).toBe(900);
  });

  test('an empty histogram has no percentile; the open slot answers the last bound', () => {
    expect(percentileOf(emptyHistogram(), 0.95)).toBeNull();
    const slow = emptyHistogram();
    slow[LATENCY_BOUNDS_MS.length] = 3;
    expect(percentileOf(slow, 0.5)).toBe(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]);
  });

  test('histograms of several replicas and time buckets merge by addition into the histogram of all their requests', () => {
    const latencies = [3, 7, 40, 90, 130, 380, 420, 750, 2_500, 12_000];
    const all = emptyHistogram();
    const parts = [emptyHistogram(), emptyHistogram(), emptyHistogram()];
    latencies.forEach((latency, i) => {
      all[latencySlot(latency)]++;
      parts[i % 3][latencySlot(latency)]++;
    });
    const merged = parts.reduce((into, part) => mergeHistogram(into, part), emptyHistogram());
    expect(merged).toEqual(all);
    for (const q of [0.5, 0.95, 0.99]) expect(percentileOf(merged, q)).toBe(percentileOf(all, q));
  });
});

describe('usage aggregator', () => {
  test('any number of requests are written in one store call per flush, summed per series', async () => {
    const now = () => T0 + 120_000;
    const { store, calls } = countingStore(now);
    const usage = aggregator(store, now);
    for (let i = 0; i < 250; i++)
      usage.record(event({ errorCodes: i % 10 === 0 ? { NOT_FOUND: 1 } : {} }));
    expect(calls.incrementFields).toBe(0);
    await usage.flush();
    expect(calls.incrementFields).toBe(1);

    const operations = await store.fields(usageHashKey(T0, 'operations'));
    const series = (metric: string) =>
      operations[usageField('dev-sales-portal', 'portal', '1.2.0', 'abc123', 'Orders', metric)];
    expect(series('requests')).toBe(250);
    expect(series('errors')).toBe(25);
    expect(series('error:NOT_FOUND')).toBe(25);
    expect(series(`latency:${latencySlot(120)}`)).toBe(250);
    expect(await store.fields(usageHashKey(T0, 'fields'))).toEqual({
      [usageField('dev-sales-portal', 'portal', 'abc123', 'Orders', 'Query.orders')]: 250,
      [usageField('dev-sales-portal', 'portal', 'abc123', 'Orders', 'Order.total')]: 250,
    });
    expect(
      (await store.fields(usageHashKey(T0, 'stages')))[
        usageField('order-capture', 'dev-sales-portal', 'requests')
      ],
    ).toBe(250);

    await usage.flush(); // nothing buffered: no call
    expect(calls.incrementFields).toBe(1);
  });

  test('field counts are made at flush time, summed over every series and time bucket that selected the field', async () => {
    const now = () => T0 + 3 * HOUR;
    const { store } = countingStore(now);
    const usage = aggregator(store, now);
    // Two client versions (two series, the same field keys), another operation shape, and a later bucket.
    for (let i = 0; i < 3; i++) usage.record(event({ clientVersion: '1.2.0' }));
    for (let i = 0; i < 2; i++) usage.record(event({ clientVersion: '1.3.0' }));
    usage.record(event({ clientVersion: '1.3.0', coordinates: ['Query.orders'] }));
    usage.record(event({ at: T0 + HOUR + 5 }));
    expect(usage.pendingFieldCount()).toBeGreaterThan(0);
    await usage.flush();
    usage.record(event()); // after the flush: counted in the next one
    await usage.flush();

    const field = (coordinate: string) =>
      usageField('dev-sales-portal', 'portal', 'abc123', 'Orders', coordinate);
    expect(await store.fields(usageHashKey(T0, 'fields'))).toEqual({
      [field('Query.orders')]: 7,
      [field('Order.total')]: 6,
    });
    expect(await store.fields(usageHashKey(T0 + HOUR, 'fields'))).toEqual({
      [field('Query.orders')]: 1,
      [field('Order.total')]: 1,
    });
  });

  test('requests land in the time bucket of the moment they ended', async () => {
    const now = () => T0 + 3 * HOUR;
    const { store } = countingStore(now);
    const usage = aggregator(store, now);
    usage.record(event({ at: T0 + 10 }));
    usage.record(event({ at: T0 + HOUR - 1 }));
    usage.record(event({ at: T0 + HOUR }));
    await usage.flush();
    const requests = async (start: number) =>
      (await store.fields(usageHashKey(start, 'operations')))[
        usageField('dev-sales-portal', 'portal', '1.2.0', 'abc123', 'Orders', 'requests')
      ];
    expect(await requests(T0)).toBe(2);
    expect(await requests(T0 + HOUR)).toBe(1);
  });

  test('dimensions holding the field separator round-trip intact', () => {
    expect(parseUsageField(usageField('a|b', 'client %2F', 'Query.x'))).toEqual([
      'a|b',
      'client %2F',
      'Query.x',
    ]);
  });

  test('usage buffered while the store fails is kept and written in full once it recovers', async () => {
    const now = () => T0 + 120_000;
    const { store, calls, setDown } = countingStore(now);
    const usage = aggregator(store, now);
    setDown(true);
    for (let i = 0; i < 5; i++) usage.record(event());
    await expect(usage.flush()).rejects.toThrow('store unavailable');
    for (let i = 0; i < 3; i++) usage.record(event({ errorCodes: { RATE_LIMITED: 2 } }));
    await expect(usage.flush()).rejects.toThrow('store unavailable');
    expect(usage.pendingFieldCount()).toBeGreaterThan(0);

    setDown(false);
    await usage.flush();
    expect(calls.incrementFields).toBe(3);
    expect(usage.pendingFieldCount()).toBe(0);
    const operations = await store.fields(usageHashKey(T0, 'operations'));
    const series = (metric: string) =>
      operations[usageField('dev-sales-portal', 'portal', '1.2.0', 'abc123', 'Orders', metric)];
    expect(series('requests')).toBe(8);
    expect(series('errors')).toBe(3);
    expect(series('error:RATE_LIMITED')).toBe(6);
  });

  test('a flush requested while one is running waits for it and writes what came meanwhile', async () => {
    const now = () => T0 + 120_000;
    const { store, calls } = countingStore(now);
    const usage = aggregator(store, now);
    usage.record(event());
    const first = usage.flush();
    usage.record(event());
    await Promise.all([first, usage.flush()]);
    expect(calls.incrementFields).toBe(2);
    const operations = await store.fields(usageHashKey(T0, 'operations'));
    expect(
      operations[usageField('dev-sales-portal', 'portal', '1.2.0', 'abc123', 'Orders', 'requests')],
    ).toBe(2);
  });

  test('buckets expire from the store after their retention, and buffered usage already past it is not written', async () => {
    let clock = T0 + 120_000;
    const now = () => clock;
    const { store } = countingStore(now);
    const usage = aggregator(store, now, 1);
    usage.record(event());
    await usage.flush();
    expect(await dataKeys(store)).toHaveLength(3);

    clock = T0 + HOUR + DAY - 1; // the bucket ended at T0 + 1h: kept one day after that
    expect(await dataKeys(store)).toHaveLength(3);
    clock = T0 + HOUR + DAY + 1_000;
    expect(await dataKeys(store)).toEqual([]);

    usage.record(event({ at: T0 })); // a straggler past retention
    usage.record(event({ at: clock }));
    await usage.flush();
    expect((await dataKeys(store)).every((key) => !key.startsWith(`usage:${T0}:`))).toBe(true);
    expect(await dataKeys(store)).toHaveLength(3);
  });

  test('each bucket during which it recorded is marked once, from the bucket it started in, so a check tells no traffic from no data', async () => {
    let clock = T0 + 120_000;
    const now = () => clock;
    const { store, calls } = countingStore(now);
    const usage = aggregator(store, now);
    await usage.flush();
    expect(await recordedBuckets(store)).toEqual([T0]);
    await usage.flush(); // nothing new: no write
    expect(calls.incrementFields).toBe(1);

    clock = T0 + 3 * HOUR + 5_000; // no traffic for three hours: still recording
    await usage.flush();
    expect(await recordedBuckets(store)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
  });

  test('marks that could not be written are written by the next flush', async () => {
    let clock = T0 + 120_000;
    const now = () => clock;
    const { store, setDown } = countingStore(now);
    const usage = aggregator(store, now);
    setDown(true);
    await expect(usage.flush()).rejects.toThrow('store unavailable');
    clock = T0 + HOUR + 1_000;
    setDown(false);
    await usage.flush();
    expect(await recordedBuckets(store)).toEqual([T0, T0 + HOUR]);
  });

  test('close flushes what is left', async () => {
    const now = () => T0 + 120_000;
    const { store, calls } = countingStore(now);
    const usage = new UsageAggregator({
      store,
      bucketMs: HOUR,
      retentionMs: DAY,
      flushIntervalMs: 60_000,
      now,
    });
    usage.record(event());
    await usage.close();
    expect(calls.incrementFields).toBe(1);
  });

  test('the flush timer writes buffered usage without being asked', async () => {
    const now = () => T0 + 120_000;
    const { store, calls } = countingStore(now);
    const usage = new UsageAggregator({
      store,
      bucketMs: HOUR,
      retentionMs: DAY,
      flushIntervalMs: 20,
      now,
    });
    usage.record(event());
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls.incrementFields).toBe(1);
    await usage.close();
  });
});
