/**
 * Usage over time: per consumer and time bucket, requests, requests with errors and the p95
 * latency, plus the errors of the whole period by code (rate limited, unauthorized, limits...).
 * Read from the same operation hashes as the operations report; what the console's Overview charts.
 */
import { GovernanceCode, GovernanceError } from '../errors';
import { emptyHistogram, parseUsageField, percentileOf } from './usage-aggregator';

export interface ConsumerTimeline {
  consumer: string;
  /** One value per bucket of `bucketStarts`. */
  requests: number[];
  errors: number[];
  /** p95 latency (ms) of the bucket, null when it had no request. */
  p95Ms: (number | null)[];
}

export interface UsageTimeline {
  hours: number;
  bucketMs: number;
  /** Start of each bucket (ms since the epoch), oldest first: every bucket of the period, empty ones included. */
  bucketStarts: number[];
  consumers: ConsumerTimeline[];
  /** Errors of the period by `extensions.code`, most frequent first (a request may have several). */
  errorsByCode: { code: string; count: number }[];
}

/** The most hours one timeline covers (a week of hourly buckets is 168 points; this is 31 days). */
export const MAX_TIMELINE_HOURS = 744;

export function checkTimelineHours(hours: number): void {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_TIMELINE_HOURS) {
    throw new GovernanceError(
      GovernanceCode.BAD_USER_INPUT,
      `"hours" must be a whole number from 1 to ${MAX_TIMELINE_HOURS}`,
      { details: { argument: 'hours' } },
    );
  }
}

/** Folds operation hashes (each with its bucket start) into a timeline of `hours` ending at `now`. */
export function usageTimeline(
  hashes: { bucketStart: number; fields: Record<string, number> }[],
  options: { hours: number; bucketMs: number; now: number; consumer: string | null },
): UsageTimeline {
  const { hours, bucketMs, now, consumer: only } = options;
  const last = Math.floor(now / bucketMs) * bucketMs;
  const first = Math.floor((now - hours * 3_600_000) / bucketMs) * bucketMs + bucketMs;
  const bucketStarts: number[] = [];
  for (let start = Math.min(first, last); start <= last; start += bucketMs)
    bucketStarts.push(start);
  const slotOf = new Map(bucketStarts.map((start, slot) => [start, slot]));

  const byConsumer = new Map<
    string,
    { requests: number[]; errors: number[]; histograms: number[][] }
  >();
  const errorsByCode = new Map<string, number>();
  for (const { bucketStart, fields } of hashes) {
    const slot = slotOf.get(bucketStart);
    if (slot === undefined) continue;
    for (const [field, amount] of Object.entries(fields)) {
      const [who, , , , , metric] = parseUsageField(field);
      if (only !== null && who !== only) continue;
      let series = byConsumer.get(who);
      if (!series) {
        series = {
          requests: bucketStarts.map(() => 0),
          errors: bucketStarts.map(() => 0),
          histograms: bucketStarts.map(() => emptyHistogram()),
        };
        byConsumer.set(who, series);
      }
      if (metric === 'requests') series.requests[slot] += amount;
      else if (metric === 'errors') series.errors[slot] += amount;
      else if (metric.startsWith('error:')) {
        const code = metric.slice('error:'.length);
        errorsByCode.set(code, (errorsByCode.get(code) ?? 0) + amount);
      } else if (metric.startsWith('latency:')) {
        const histogram = series.histograms[slot];
        const index = Number(metric.slice('latency:'.length));
        if (index >= 0 && index < histogram.length) histogram[index] += amount;
      }
    }
  }
  return {
    hours,
    bucketMs,
    bucketStarts,
    consumers: [...byConsumer.entries()]
      .map(([consumer, { requests, errors, histograms }]) => ({
        consumer,
        requests,
        errors,
        p95Ms: histograms.map((histogram) => percentileOf(histogram, 0.95)),
      }))
      .sort((a, b) => sum(b.requests) - sum(a.requests) || a.consumer.localeCompare(b.consumer)),
    errorsByCode: [...errorsByCode.entries()]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
