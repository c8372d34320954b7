/**
 * The deprecations the gateway enforces: the schema registry's `GET /deprecations` feed (each
 * deprecated coordinate with its sunset date, replacement, link, brownout windows and waivers), as
 * validated data, and the holder that the supergraph origin fills and the deprecations module reads.
 *
 * A gateway without REGISTRY_URL (a supergraph file) has an empty feed: no deprecations, no work.
 */
import { z } from 'zod';

/** A time window, in ms since the epoch: `start` included, `end` excluded. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** A consumer's permission to keep using a coordinate after its sunset (and through its brownouts), until `until`. */
export interface Waiver {
  consumer: string;
  until: number;
  reason: string;
}

/** One deprecated coordinate (`Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`) and its lifecycle. */
export interface Deprecation {
  coordinate: string;
  reason: string;
  /** The date as the registry holds it (YYYY-MM-DD); refused from `sunsetAt` on. */
  sunset: string;
  /** 00:00 UTC of `sunset`, in ms since the epoch. */
  sunsetAt: number;
  replacement: string | null;
  link: string | null;
  /** When it was deprecated (ms since the epoch): the `Deprecation` header's date. */
  deprecatedAt: number;
  schemaVersion: number | null;
  /** Scheduled refusals before the sunset, in order of start. */
  brownouts: TimeWindow[];
  waivers: Waiver[];
}

/** The feed as the gateway holds it: its ETag (what the next long-poll sends) and the deprecations by coordinate. */
export interface DeprecationFeedVersion {
  etag: string | null;
  byCoordinate: ReadonlyMap<string, Deprecation>;
}

const SUNSET_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const instant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), {
  error: 'must be an ISO 8601 date-time',
});

const feedSchema = z.object({
  etag: z.string().optional(),
  deprecations: z.array(
    z.object({
      coordinate: z
        .string()
        .regex(/^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*(\([_A-Za-z][_0-9A-Za-z]*:\))?$/, {
          error: 'must be Type.field, Type.field(arg:) or Enum.VALUE',
        }),
      reason: z.string().nullish(),
      sunset: z.string().refine((text) => sunsetInstant(text) !== null, {
        error: 'must be a date YYYY-MM-DD',
      }),
      replacement: z.string().nullish(),
      link: z.string().nullish(),
      deprecatedAt: instant,
      schemaVersion: z.number().int().nullish(),
      brownouts: z.array(z.object({ start: instant, end: instant })).nullish(),
      waivers: z
        .array(
          z.object({ consumer: z.string().min(1), until: instant, reason: z.string().nullish() }),
        )
        .nullish(),
    }),
  ),
});

/** 00:00 UTC of a YYYY-MM-DD date, in ms since the epoch; null for anything else (2027-02-30 included). */
export function sunsetInstant(date: string): number | null {
  const match = SUNSET_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  return back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day
    ? at
    : null;
}

/**
 * Reads the registry's feed body; throws naming the first problem (the caller keeps the feed it
 * had: a feed it cannot read never replaces a good one). A coordinate listed twice keeps its last entry.
 */
export function readDeprecationFeed(body: unknown, etag: string | null): DeprecationFeedVersion {
  const parsed = feedSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `the deprecations feed is not readable: ${issue.path.join('.') || 'body'} ${issue.message}`,
    );
  }
  const byCoordinate = new Map<string, Deprecation>();
  for (const entry of parsed.data.deprecations) {
    const brownouts = (entry.brownouts ?? [])
      .map(({ start, end }) => ({ start: Date.parse(start), end: Date.parse(end) }))
      .filter(({ start, end }) => end > start)
      .sort((a, b) => a.start - b.start);
    byCoordinate.set(entry.coordinate, {
      coordinate: entry.coordinate,
      reason: entry.reason ?? '',
      sunset: entry.sunset,
      sunsetAt: sunsetInstant(entry.sunset)!,
      replacement: entry.replacement ?? null,
      link: entry.link ?? null,
      deprecatedAt: Date.parse(entry.deprecatedAt),
      schemaVersion: entry.schemaVersion ?? null,
      brownouts,
      waivers: (entry.waivers ?? []).map(({ consumer, until, reason }) => ({
        consumer,
        until: Date.parse(until),
        reason: reason ?? '',
      })),
    });
  }
  return { etag: etag ?? parsed.data.etag ?? null, byCoordinate };
}

const EMPTY: DeprecationFeedVersion = { etag: null, byCoordinate: new Map() };

/**
 * The deprecations in force: replaced as a whole when the registry publishes a new feed; listeners
 * (the module's per-operation cache) hear of each replacement.
 */
export class DeprecationFeed {
  private version: DeprecationFeedVersion = EMPTY;
  private readonly listeners: (() => void)[] = [];

  get current(): DeprecationFeedVersion {
    return this.version;
  }

  replace(version: DeprecationFeedVersion): void {
    this.version = version;
    for (const listener of this.listeners) listener();
  }

  onUpdate(listener: () => void): void {
    this.listeners.push(listener);
  }
}
