// The behaviour every EventTransport must show, run against each implementation by its test file.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../events/domain-event';
import type { EventTransport } from '../events/transport';

export function eventOf(type: string, n: number): DomainEvent {
  return {
    id: randomUUID(),
    type,
    source: 'test',
    aggregateId: `A-${n}`,
    payload: { n },
    correlationId: `corr-${n}`,
    occurredAt: new Date().toISOString(),
  };
}

/** Polls until `assertion` stops throwing, or throws its last error after `timeoutMs`. */
export async function eventually(
  assertion: () => unknown | Promise<unknown>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export function describeTransportContract(
  name: string,
  make: () => Promise<EventTransport>,
  dispose: (transport: EventTransport) => Promise<void>,
) {
  describe(`${name}: the EventTransport contract`, () => {
    let transport: EventTransport;
    beforeEach(async () => {
      transport = await make();
    });
    afterEach(async () => {
      await dispose(transport);
    });

    test('a group receives every event of its types once, in publication order, and none of the others', async () => {
      const seen: number[] = [];
      await transport.subscribe(
        { group: 'g', consumer: 'c1', types: ['A'] },
        async (e) => void seen.push((e.payload as { n: number }).n),
      );
      await transport.publish([eventOf('A', 1), eventOf('B', 2), eventOf('A', 3)]);
      await transport.publish([eventOf('A', 4)]);
      await eventually(() => expect(seen).toEqual([1, 3, 4]));
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([1, 3, 4]);
    });

    test('an event arrives whole: id, type, source, aggregate, payload, correlation id, instant', async () => {
      const received: DomainEvent[] = [];
      const sent = {
        ...eventOf('A', 7),
        payload: { lines: [{ sku: 'X', quantity: 2 }], note: 'é' },
      };
      await transport.subscribe(
        { group: 'g', consumer: 'c1', types: ['A'] },
        async (e) => void received.push(e),
      );
      await transport.publish([sent]);
      await eventually(() => expect(received).toEqual([sent]));
    });

    test('two groups each receive every event', async () => {
      const first: number[] = [];
      const second: number[] = [];
      await transport.subscribe(
        { group: 'one', consumer: 'c', types: ['A'] },
        async (e) => void first.push((e.payload as { n: number }).n),
      );
      await transport.subscribe(
        { group: 'two', consumer: 'c', types: ['A'] },
        async (e) => void second.push((e.payload as { n: number }).n),
      );
      await transport.publish([eventOf('A', 1), eventOf('A', 2)]);
      await eventually(() => {
        expect(first).toEqual([1, 2]);
        expect(second).toEqual([1, 2]);
      });
    });

    test('a group created after events were published sees them (history), and one subscribing again resumes where it stopped', async () => {
      await transport.publish([eventOf('A', 1)]);
      const seen: number[] = [];
      const record = async (e: DomainEvent) => void seen.push((e.payload as { n: number }).n);
      const first = await transport.subscribe(
        { group: 'late', consumer: 'c', types: ['A'] },
        record,
      );
      await eventually(() => expect(seen).toEqual([1]));
      await first.close();
      await transport.publish([eventOf('A', 2), eventOf('A', 3)]);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([1]);
      await transport.subscribe({ group: 'late', consumer: 'c', types: ['A'] }, record);
      await eventually(() => expect(seen).toEqual([1, 2, 3]));
    });

    test('a delivery that rejects is not acknowledged: it comes again, before the events after it', async () => {
      const seen: number[] = [];
      let failures = 1;
      await transport.subscribe({ group: 'g', consumer: 'c', types: ['A'] }, async (e) => {
        const n = (e.payload as { n: number }).n;
        if (n === 1 && failures-- > 0) throw new Error('database down');
        seen.push(n);
      });
      await transport.publish([eventOf('A', 1), eventOf('A', 2)]);
      await eventually(() => expect(seen).toEqual([1, 2]));
    });

    test('an event whose delivery was in progress when its subscription closed is delivered to the next subscription', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first: number[] = [];
      const subscription = await transport.subscribe(
        { group: 'g', consumer: 'c', types: ['A'] },
        async (e) => {
          await gate;
          first.push((e.payload as { n: number }).n);
          throw new Error('stopped before finishing');
        },
      );
      await transport.publish([eventOf('A', 1)]);
      await new Promise((r) => setTimeout(r, 50));
      const closed = subscription.close();
      release();
      await closed;
      expect(first).toEqual([1]);
      const second: number[] = [];
      await transport.subscribe(
        { group: 'g', consumer: 'c', types: ['A'] },
        async (e) => void second.push((e.payload as { n: number }).n),
      );
      await eventually(() => expect(second).toEqual([1]));
    });

    test('a subscription delivers one event at a time', async () => {
      let inFlight = 0;
      let most = 0;
      let done = 0;
      await transport.subscribe({ group: 'g', consumer: 'c', types: ['A'] }, async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        done++;
      });
      await transport.publish([1, 2, 3, 4, 5].map((n) => eventOf('A', n)));
      await eventually(() => expect(done).toBe(5));
      expect(most).toBe(1);
    });

    test('trim removes only events every group acknowledged and published before the cutoff', async () => {
      const later = () => new Date(Date.now() + 60_000);
      const fast: number[] = [];
      const slow: number[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await transport.subscribe(
        { group: 'fast', consumer: 'c', types: ['A'] },
        async (e) => void fast.push((e.payload as { n: number }).n),
      );
      // Holds event 3 unacknowledged; takes only type A, so B events are acknowledged unread.
      await transport.subscribe({ group: 'slow', consumer: 'c', types: ['A'] }, async (e) => {
        const n = (e.payload as { n: number }).n;
        if (n === 3) await gate;
        slow.push(n);
      });
      await transport.publish([1, 2, 3, 4, 5].map((n) => eventOf(n === 2 ? 'B' : 'A', n)));
      await eventually(() => {
        expect(fast).toEqual([1, 3, 4, 5]);
        expect(slow).toEqual([1]);
      });
      // Within the retention nothing goes, acknowledged or not.
      expect(await transport.trim(new Date(Date.now() - 60_000))).toBe(0);
      // Past it: events 1 and 2, below the slow group's unacknowledged event 3.
      expect(await transport.trim(later())).toBe(2);
      expect(await transport.trim(later())).toBe(0);

      release();
      await eventually(() => expect(slow).toEqual([1, 3, 4, 5]));
      await eventually(async () => expect(await transport.trim(later())).toBe(3));
      // A group away (no subscription) keeps what it has not read.
      const away = await transport.subscribe(
        { group: 'away', consumer: 'c', types: ['A'] },
        async () => {},
      );
      await away.close();
      await transport.publish([eventOf('A', 6)]);
      await eventually(() => expect(fast).toEqual([1, 3, 4, 5, 6]));
      await eventually(() => expect(slow).toEqual([1, 3, 4, 5, 6]));
      expect(await transport.trim(later())).toBe(0);
      const resumed: number[] = [];
      await transport.subscribe(
        { group: 'away', consumer: 'c', types: ['A'] },
        async (e) => void resumed.push((e.payload as { n: number }).n),
      );
      await eventually(() => expect(resumed).toEqual([6]));
      await eventually(async () => expect(await transport.trim(later())).toBe(1));
    });

    test('close ends every subscription without hanging', async () => {
      await transport.subscribe({ group: 'g', consumer: 'c', types: ['A'] }, async () => {});
      await transport.subscribe({ group: 'h', consumer: 'c', types: ['A'] }, async () => {});
      const started = Date.now();
      await transport.close();
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
}
