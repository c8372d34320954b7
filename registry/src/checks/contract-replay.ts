/**
 * The check's contract replay (`switchyard subgraph check <name> --endpoint <candidate URL>`): the
 * gateway replays the requests it sampled for the subgraph against the candidate deployment and the
 * current one (POST /admin/contract-replay: only the gateway can sign the identities they were sent
 * with), and each difference it finds is a regression of the operation it was found in: an error
 * that did not occur before, a field that became null, a value whose type changed. A regression
 * fails the check like a breaking change used by a consumer, approvable the same way; a replay that
 * could not run fails it too (unknown is not safe); a subgraph no sampled traffic reached passes
 * with a warning (nothing it served could break).
 */
import type {
  ContractReplayReport,
  ContractReplayRegression,
} from '@switchyard/gateway/src/governance/traffic-samples/contract-replay';
import type { GovernanceSources } from './governance-sources';

/** One difference the replay found in one operation. */
export interface ReplayRegression extends ContractReplayRegression {
  /** The client's operation the subgraph request was planned for, else the subgraph operation's name or key. */
  operation: string;
  /** The subgraph operation (`<client operation>__<subgraph>__<n>`) or its document's key. */
  subgraphOperation: string;
}

/** The `replay` section of a check run with an endpoint. */
export interface ContractReplaySection {
  endpoint: string;
  /** False when the replay could not run (`reason` says why). */
  available: boolean;
  reason?: string;
  /** The deployment the gateway routes to now. */
  current?: string;
  operations: number;
  replayed: number;
  skipped: number;
  /** Why samples were not replayed, counted over every operation. */
  skippedReasons: Record<string, number>;
  regressions: ReplayRegression[];
}

export async function contractReplay(
  subgraph: string,
  endpoint: string,
  sources: GovernanceSources,
): Promise<ContractReplaySection> {
  const empty = {
    endpoint,
    operations: 0,
    replayed: 0,
    skipped: 0,
    skippedReasons: {},
    regressions: [],
  };
  if (!sources.replayTraffic)
    return {
      ...empty,
      available: false,
      reason: 'this registry reads no gateway to replay traffic',
    };
  let report: ContractReplayReport;
  try {
    report = await sources.replayTraffic(subgraph, endpoint);
  } catch (error) {
    return { ...empty, available: false, reason: (error as Error).message };
  }
  const skippedReasons: Record<string, number> = {};
  const regressions: ReplayRegression[] = [];
  for (const operation of report.operations) {
    for (const [reason, count] of Object.entries(operation.skipped))
      skippedReasons[reason] = (skippedReasons[reason] ?? 0) + count;
    const subgraphOperation = operation.operationName ?? operation.operationKey.slice(0, 12);
    for (const regression of operation.regressions)
      regressions.push({
        ...regression,
        operation: operation.clientOperation ?? subgraphOperation,
        subgraphOperation,
      });
  }
  return {
    endpoint,
    available: true,
    current: report.current,
    operations: report.operations.length,
    replayed: report.replayed,
    skipped: report.skipped,
    skippedReasons,
    regressions,
  };
}

const WHAT: Record<ReplayRegression['kind'], string> = {
  'new-error': 'answers an error it did not answer before',
  'became-null': 'became null',
  'type-changed': 'changed type',
};

/** The check's failures and warnings from its replay section. */
export function replayFindings(section: ContractReplaySection): {
  failures: string[];
  warnings: string[];
} {
  const failures: string[] = [];
  const warnings: string[] = [];
  const against = `contract replay against ${section.endpoint}`;
  if (!section.available) {
    failures.push(`${against} could not run: ${section.reason} (unknown is not safe)`);
    return { failures, warnings };
  }
  for (const regression of section.regressions) {
    const field = regression.coordinate
      ? `field ${regression.coordinate} at ${regression.path}`
      : `the answer at ${regression.path || '(root)'}`;
    failures.push(
      `${against}: operation ${regression.operation} (${regression.subgraphOperation}): ${field} ${WHAT[regression.kind]} (${regression.detail}) in ${regression.samples} ${regression.samples === 1 ? 'sample' : 'samples'} of ${regression.consumers.join(', ')}`,
    );
  }
  if (section.replayed === 0)
    warnings.push(
      `${against}: no sampled request was replayed (${section.operations} operations sampled${section.skipped > 0 ? `, ${section.skipped} samples skipped` : ''}): nothing to compare`,
    );
  for (const [reason, count] of Object.entries(section.skippedReasons))
    warnings.push(
      `${against}: ${count} ${count === 1 ? 'sample' : 'samples'} not replayed: ${reason}`,
    );
  return { failures, warnings };
}
