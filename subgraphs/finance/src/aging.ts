/**
 * Receivables aging. An invoice is `daysPastDue` whole days late, counting any started day:
 * 0 while not yet due (current), 1 from the first instant after its due date, 30 until 30 full
 * days have passed, and so on. Buckets: current, 1-30, 31-60, 61-90, over 90.
 */

const DAY_MS = 86_400_000;

export function daysPastDue(dueAt: string, asOf: string): number {
  return Math.max(0, Math.ceil((Date.parse(asOf) - Date.parse(dueAt)) / DAY_MS));
}

/**
 * The earliest due date of each bucket as of `asOf` (ISO-8601): an invoice falls in the first
 * bucket whose cutoff its due date is at or after, else over 90. Comparing due dates with fixed
 * cutoffs lets SQL bucket without date arithmetic, the same way in SQLite and PostgreSQL.
 */
export interface AgingCutoffs {
  asOf: string;
  current: string;
  days1To30: string;
  days31To60: string;
  days61To90: string;
}

export function agingCutoffs(asOf: string): AgingCutoffs {
  const daysBefore = (days: number) => new Date(Date.parse(asOf) - days * DAY_MS).toISOString();
  return {
    asOf,
    current: daysBefore(0),
    days1To30: daysBefore(30),
    days31To60: daysBefore(60),
    days61To90: daysBefore(90),
  };
}
