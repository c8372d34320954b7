/**
 * Order-to-cash stages: each root field declares the stage it serves with
 * `@tag(name: "stage:<stage>")` in its subgraph; composition carries the tag into the supergraph,
 * where this reads it. Usage counts requests, errors and latency per stage and consumer
 * (usage-aggregator.ts), and the stage report sets them against the configured SLA.
 */
import { Kind, parse, type ConstValueNode } from 'graphql';
import { emptyHistogram, mergeHistogram, parseUsageField, percentileOf } from './usage-aggregator';

export const STAGE_TAG_PREFIX = 'stage:';

/** The service level of one stage: a breach when the p95 latency or the error rate is over. */
export interface StageSla {
  /** 95th-percentile latency (ms) not to exceed. */
  p95Ms: number;
  /** Share of requests with an error (0..1) not to exceed. */
  errorRate: number;
}

/** Root field coordinate (`Query.orders`, `Mutation.placeOrder`) → its stage, from the supergraph SDL. */
export function stagesOfRootFields(supergraphSdl: string): Map<string, string> {
  const document = parse(supergraphSdl);
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      roots.clear();
      for (const { type } of definition.operationTypes) roots.add(type.name.value);
    }
  }
  const stages = new Map<string, string>();
  for (const definition of document.definitions) {
    if (
      (definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
        definition.kind !== Kind.OBJECT_TYPE_EXTENSION) ||
      !roots.has(definition.name.value)
    )
      continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'tag') continue;
        const name = stringValue(
          directive.arguments?.find((argument) => argument.name.value === 'name')?.value,
        );
        if (name?.startsWith(STAGE_TAG_PREFIX))
          stages.set(
            `${definition.name.value}.${field.name.value}`,
            name.slice(STAGE_TAG_PREFIX.length),
          );
      }
    }
  }
  return stages;
}

function stringValue(value: ConstValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING ? value.value : undefined;
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
