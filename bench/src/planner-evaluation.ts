/**
 * `npm run planner-evaluation` (issue 18): @apollo/query-planner 2.14 against Hive Router's planner
 * (@graphql-hive/router-query-planner), and Hive's plans as Switchyard executes them (fewer
 * requests: gateway/src/execution/planning/fewer-requests.ts), on the correctness cases
 * (gateway/src/execution/federation-correctness.fixtures.ts) and on the bench's workloads over the
 * real supergraph (subgraphs/<name>/schema.graphql composed as the bench composes them). Per
 * operation and planner:
 * - correct: the case's answer is the one the Federation specification implies. Apollo's plans
 *   are run by stock @apollo/gateway, Switchyard's by SwitchyardGateway, over the case's
 *   in-process subgraphs (Hive's raw plans have no executor of their own here);
 * - fetches and requests the plan implies: every `_entities` or root field fetch, and the HTTP
 *   requests they take (a Hive `BatchFetch`, a Switchyard fetch of several `_entities`, is one);
 * - planning CPU time from the operation's text, medians of `--samples N` (25) after 3 discarded to
 *   warm the JIT: cold, the first plan of a planner just built (building is not timed: once per
 *   supergraph); warm, a planner that planned the operation before (neither caches plans: the
 *   gateways keep plans per operation, so a warm plan is what a new operation costs in service).
 * Options: `--samples N`. Progress goes to stderr, the Markdown table to stdout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import {
  QueryPlanner as ApolloQueryPlanner,
  type PlanNode as ApolloPlanNode,
} from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import {
  QueryPlanner as HiveQueryPlanner,
  type PlanNode as HivePlanNode,
} from '@graphql-hive/router-query-planner';
import {
  buildServiceOf,
  correctnessCases,
  isExpectedAnswer,
  supergraphOf,
  type CaseResult,
  type CorrectnessCase,
} from '@switchyard/gateway/src/execution/federation-correctness.fixtures';
import { OperationPlans } from '@switchyard/gateway/src/execution/operation-plans';
import type { PlanNode as SwitchyardPlanNode } from '@switchyard/gateway/src/execution/planning/plan';
import { SwitchyardGateway } from '@switchyard/gateway/src/execution/switchyard-gateway';
import { supergraphForExecution } from '@switchyard/gateway/src/security-features';
import { composeSupergraph } from '@switchyard/gateway/src/supergraph-config';
import { generateDataset } from '@switchyard/seed';
import { Kind, parse, print, visit } from 'graphql';
import { SUBGRAPH_NAMES } from '../../scripts/subgraphs';
import { workloadsOf } from './workloads';

const ROOT = path.resolve(__dirname, '../..');
const WARM_UP_SAMPLES = 3;

/** Apollo's and Hive's planners as they plan; `switchyard`: Hive's plan as Switchyard executes it (planning/fewer-requests.ts applied). */
type PlannerName = 'apollo' | 'hive' | 'switchyard';
const PLANNERS: readonly PlannerName[] = ['apollo', 'hive', 'switchyard'];
/** Who answers a case with each planner's plans: stock @apollo/gateway, SwitchyardGateway. */
const ANSWERED: readonly PlannerName[] = ['apollo', 'switchyard'];

interface PlanCount {
  fetches: number;
  requests: number;
}

interface Row {
  operation: string;
  /** Whether the answer was right, for a correctness case (undefined for a workload). */
  correct?: Partial<Record<PlannerName, boolean>>;
  plans: Record<PlannerName, PlanCount | { error: string }>;
  /** CPU ms, medians: `cold`, the first plan of a planner just built; `warm`, a planner that planned before (no plan cache in either). */
  planningMs: Record<PlannerName, { cold: number; warm: number }>;
}

const log = (message: string) => process.stderr.write(`planner-evaluation: ${message}\n`);

type Plan = (query: string, operationName: string | undefined) => PlanTree;
type PlanTree = ApolloPlanNode | HivePlanNode | SwitchyardPlanNode | undefined;

/** A planner built for `supergraphSdl` (not timed); what it is called with is: the operation's text to its plan. */
function plannerFor(planner: PlannerName, supergraphSdl: string): Plan {
  if (planner === 'apollo') {
    const supergraph = Supergraph.build(supergraphSdl);
    const apiSchema = supergraph.apiSchema();
    const apollo = new ApolloQueryPlanner(supergraph);
    return (query, operationName) =>
      apollo.buildQueryPlan(operationFromDocument(apiSchema, parse(query), { operationName }))
        .node as ApolloPlanNode | undefined;
  }
  if (planner === 'switchyard') {
    const apiSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
    const plans = new OperationPlans(supergraphSdl, apiSchema);
    let planned = 0;
    return (query, operationName) => {
      const operation = plans.operation(parse(query), `query ${planned++}`, operationName);
      if (operation.refusal) throw operation.refusal;
      return operation.plan;
    };
  }
  const hive = new HiveQueryPlanner(supergraphSdl);
  return (query, operationName) => {
    const planned = withoutIntrospection(query);
    return planned ? hive.plan(planned, operationName, new Set(), 0).node : undefined;
  };
}

/** The plan and the CPU ms it took (CPU, not wall time: the machine is shared, and planning is synchronous). */
function timed(plan: Plan, query: string, operationName: string | undefined) {
  const start = process.cpuUsage();
  const node = plan(query, operationName);
  const { user, system } = process.cpuUsage(start);
  return { node, ms: (user + system) / 1000 };
}

/**
 * The operation without its `__schema`/`__type` root fields (null if nothing else is left): Hive's
 * planner plans subgraph fields only, and Switchyard answers introspection from the API schema as
 * Apollo's planner leaves it out of its plan.
 */
function withoutIntrospection(query: string): string | null {
  const introspection = (name: string) => name === '__schema' || name === '__type';
  const document = parse(query);
  let left = false;
  const stripped = visit(document, {
    OperationDefinition(operation) {
      const selections = operation.selectionSet.selections.filter(
        (selection) => selection.kind !== Kind.FIELD || !introspection(selection.name.value),
      );
      left = selections.length > 0;
      return { ...operation, selectionSet: { ...operation.selectionSet, selections } };
    },
  });
  return left ? print(stripped) : null;
}

/** Fetches and HTTP requests a plan implies (both branches of a condition counted). */
function countPlan(node: PlanTree): PlanCount {
  const count: PlanCount = { fetches: 0, requests: 0 };
  const walk = (current: PlanTree): void => {
    if (!current) return;
    switch (current.kind) {
      case 'Fetch':
        // Switchyard's fetch may carry several `_entities` fields (a batch) in its one request.
        count.fetches += 'entities' in current ? Math.max(1, current.entities.length) : 1;
        count.requests++;
        return;
      case 'BatchFetch':
        count.fetches += current.entityBatch.aliases.length;
        count.requests++;
        return;
      case 'Sequence':
      case 'Parallel':
        (current.nodes as PlanTree[]).forEach(walk);
        return;
      case 'Flatten':
        return walk(current.node);
      case 'Condition':
        walk(current.ifClause);
        walk(current.elseClause);
        return;
      default:
        throw new Error(`plan node ${current.kind} is not counted`);
    }
  };
  walk(node);
  return count;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function measure(
  operation: string,
  supergraphSdl: string,
  query: string,
  operationName: string | undefined,
  samples: number,
): Omit<Row, 'correct'> {
  const row: Omit<Row, 'correct'> = {
    operation,
    plans: {} as Row['plans'],
    planningMs: {} as Row['planningMs'],
  };
  for (const planner of PLANNERS) {
    try {
      const cold: number[] = [];
      const warm: number[] = [];
      const planned = plannerFor(planner, supergraphSdl);
      let node: PlanTree;
      for (let sample = 0; sample < WARM_UP_SAMPLES + samples; sample++) {
        const first = timed(plannerFor(planner, supergraphSdl), query, operationName);
        const again = timed(planned, query, operationName);
        node = first.node;
        if (sample < WARM_UP_SAMPLES) continue;
        cold.push(first.ms);
        warm.push(again.ms);
      }
      row.plans[planner] = countPlan(node);
      row.planningMs[planner] = { cold: median(cold), warm: median(warm) };
    } catch (error) {
      row.plans[planner] = { error: (error as Error).message.split('\n')[0] };
      row.planningMs[planner] = { cold: NaN, warm: NaN };
    }
  }
  return row;
}

/** Each operation of the case answered by stock @apollo/gateway and by SwitchyardGateway. */
async function answersOf(
  correctnessCase: CorrectnessCase,
): Promise<Partial<Record<PlannerName, CaseResult>>[]> {
  const supergraphSdl = supergraphOf(correctnessCase);
  const buildService = buildServiceOf(correctnessCase);
  const servers: Partial<Record<PlannerName, ApolloServer>> = {
    apollo: new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, buildService }) }),
    switchyard: new ApolloServer({
      gateway: new SwitchyardGateway({ supergraphSdl, buildService }),
    }),
  };
  await Promise.all(ANSWERED.map((planner) => servers[planner]!.start()));
  try {
    const answers: Partial<Record<PlannerName, CaseResult>>[] = [];
    for (const { query } of correctnessCase.operations) {
      const answer: Partial<Record<PlannerName, CaseResult>> = {};
      for (const planner of ANSWERED) {
        const response = await servers[planner]!.executeOperation({ query });
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        answer[planner] = JSON.parse(JSON.stringify(response.body.singleResult)) as CaseResult;
      }
      answers.push(answer);
    }
    return answers;
  } finally {
    await Promise.all(ANSWERED.map((planner) => servers[planner]!.stop()));
  }
}

/** The supergraph as the gateway executes it (its `for: SECURITY` links enforced by governance). */
function realSupergraph(): string {
  const composed = composeSupergraph(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: `http://${name}.local/graphql`,
      sdl: readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
    })),
  );
  return supergraphForExecution(composed, 'governance');
}

const TITLES: Record<PlannerName, string> = {
  apollo: 'Apollo',
  hive: 'Hive',
  switchyard: 'Switchyard',
};

function renderTable(rows: Row[], samples: number): string {
  const cells = (row: Row, planner: PlannerName) => {
    const plan = row.plans[planner];
    const answered = ANSWERED.includes(planner);
    const correct = !answered
      ? []
      : [row.correct ? (row.correct[planner] ? 'yes' : '**no**') : '—'];
    if ('error' in plan) return [...correct, `planning error: ${plan.error}`, '', ''];
    const { cold, warm } = row.planningMs[planner];
    return [
      ...correct,
      String(plan.fetches),
      String(plan.requests),
      `${cold.toFixed(2)} / ${warm.toFixed(2)}`,
    ];
  };
  const header = [
    'operation',
    ...PLANNERS.flatMap((planner) => [
      ...(ANSWERED.includes(planner) ? [`${TITLES[planner]}: correct`] : []),
      `${TITLES[planner]}: fetches`,
      'requests',
      'plan CPU ms cold / warm',
    ]),
  ];
  const line = (values: string[]) => `| ${values.join(' | ')} |`;
  const total = (planner: PlannerName) =>
    `${rows.filter((row) => row.correct?.[planner]).length} of ${rows.filter((row) => row.correct).length}`;
  return [
    line(header),
    line(header.map(() => '---')),
    ...rows.map((row) =>
      line([row.operation, ...PLANNERS.flatMap((planner) => cells(row, planner))]),
    ),
    '',
    `Correct case operations: Apollo's plans (stock @apollo/gateway) ${total('apollo')}, ` +
      `Switchyard's (Hive's plans after planning/fewer-requests.ts, SwitchyardGateway) ${total('switchyard')}. ` +
      `Plan CPU ms: medians of ${samples} plans from the operation's text, cold (the first plan of a planner ` +
      `built for it, building not timed) / warm (a planner that planned it before), Node ${process.version}.`,
  ].join('\n');
}

async function main() {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '25' } } });
  const samples = Number(values.samples);
  if (!Number.isInteger(samples) || samples < 1) throw new Error('--samples takes a count');
  const rows: Row[] = [];
  for (const correctnessCase of correctnessCases) {
    log(`case ${correctnessCase.number}: ${correctnessCase.name}`);
    const supergraphSdl = supergraphOf(correctnessCase);
    const answers = await answersOf(correctnessCase);
    correctnessCase.operations.forEach((operation, index) => {
      const row = measure(
        `${correctnessCase.number}. ${correctnessCase.name}: ${operation.title}`,
        supergraphSdl,
        operation.query,
        undefined,
        samples,
      );
      const correct = Object.fromEntries(
        ANSWERED.map((planner) => [
          planner,
          isExpectedAnswer(answers[index][planner]!, operation.expected),
        ]),
      );
      rows.push({ ...row, correct });
    });
  }
  const supergraphSdl = realSupergraph();
  const dataset = generateDataset({ seed: 42, scale: 1 });
  for (const workload of workloadsOf(dataset, { order: 1, orders50: 1, persisted: 1 })) {
    log(`workload ${workload.number}: ${workload.title}`);
    rows.push(
      measure(
        `workload ${workload.number}: ${workload.title}`,
        supergraphSdl,
        workload.query,
        workload.operationName,
        samples,
      ),
    );
  }
  process.stdout.write(`${renderTable(rows, samples)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
