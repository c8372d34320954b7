/**
 * Usage aggregated in this process and written to the GovernanceStore in batches: one
 * `incrementFields` call per flush, whatever the traffic, never a store write per request.
 * A flush that fails puts its increments back, so usage buffered while the store is away is
 * written when it returns (only increments whose time bucket is past retention are dropped:
 * the store would have expired them anyway).
 *
 * Store layout (shared with usage-reports.ts): one hash per time bucket and kind,
 * `usage:<bucketStartMs>:<kind>`, whose fields are `|`-joined, URI-encoded dimensions then a metric.
 * A `recorded` hash marks each bucket during which an aggregator was recording (written with the
 * flush that follows, once per bucket and replica): what tells "no traffic" from "no data" to a
 * schema check, whose unknown part of a window is the buckets without a mark (usage off, the
 * gateway or its store away, a new install, or past retention, where marks expire with the usage).
 */
import { LRUCache } from 'lru-cache';
import type { GovernanceStore } from '../store/governance-store';

/** Upper bounds (ms) of the latency histogram; a last, open bucket holds the slower requests. Fixed, so histograms merge by addition. */
export const LATENCY_BOUNDS_MS = [
  5, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000, 5000, 10000,
] as const;

/** The slot of a latency in the histogram: the first bound it does not exceed, or the open bucket. */
export function latencySlot(latencyMs: number): number {
  const slot = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return slot === -1 ? LATENCY_BOUNDS_MS.length : slot;
}

/**
 * The q-quantile (0..1) of a histogram (counts per slot), interpolated linearly inside its slot,
 * so the estimate is off by at most that slot's width; null when empty. The open slot answers its lower bound.
 */
export function percentileOf(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let slot = 0; slot < histogram.length; slot++) {
    const count = histogram[slot] ?? 0;
    if (count > 0 && below + count >= rank) {
      const lower = slot === 0 ? 0 : LATENCY_BOUNDS_MS[slot - 1];
      if (slot >= LATENCY_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BOUNDS_MS[slot];
      return Math.round((lower + ((upper - lower) * (rank - below)) / count) * 10) / 10;
    }
    below += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}

/** Adds histogram `from` into `into` (same fixed slots). */
export function mergeHistogram(into: number[], from: readonly number[]): number[] {
  for (let slot = 0; slot < from.length; slot++) into[slot] = (into[slot] ?? 0) + (from[slot] ?? 0);
  return into;
}

export const emptyHistogram = (): number[] => new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);

/** What one request contributes to usage. */
export interface UsageEvent {
  /** When it ended (ms since the epoch). */
  at: number;
  consumer: string;
  clientName: string;
  clientVersion: string;
  /** The persisted operation id, or the sha-256 of the document. */
  operationId: string;
  /** '' for an anonymous operation. */
  operationName: string;
  /** Every `Type.field` the operation selects. */
  coordinates: readonly string[];
  /** Error count per `extensions.code`. */
  errorCodes: Readonly<Record<string, number>>;
  /** The order-to-cash stages its root fields serve, each with whether an error fell in it. */
  stages: readonly { stage: string; failed: boolean }[];
  latencyMs: number;
}

export const USAGE_KEY_PREFIX = 'usage:';
export type UsageHashKind = 'operations' | 'fields' | 'stages' | 'recorded';

export const usageHashKey = (bucketStart: number, kind: UsageHashKind) =>
  `${USAGE_KEY_PREFIX}${bucketStart}:${kind}`;

/** `usage:<start>:<kind>` → its parts, or null for another key. */
export function parseUsageHashKey(
  key: string,
): { bucketStart: number; kind: UsageHashKind } | null {
  const match = /^usage:(\d+):(operations|fields|stages|recorded)$/.exec(key);
  return match ? { bucketStart: Number(match[1]), kind: match[2] as UsageHashKind } : null;
}

/** A hash field: dimensions then metric, each URI-encoded so `|` never appears inside a part. */
export const usageField = (...parts: string[]) => parts.map(encodeURIComponent).join('|');
export const parseUsageField = (field: string) => field.split('|').map(decodeURIComponent);

/** Metrics of the `operations` and `stages` hashes: `requests`, `errors` (requests with any), `error:<CODE>`, `latency:<slot>`. */
export const latencyMetric = (slot: number) => `latency:${slot}`;

export interface UsageAggregatorOptions {
  store: GovernanceStore;
  /** Width of a time bucket (ms). */
  bucketMs: number;
  /** How long a bucket is kept after it ends (ms). */
  retentionMs: number;
  /** How often to flush (ms); 0: only when `flush()` is called. */
  flushIntervalMs: number;
  now?: () => number;
  /** Told about a failed flush (its increments are kept for the next one). */
  onFlushError?: (error: unknown) => void;
}

export class UsageAggregator {
  /** hash key → field → amount not yet written. */
  private pending = new Map<string, Map<string, number>>();
  /**
   * `fields` hash key → an operation's field list → requests not yet counted into `pending`. A request
   * counts its operation once here; the per-field increments are made when flushing, off the request path.
   */
  private pendingFieldSets = new Map<string, Map<readonly string[], number>>();
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout | null;
  private readonly now: () => number;
  /** The last bucket whose `recorded` mark was written; null until the first flush writes one. */
  private markedThrough: number | null = null;
  /** The bucket this aggregator started recording in. */
  private readonly recordingFrom: number;

  constructor(private readonly options: UsageAggregatorOptions) {
    this.now = options.now ?? Date.now;
    this.recordingFrom = this.bucketOf(this.now());
    this.timer =
      options.flushIntervalMs > 0
        ? setInterval(() => void this.flush().catch(() => {}), options.flushIntervalMs)
        : null;
    this.timer?.unref();
  }

  record(event: UsageEvent): void {
    const bucketStart = Math.floor(event.at / this.options.bucketMs) * this.options.bucketMs;
    const hashes = this.hashesOf(bucketStart);
    const slot = latencySlot(event.latencyMs);
    const series = this.seriesOf(event);
    let errorCount = 0;
    for (const code in event.errorCodes) errorCount += event.errorCodes[code];

    add(hashes.operations, series.requests, 1);
    add(hashes.operations, (series.latency[slot] ??= series.prefix + encodedLatency(slot)), 1);
    if (errorCount > 0) add(hashes.operations, series.errors, 1);
    for (const code in event.errorCodes)
      add(
        hashes.operations,
        series.prefix + encodeURIComponent(`error:${code}`),
        event.errorCodes[code],
      );

    hashes.fieldSets.set(series.fields, (hashes.fieldSets.get(series.fields) ?? 0) + 1);

    for (const { stage, failed } of event.stages) {
      const fields = this.stageFieldsOf(stage, event.consumer);
      add(hashes.stages, fields.requests, 1);
      add(hashes.stages, (fields.latency[slot] ??= fields.prefix + encodedLatency(slot)), 1);
      if (failed) add(hashes.stages, fields.errors, 1);
    }
  }

  // The store fields of a series, encoded once (usageField per request was most of a record's cost).
  private readonly series = new LRUCache<string, SeriesFields>({ max: MAX_CACHED_SERIES });
  private readonly stageFields = new LRUCache<string, StageFields>({ max: MAX_CACHED_SERIES });
  private bucket: {
    start: number;
    pending: Map<string, Map<string, number>>;
    operations: Map<string, number>;
    fieldSets: Map<readonly string[], number>;
    stages: Map<string, number>;
  } | null = null;

  private hashesOf(bucketStart: number) {
    if (this.bucket?.start !== bucketStart || this.bucket.pending !== this.pending) {
      const fieldsKey = usageHashKey(bucketStart, 'fields');
      let fieldSets = this.pendingFieldSets.get(fieldsKey);
      if (!fieldSets) this.pendingFieldSets.set(fieldsKey, (fieldSets = new Map()));
      this.bucket = {
        start: bucketStart,
        pending: this.pending,
        operations: this.hash(usageHashKey(bucketStart, 'operations')),
        fieldSets,
        stages: this.hash(usageHashKey(bucketStart, 'stages')),
      };
    }
    return this.bucket;
  }

  /** Counts the buffered operations' fields into `pending`, one increment per field and operation. */
  private expandFieldSets(): void {
    for (const [key, fieldSets] of this.pendingFieldSets) {
      const fields = this.hash(key);
      for (const [fieldList, requests] of fieldSets)
        for (const field of fieldList) add(fields, field, requests);
    }
    this.pendingFieldSets = new Map();
    this.bucket = null;
  }

  private seriesOf({
    consumer,
    clientName,
    clientVersion,
    operationId,
    operationName,
    coordinates,
  }: UsageEvent): SeriesFields {
    const key = `${consumer}\u0000${clientName}\u0000${clientVersion}\u0000${operationId}\u0000${operationName}`;
    let series = this.series.get(key);
    if (!series) {
      const prefix = `${usageField(consumer, clientName, clientVersion, operationId, operationName)}|`;
      series = {
        prefix,
        requests: `${prefix}requests`,
        errors: `${prefix}errors`,
        latency: [],
        coordinates: [],
        fields: [],
      };
      this.series.set(key, series);
    }
    if (series.coordinates !== coordinates) {
      series.coordinates = coordinates;
      series.fields = coordinates.map((coordinate) =>
        usageField(consumer, clientName, operationId, operationName, coordinate),
      );
    }
    return series;
  }

  private stageFieldsOf(stage: string, consumer: string): StageFields {
    const key = `${stage}\u0000${consumer}`;
    let fields = this.stageFields.get(key);
    if (!fields) {
      const prefix = `${usageField(stage, consumer)}|`;
      fields = { prefix, requests: `${prefix}requests`, errors: `${prefix}errors`, latency: [] };
      this.stageFields.set(key, fields);
    }
    return fields;
  }

  /** Increments waiting for the next flush. */
  pendingFieldCount(): number {
    this.expandFieldSets();
    let count = 0;
    for (const fields of this.pending.values()) count += fields.size;
    return count;
  }

  /** Writes everything buffered in one store call; on failure keeps it and rejects. Concurrent calls share one flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stops the timer and flushes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private bucketOf(at: number): number {
    return Math.floor(at / this.options.bucketMs) * this.options.bucketMs;
  }

  /** The `recorded` marks not yet written: every bucket from the last one marked (or the first) to now's, within retention. */
  private unwrittenMarks(now: number): number[] {
    const { bucketMs, retentionMs } = this.options;
    const current = this.bucketOf(now);
    const oldestKept = this.bucketOf(now - retentionMs) + bucketMs;
    const first = Math.max(
      this.markedThrough === null ? this.recordingFrom : this.markedThrough + bucketMs,
      oldestKept,
    );
    const marks: number[] = [];
    for (let bucket = first; bucket <= current; bucket += bucketMs) marks.push(bucket);
    return marks;
  }

  private async write(): Promise<void> {
    this.expandFieldSets();
    const batch = this.pending;
    this.pending = new Map();
    const now = this.now();
    const increments: { key: string; field: string; amount: number }[] = [];
    let newestEnd = 0;
    const marks = this.unwrittenMarks(now);
    for (const bucket of marks) {
      increments.push({ key: usageHashKey(bucket, 'recorded'), field: 'flushes', amount: 1 });
      newestEnd = Math.max(newestEnd, bucket + this.options.bucketMs);
    }
    for (const [key, fields] of batch) {
      const bucketEnd = parseUsageHashKey(key)!.bucketStart + this.options.bucketMs;
      if (bucketEnd + this.options.retentionMs <= now) continue;
      newestEnd = Math.max(newestEnd, bucketEnd);
      for (const [field, amount] of fields) increments.push({ key, field, amount });
    }
    if (increments.length === 0) return;
    // Every hash of the batch lives until the newest bucket's end plus retention: older ones a little longer, never shorter.
    const ttlSeconds = Math.ceil((newestEnd + this.options.retentionMs - now) / 1000);
    try {
      await this.options.store.incrementFields(increments, ttlSeconds);
      if (marks.length > 0) this.markedThrough = marks[marks.length - 1];
    } catch (error) {
      // Marks are not put back: the next flush computes them again from markedThrough.
      for (const { key, field, amount } of increments.slice(marks.length))
        add(this.hash(key), field, amount);
      this.options.onFlushError?.(error);
      throw error;
    }
  }

  private hash(key: string): Map<string, number> {
    let fields = this.pending.get(key);
    if (!fields) this.pending.set(key, (fields = new Map()));
    return fields;
  }
}

/** Series whose encoded fields are kept; beyond, the least recently seen are encoded again (client names and versions are the client's choice). */
const MAX_CACHED_SERIES = 10_000;

interface SeriesFields {
  /** The encoded dimensions and a trailing `|`: a metric is appended. */
  prefix: string;
  requests: string;
  errors: string;
  /** By latency slot, filled as slots are seen. */
  latency: string[];
  /** The coordinates `fields` were built for (the usage module hands the same array for the same operation). */
  coordinates: readonly string[];
  fields: string[];
}

type StageFields = Pick<SeriesFields, 'prefix' | 'requests' | 'errors' | 'latency'>;

const encodedLatency = (slot: number) => encodeURIComponent(latencyMetric(slot));

function add(fields: Map<string, number>, field: string, amount: number): void {
  fields.set(field, (fields.get(field) ?? 0) + amount);
}
