import type { SubgraphBuilder } from './schema-builder';

/**
 * How long one step of the order-to-cash chain took over a window: how many, and the median and 95th
 * percentile in hours (nearest rank: the smallest value with at least p % of the values at or below it);
 * null when none. Orders, shipments and finance measure their steps with it in BusinessHealth.
 */
export interface CycleTime {
  count: number;
  p50Hours: number | null;
  p95Hours: number | null;
}

export function cycleTimeOf(hours: readonly number[]): CycleTime {
  const sorted = [...hours].sort((a, b) => a - b);
  const percentile = (p: number) =>
    sorted.length ? round2(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]) : null;
  return { count: sorted.length, p50Hours: percentile(50), p95Hours: percentile(95) };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Adds the `CycleTime` type to a subgraph's builder and returns it. A @shareable value type: every
 * subgraph that measures a step defines it through here, so their definitions are identical and compose.
 */
export function defineCycleTimeType<Context extends object>(builder: SubgraphBuilder<Context>) {
  return builder.objectRef<CycleTime>('CycleTime').implement({
    description:
      'How long one step of the order-to-cash chain took over a window: how many, median and 95th percentile in hours (null when none).',
    shareable: true,
    fields: (t) => ({
      count: t.exposeInt('count'),
      p50Hours: t.exposeFloat('p50Hours', { nullable: true }),
      p95Hours: t.exposeFloat('p95Hours', { nullable: true }),
    }),
  });
}
