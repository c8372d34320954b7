/**
 * How long a step of the chain took over a window: how many, and the median and 95th percentile in
 * hours (nearest rank: the smallest value with at least p % of the values at or below it); null when none.
 */
export interface CycleTime {
  count: number;
  p50Hours: number | null;
  p95Hours: number | null;
}

export function cycleTimeOf(hours: readonly number[]): CycleTime {
  const sorted = [...hours].sort((a, b) => a - b);
  const percentile = (p: number) => (sorted.length ? round2(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]) : null);
  return { count: sorted.length, p50Hours: percentile(50), p95Hours: percentile(95) };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
