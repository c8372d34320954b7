/**
 * The one duration grammar of Switchyard's configuration: a whole number from 1 and a unit,
 * `<n>s`, `<n>m`, `<n>h` or `<n>d` (`30s`, `5m`, `2h`, `7d`). Rate windows add `month` on top
 * (a calendar month is not a fixed length, so it is not a duration).
 */

/** The accepted forms, for messages. */
export const DURATION_FORMS = '<n>s, <n>m, <n>h or <n>d';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]*)(s|m|h|d)$/;

/** Milliseconds of a duration; undefined when `text` is not one (nothing is trimmed or guessed). */
export function durationMsOf(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Milliseconds of a duration; anything else is an error naming the accepted forms. */
export function parseDuration(text: string): number {
  const ms = durationMsOf(text);
  if (ms === undefined)
    throw new Error(`"${text}" is not a duration: use ${DURATION_FORMS} (e.g. 30s, 5m, 2h, 7d)`);
  return ms;
}
