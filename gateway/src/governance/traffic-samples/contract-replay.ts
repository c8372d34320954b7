/**
 * Contract replay: each sampled request of a subgraph sent again, as it was (document, variables,
 * the forwarded identity signed anew for that subgraph), to the deployment the gateway routes to
 * now and to a candidate deployment, and the two answers compared by shape (answer-comparison.ts).
 * Per operation: the differences found, in how many samples and for which consumers. Samples with
 * masked values are not sent; a sample the current deployment does not answer cannot be compared
 * and is counted as skipped. The report carries paths, coordinates, codes: never an answer's value.
 */
import { randomUUID } from 'node:crypto';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CORRELATION_HEADER, IDENTITY_HEADER, signIdentity } from '@switchyard/kit';
import { compareAnswers, type DifferenceKind, type GraphQLAnswer } from './answer-comparison';
import type { SampledOperationWithSamples, TrafficSample } from './sample-store';

export interface ContractReplayRegression {
  kind: DifferenceKind;
  path: string;
  coordinate: string | null;
  detail: string;
  /** Samples it appeared in. */
  samples: number;
  /** The consumers whose samples showed it. */
  consumers: string[];
}

export interface ReplayedOperation {
  /** sha-256 of the document. */
  operationKey: string;
  /** The subgraph operation's name (`<client operation>__<subgraph>__<n>`), when it has one. */
  operationName: string | null;
  /** The client's operation it was planned for (the name's first part), when it has one. */
  clientOperation: string | null;
  /** Samples sent to both deployments and compared. */
  replayed: number;
  /** Samples not compared, by reason. */
  skipped: Record<string, number>;
  consumers: string[];
  regressions: ContractReplayRegression[];
}

/** What POST /admin/contract-replay answers (the registry's check reads it). */
export interface ContractReplayReport {
  subgraph: string;
  /** The deployment the gateway routes to now. */
  current: string;
  candidate: string;
  replayedAt: string;
  replayed: number;
  skipped: number;
  operations: ReplayedOperation[];
}

export interface ContractReplayTarget {
  subgraph: string;
  currentUrl: string;
  candidateUrl: string;
  identitySecret: string;
  /** Per request (ms). */
  timeoutMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  schema: GraphQLSchema;
}

/** An answer body larger than this is not read (a replayed request's answer was one the gateway took). */
const MAX_ANSWER_BYTES = 10_000_000;

export async function replaySamples(
  operations: SampledOperationWithSamples[],
  target: ContractReplayTarget,
  now: () => number = Date.now,
): Promise<ContractReplayReport> {
  const replayedAt = new Date(now()).toISOString();
  const runId = randomUUID();
  const jobs: (() => Promise<void>)[] = [];
  const results = operations.map((operation) => {
    const result: ReplayedOperation = {
      operationKey: operation.key,
      operationName: operation.operationName,
      clientOperation: operation.operationName?.split('__')[0] || null,
      replayed: 0,
      skipped: {},
      consumers: [...new Set(operation.samples.map((sample) => sample.identity.id))].sort(),
      regressions: [],
    };
    const skip = (reason: string) => (result.skipped[reason] = (result.skipped[reason] ?? 0) + 1);
    const regressions = new Map<string, ContractReplayRegression>();
    const document = parsedOrNull(operation.document);
    if (!document) {
      result.skipped['document does not parse'] = operation.samples.length;
      return { result, regressions };
    }
    for (const sample of operation.samples) {
      if (sample.masked.length > 0) {
        skip('holds masked values');
        continue;
      }
      jobs.push(async () => {
        const send = (url: string) => sendSample(url, operation, sample, target, runId);
        const [before, after] = await Promise.all([
          send(target.currentUrl),
          send(target.candidateUrl),
        ]);
        if (before.unanswered) return void skip('the current deployment did not answer');
        result.replayed++;
        for (const difference of compareAnswers(before, after, {
          schema: target.schema,
          document,
        })) {
          const key = `${difference.kind}\u0000${difference.path}\u0000${difference.detail}`;
          const found = regressions.get(key) ?? { ...difference, samples: 0, consumers: [] };
          found.samples++;
          if (!found.consumers.includes(sample.identity.id))
            found.consumers.push(sample.identity.id);
          regressions.set(key, found);
        }
      });
    }
    return { result, regressions };
  });

  await runAll(jobs, target.concurrency);
  const report: ContractReplayReport = {
    subgraph: target.subgraph,
    current: target.currentUrl,
    candidate: target.candidateUrl,
    replayedAt,
    replayed: 0,
    skipped: 0,
    operations: results.map(({ result, regressions }) => ({
      ...result,
      regressions: [...regressions.values()]
        .map((regression) => ({ ...regression, consumers: regression.consumers.sort() }))
        .sort((a, b) => a.path.localeCompare(b.path) || a.kind.localeCompare(b.kind)),
    })),
  };
  for (const operation of report.operations) {
    report.replayed += operation.replayed;
    report.skipped += Object.values(operation.skipped).reduce((sum, count) => sum + count, 0);
  }
  return report;
}

/** The answer, or for a deployment that did not answer with GraphQL, an error saying so (`unanswered`). */
async function sendSample(
  url: string,
  operation: SampledOperationWithSamples,
  sample: TrafficSample,
  target: ContractReplayTarget,
  runId: string,
): Promise<GraphQLAnswer & { unanswered?: true }> {
  const failed = (code: string, message: string) => ({
    unanswered: true as const,
    errors: [{ message, extensions: { code } }],
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CORRELATION_HEADER]: `contract-replay-${runId}`,
        [IDENTITY_HEADER]: signIdentity(
          { ...sample.identity, aud: target.subgraph },
          target.identitySecret,
        ),
      },
      body: JSON.stringify({
        query: operation.document,
        variables: sample.variables ?? undefined,
        operationName: operation.operationName ?? undefined,
      }),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    return failed('UNREACHABLE', `did not answer: ${(error as Error).message}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    return failed('ANSWER_TOO_LARGE', `answered over ${MAX_ANSWER_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return failed(`HTTP_${response.status}`, `answered HTTP ${response.status}, not JSON`);
  }
  if (typeof body !== 'object' || body === null || (!('data' in body) && !('errors' in body)))
    return failed(`HTTP_${response.status}`, `answered HTTP ${response.status}, not GraphQL`);
  const answer = body as GraphQLAnswer;
  // A refusal before execution (4xx with errors) is an answer to compare; a 5xx without data is not one.
  return response.status >= 500 && answer.data === undefined
    ? { ...answer, unanswered: true }
    : answer;
}

async function runAll(jobs: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}

function parsedOrNull(document: string): DocumentNode | null {
  try {
    return parse(document);
  } catch {
    return null;
  }
}
