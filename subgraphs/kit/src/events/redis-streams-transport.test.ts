import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createRedisStreamsTransport, type RedisStreamsTransport } from './redis-streams-transport';
import { defaultConsumerName } from './subgraph-events';
import { describeTransportContract, eventOf, eventually } from '../testing/transport-contract';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(REDIS_URL);
afterAll(() => admin.quit());

const prefix = () => `switchyard:test:${randomBytes(6).toString('hex')}`;
const make = (keyPrefix = prefix(), claimIdleMs = 60_000) =>
  createRedisStreamsTransport({
    redisUrl: REDIS_URL,
    keyPrefix,
    blockMs: 200,
    redeliverDelayMs: 20,
    claimIdleMs,
  });
async function dispose(transport: RedisStreamsTransport) {
  await transport.close();
  await admin.del(transport.streamKey);
}

describeTransportContract(
  'Redis Streams transport',
  async () => make(),
  (transport) => dispose(transport as RedisStreamsTransport),
);

describe('Redis Streams transport', () => {
  test('events are stream entries under the key prefix, one field per part of the event', async () => {
    const transport = make();
    try {
      const event = eventOf('A', 1);
      await transport.publish([event]);
      const entries = await admin.xrange(transport.streamKey, '-', '+');
      expect(entries).toHaveLength(1);
      expect(entries[0][1]).toEqual([
        'id',
        event.id,
        'type',
        'A',
        'source',
        'test',
        'aggregateId',
        'A-1',
        'correlationId',
        'corr-1',
        'occurredAt',
        event.occurredAt,
        'payload',
        '{"n":1}',
      ]);
    } finally {
      await dispose(transport);
    }
  });

  test('another process of the group catches up from where the group stopped (the position lives in Redis)', async () => {
    const keyPrefix = prefix();
    const first = make(keyPrefix);
    const seen: number[] = [];
    await first.subscribe(
      { group: 'g', consumer: 'p1', types: ['A'] },
      async (e) => void seen.push((e.payload as { n: number }).n),
    );
    await first.publish([eventOf('A', 1)]);
    await eventually(() => expect(seen).toEqual([1]));
    await first.close();

    const second = make(keyPrefix);
    try {
      await second.publish([eventOf('A', 2)]);
      await second.subscribe(
        { group: 'g', consumer: 'p2', types: ['A'] },
        async (e) => void seen.push((e.payload as { n: number }).n),
      );
      await eventually(() => expect(seen).toEqual([1, 2]));
    } finally {
      await dispose(second);
    }
  });

  test('entries a dead consumer left pending are claimed by a live one after claimIdleMs', async () => {
    const keyPrefix = prefix();
    const dead = make(keyPrefix, 200);
    let unblock!: (error: Error) => void;
    await dead.subscribe(
      { group: 'g', consumer: 'dead', types: ['A'] },
      () => new Promise((_resolve, reject) => (unblock = reject)),
    );
    await dead.publish([eventOf('A', 1)]);
    await eventually(async () =>
      expect(await admin.xpending(dead.streamKey, 'g')).toEqual([
        1,
        expect.any(String),
        expect.any(String),
        [['dead', '1']],
      ]),
    );
    // The handler never finishes: as if the process had died holding the entry.

    const live = make(keyPrefix, 200);
    const seen: number[] = [];
    try {
      await live.subscribe(
        { group: 'g', consumer: 'live', types: ['A'] },
        async (e) => void seen.push((e.payload as { n: number }).n),
      );
      await eventually(() => expect(seen).toEqual([1]), 5000);
    } finally {
      unblock(new Error('the dead process is gone'));
      await dead.close();
      await live.close();
      await admin.del(live.streamKey);
    }
  });

  test('a process restarted under its default consumer name is handed at once what it held unacknowledged when it died, not after claimIdleMs', async () => {
    // No pid in it: the process started again after a SIGKILL is the same consumer of each group.
    expect(defaultConsumerName('inventory')).toBe(defaultConsumerName('inventory'));
    expect(defaultConsumerName('inventory')).not.toContain(String(process.pid));
    const consumer = defaultConsumerName('inventory');
    const keyPrefix = prefix();
    const died = make(keyPrefix);
    let crash!: (error: Error) => void;
    await died.subscribe(
      { group: 'g', consumer, types: ['A'] },
      () => new Promise((_resolve, reject) => (crash = reject)),
    );
    await died.publish([eventOf('A', 1)]);
    await eventually(async () =>
      expect(await admin.xpending(died.streamKey, 'g')).toEqual([
        1,
        expect.any(String),
        expect.any(String),
        [[consumer, '1']],
      ]),
    );
    // Closing while the delivery hangs, then failing it: the entry stays pending, never acknowledged.
    const closing = died.close();
    crash(new Error('SIGKILL'));
    await closing;

    const restarted = make(keyPrefix);
    const seen: number[] = [];
    try {
      await restarted.subscribe(
        { group: 'g', consumer, types: ['A'] },
        async (e) => void seen.push((e.payload as { n: number }).n),
      );
      // claimIdleMs is 60 s here: only reading its own pending entries delivers it this soon.
      await eventually(() => expect(seen).toEqual([1]), 3000);
      await eventually(async () =>
        expect((await admin.xpending(restarted.streamKey, 'g'))[0]).toBe(0),
      );
    } finally {
      await dispose(restarted);
    }
  });

  test('a publication while Redis is unreachable fails (the relay keeps the events), and close does not hang', async () => {
    const transport = createRedisStreamsTransport({
      redisUrl: 'redis://127.0.0.1:1',
      keyPrefix: prefix(),
      blockMs: 200,
      redeliverDelayMs: 20,
    });
    await transport.subscribe({ group: 'g', consumer: 'c', types: ['A'] }, async () => {});
    await expect(transport.publish([eventOf('A', 1)])).rejects.toThrow();
    await transport.close();
  });
});

test('the stream stays bounded: once every group has acknowledged, trim leaves no entry older than the cutoff', async () => {
  const transport = make();
  try {
    let delivered = 0;
    await transport.subscribe(
      { group: 'g', consumer: 'c', types: ['A'] },
      async () => void delivered++,
    );
    for (let round = 0; round < 5; round++) {
      await transport.publish(Array.from({ length: 40 }, (_, i) => eventOf('A', i)));
      await eventually(() => expect(delivered).toBe(40 * (round + 1)));
      await eventually(async () => {
        await transport.trim(new Date(Date.now() + 1_000));
        expect(await admin.xlen(transport.streamKey)).toBe(0);
      });
    }
  } finally {
    await dispose(transport);
  }
});
