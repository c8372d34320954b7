/**
 * Order-to-cash stages: each root field declares the stage it serves with
 * `@tag(name: "stage:<stage>")` in its subgraph; composition carries the tag into the supergraph,
 * whose directive index reads it (whatever name the supergraph gives `@tag`). Usage counts
 * requests, errors and latency per stage and consumer (usage-aggregator.ts), and the stage report
 * sets them against the configured SLA.
 */
import type { SupergraphSource } from '../../supergraph-manager';
import { emptyHistogram, mergeHistogram, parseUsageField, percentileOf } from './usage-aggregator';

export const STAGE_TAG_PREFIX = 'stage:';

/** The service level of one stage: a breach when the p95 latency or the error rate is over. */
export interface StageSla {
  /** 95th-percentile latency (ms) not to exceed. */
  p95Ms: number;
  /** Share of requests with an error (0..1) not to exceed. */
  errorRate: number;
}

/** Root field coordinate (`Query.orders`, `Mutation.placeOrder`) → its stage, from the supergraph's API schema and directive index. */
export function stagesOfRootFields(
  supergraph: Pick<SupergraphSource, 'apiSchema' | 'directives'>,
): Map<string, string> {
  const schema = supergraph.apiSchema();
  const { tags } = supergraph.directives;
  const stages = new Map<string, string>();
  for (const root of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    for (const field of Object.keys(root?.getFields() ?? {})) {
      const coordinate = `${root!.name}.${field}`;
      for (const tag of tags.get(coordinate) ?? [])
        if (tag.startsWith(STAGE_TAG_PREFIX))
          stages.set(coordinate, tag.slice(STAGE_TAG_PREFIX.length));
    }
  }
  return stages;
}

export interface StageFigures {
  requests: number;
  /** Requests with an error in this stage. */
  errors: number;
  errorRate: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** True when over the SLA (p95 latency or error rate); false without an SLA or traffic. */
  breached: boolean;
  /** Which SLA terms are over: `p95Ms`, `errorRate`. */
  breaches: ('p95Ms' | 'errorRate')[];
}

export interface StageReport {
  days: number;
  stages: (StageFigures & {
    stage: string;
    sla: StageSla | null;
    consumers: (StageFigures & { consumer: string })[];
  })[];
}

/**
 * The stage report from the `stages` usage hashes of the period: every stage that is tagged in
 * the schema, configured, or seen in usage, with its figures overall and per consumer.
 */
export function stageReport(
  hashes: readonly Record<string, number>[],
  slas: Readonly<Record<string, StageSla>>,
  taggedStages: Iterable<string>,
  days: number,
): StageReport {
  type Tally = { requests: number; errors: number; histogram: number[] };
  const tally = (): Tally => ({ requests: 0, errors: 0, histogram: emptyHistogram() });
  const byStage = new Map<string, { total: Tally; consumers: Map<string, Tally> }>();
  const stageTally = (stage: string) => {
    let entry = byStage.get(stage);
    if (!entry) byStage.set(stage, (entry = { total: tally(), consumers: new Map() }));
    return entry;
  };
  for (const stage of [...taggedStages, ...Object.keys(slas)]) stageTally(stage);

  for (const hash of hashes) {
    for (const [field, amount] of Object.entries(hash)) {
      const [stage, consumer, metric] = parseUsageField(field);
      const entry = stageTally(stage);
      let perConsumer = entry.consumers.get(consumer);
      if (!perConsumer) entry.consumers.set(consumer, (perConsumer = tally()));
      for (const target of [entry.total, perConsumer]) {
        if (metric === 'requests') target.requests += amount;
        else if (metric === 'errors') target.errors += amount;
        else if (metric.startsWith('latency:'))
          mergeHistogram(
            target.histogram,
            slotCount(Number(metric.slice('latency:'.length)), amount),
          );
      }
    }
  }

  const figures = ({ requests, errors, histogram }: Tally, sla: StageSla | null): StageFigures => {
    const errorRate = requests === 0 ? 0 : errors / requests;
    const latencyMs = {
      p50: percentileOf(histogram, 0.5),
      p95: percentileOf(histogram, 0.95),
      p99: percentileOf(histogram, 0.99),
    };
    const breaches: StageFigures['breaches'] = [];
    if (sla && requests > 0) {
      if ((latencyMs.p95 ?? 0) > sla.p95Ms) breaches.push('p95Ms');
      if (errorRate > sla.errorRate) breaches.push('errorRate');
    }
    return { requests, errors, errorRate, latencyMs, breached: breaches.length > 0, breaches };
  };
  return {
    days,
    stages: [...byStage.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stage, { total, consumers }]) => {
        const sla = slas[stage] ?? null;
        return {
          stage,
          sla,
          ...figures(total, sla),
          consumers: [...consumers.entries()]
            .map(([consumer, t]) => ({ consumer, ...figures(t, sla) }))
            .sort((a, b) => b.requests - a.requests || a.consumer.localeCompare(b.consumer)),
        };
      }),
  };
}

function slotCount(slot: number, amount: number): number[] {
  const histogram = emptyHistogram();
  if (slot >= 0 && slot < histogram.length) histogram[slot] = amount;
  return histogram;
}
