/**
 * Rate windows: fixed windows aligned to the epoch in UTC (`1s`, `10s`, `1m`, `1h`, `1d`, ...)
 * and the calendar month in UTC (`month`), so every replica agrees on which window an instant is
 * in and on the store key that counts it, without talking to the others.
 */
import { DURATION_FORMS, durationMsOf } from '@switchyard/kit';

export type RateWindow =
  | { readonly text: string; readonly kind: 'fixed'; readonly ms: number }
  | { readonly text: 'month'; readonly kind: 'month' };

/** One occurrence of a window: [start, end) in epoch ms, and the key its counter is stored under. */
export interface WindowSpan {
  start: number;
  end: number;
  /** `1s@2026-11-01T10:00:01.000Z`, `month@2026-11`: readable in Redis, unique per occurrence. */
  key: string;
}

/** A fixed window longer than this is refused: a monthly budget is `month`, not `30d` or `31d`. */
const LONGEST_FIXED_WINDOW_MS = 31 * 86_400_000;

/** Parses a duration (kit's grammar: `<n>s`, `<n>m`, `<n>h`, `<n>d`) or `month`; anything else is an error naming the accepted forms. */
export function parseWindow(text: string): RateWindow {
  if (text === 'month') return { text, kind: 'month' };
  const ms = durationMsOf(text);
  if (ms === undefined)
    throw new Error(
      `"${text}" is not a rate window: use ${DURATION_FORMS} (e.g. 1s, 10s, 1m, 1h, 1d) or month`,
    );
  if (ms > LONGEST_FIXED_WINDOW_MS)
    throw new Error(`"${text}" is longer than a month: use month for a monthly budget`);
  return { text, kind: 'fixed', ms };
}

/** The occurrence of `window` that contains the instant `now`. */
export function windowAt(window: RateWindow, now: number): WindowSpan {
  if (window.kind === 'month') {
    const date = new Date(now);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    return {
      start: Date.UTC(year, month, 1),
      end: Date.UTC(year, month + 1, 1),
      key: `month@${year}-${String(month + 1).padStart(2, '0')}`,
    };
  }
  const start = Math.floor(now / window.ms) * window.ms;
  return { start, end: start + window.ms, key: `${window.text}@${new Date(start).toISOString()}` };
}

/** Whole seconds until the window ends, at least 1: what `Retry-After` says. */
export function secondsUntilEnd(span: WindowSpan, now: number): number {
  return Math.max(1, Math.ceil((span.end - now) / 1_000));
}
