/**
 * What the registry's latest candidate schemas say of one consumer's registered operations: for each
 * subgraph, its newest check run (GET /checks, read with the gateway's REGISTRY_TOKEN) and the
 * registered operations of this consumer that the candidate would break (the check's `operations`
 * section: the registry validates every consumer's registered operations against the candidate).
 * A partner cannot read the registry itself; this is how its own page learns whether its operations
 * survive the changes on their way.
 */

/** One candidate: a subgraph's newest check run, and which of the consumer's operations it breaks. */
export interface CandidateCheck {
  checkId: string;
  subgraph: string;
  createdAt: string;
  /** The check validated registered operations (false: its report has no such section, e.g. composition failed). */
  checked: boolean;
  /** The consumer's operations it breaks, by id. */
  breaks: Record<string, string[]>;
}

export type CandidateChecks =
  { available: true; candidates: CandidateCheck[] } | { available: false; reason: string };

interface ChecksAnswer {
  checks: {
    subgraph: string;
    createdAt: string;
    check: {
      id: string;
      operations?: {
        failures?: { consumer: string; operationId: string; reasons: string[] }[];
        alreadyFailing?: { consumer: string; operationId: string; reasons: string[] }[];
      };
    };
  }[];
}

/** The newest check runs looked at (the registry answers at most 100). */
const CHECKS_READ = 50;

/** How long one read of the registry's checks serves every consumer's page (ms): a page reloaded in a loop costs the registry one read per interval. */
export const CANDIDATE_CHECKS_TTL_MS = 10_000;

export function createCandidateChecks(registry: {
  url: string;
  token: string;
  fetch?: typeof fetch;
  now?: () => number;
}): (consumerId: string) => Promise<CandidateChecks> {
  const get = registry.fetch ?? fetch;
  const now = registry.now ?? Date.now;
  let cached: { at: number; answer: Promise<ChecksAnswer | { unavailable: string }> } | null = null;

  async function read(): Promise<ChecksAnswer | { unavailable: string }> {
    try {
      const response = await get(`${registry.url}/checks?limit=${CHECKS_READ}`, {
        headers: { 'x-api-key': registry.token, accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) return { unavailable: `the registry answered ${response.status}` };
      return (await response.json()) as ChecksAnswer;
    } catch (error) {
      return {
        unavailable: `the registry did not answer (${error instanceof Error ? error.message : String(error)})`,
      };
    }
  }

  return async (consumerId) => {
    if (!cached || now() - cached.at >= CANDIDATE_CHECKS_TTL_MS)
      cached = { at: now(), answer: read() };
    const answer = await cached.answer;
    // A failed read is not kept: the next page asks again.
    if ('unavailable' in answer) {
      cached = null;
      return { available: false, reason: answer.unavailable };
    }
    const newest = new Map<string, ChecksAnswer['checks'][number]>();
    // Newest first: the first run of each subgraph is its latest candidate.
    for (const run of answer.checks) if (!newest.has(run.subgraph)) newest.set(run.subgraph, run);
    const candidates = [...newest.values()].map((run): CandidateCheck => {
      const operations = run.check.operations;
      const breaks: Record<string, string[]> = {};
      for (const failure of [
        ...(operations?.failures ?? []),
        ...(operations?.alreadyFailing ?? []),
      ])
        if (failure.consumer === consumerId)
          breaks[failure.operationId] = [
            ...(breaks[failure.operationId] ?? []),
            ...failure.reasons,
          ];
      return {
        checkId: run.check.id,
        subgraph: run.subgraph,
        createdAt: run.createdAt,
        checked: operations !== undefined,
        breaks,
      };
    });
    return { available: true, candidates };
  };
}
