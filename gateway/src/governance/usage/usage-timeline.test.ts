import { latencyMetric, latencySlot, usageField } from './usage-aggregator';
import { checkTimelineHours, usageTimeline } from './usage-timeline';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12, 30);

/** One operation hash field: consumer, client name and version, operation id and name, metric. */
const field = (consumer: string, metric: string) =>
  usageField(consumer, 'web', '1.0', 'op1', 'Orders', metric);

describe('usage timeline', () => {
  test('gives every bucket of the period, oldest first, with each consumer’s requests, errors and p95, and errors by code', () => {
    const current = Math.floor(NOW / HOUR) * HOUR;
    const timeline = usageTimeline(
      [
        {
          bucketStart: current - 2 * HOUR,
          fields: {
            [field('portal', 'requests')]: 10,
            [field('portal', 'errors')]: 2,
            [field('portal', 'error:RATE_LIMITED')]: 2,
            [field('portal', latencyMetric(latencySlot(40)))]: 10,
          },
        },
        {
          bucketStart: current,
          fields: {
            [field('portal', 'requests')]: 1,
            [field('partner', 'requests')]: 30,
            [field('partner', 'error:FORBIDDEN')]: 1,
            [field('partner', 'error:RATE_LIMITED')]: 3,
          },
        },
        // Older than the period: left out.
        { bucketStart: current - 5 * HOUR, fields: { [field('portal', 'requests')]: 99 } },
      ],
      { hours: 3, bucketMs: HOUR, now: NOW, consumer: null },
    );
    expect(timeline.bucketStarts).toEqual([current - 2 * HOUR, current - HOUR, current]);
    expect(timeline.consumers.map((c) => c.consumer)).toEqual(['partner', 'portal']);
    const portal = timeline.consumers[1];
    expect(portal.requests).toEqual([10, 0, 1]);
    expect(portal.errors).toEqual([2, 0, 0]);
    expect(portal.p95Ms[0]).toBeGreaterThanOrEqual(40);
    expect(portal.p95Ms.slice(1)).toEqual([null, null]);
    expect(timeline.errorsByCode).toEqual([
      { code: 'RATE_LIMITED', count: 5 },
      { code: 'FORBIDDEN', count: 1 },
    ]);
  });

  test('for one consumer counts only its own requests and errors', () => {
    const current = Math.floor(NOW / HOUR) * HOUR;
    const timeline = usageTimeline(
      [
        {
          bucketStart: current,
          fields: { [field('portal', 'requests')]: 4, [field('partner', 'error:FORBIDDEN')]: 1 },
        },
      ],
      { hours: 1, bucketMs: HOUR, now: NOW, consumer: 'portal' },
    );
    expect(timeline.consumers).toEqual([
      { consumer: 'portal', requests: [4], errors: [0], p95Ms: [null] },
    ]);
    expect(timeline.errorsByCode).toEqual([]);
  });

  test('refuses an hours value that is not a whole number from 1 to 744', () => {
    for (const hours of [0, 1.5, 745, Number.NaN])
      expect(() => checkTimelineHours(hours)).toThrow(/"hours" must be a whole number/);
    expect(() => checkTimelineHours(168)).not.toThrow();
  });
});
