import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createRedisStreamsTransport, type RedisStreamsTransport } from './redis-streams-transport';
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
