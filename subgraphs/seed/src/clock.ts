/**
 * Seed dates are relative to a fixed anchor, never to the wall clock, so the same seed gives the
 * same dataset on any day. Orders are placed over the ~180 days before it.
 */
export const SEED_ANCHOR = '2026-11-01T00:00:00.000Z';

export const ANCHOR_MS = Date.parse(SEED_ANCHOR);
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Midnight UTC of the day `days` after (negative: before) the anchor, as ISO-8601. */
export function anchorDay(days: number): string {
  return iso(ANCHOR_MS + Math.round(days) * DAY_MS);
}
