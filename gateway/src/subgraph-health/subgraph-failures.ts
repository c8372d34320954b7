import { GraphQLError } from 'graphql';
import { GovernanceCode } from '../governance/errors';
import type { CircuitSnapshot } from './circuit-breaker';

/**
 * The errors of a subgraph call that got no usable answer, as the client reads them: a stable code
 * (SUBGRAPH_TIMEOUT past the deadline; SUBGRAPH_UNAVAILABLE unreachable, answering 502/503/504, or
 * not called while its circuit is open) and `serviceName`; never the subgraph's address. The plan
 * executor gives each the path of every field the failed fetch was to fill.
 */

export function subgraphTimeout(serviceName: string, deadlineMs: number): GraphQLError {
  return new GraphQLError(
    `Subgraph "${serviceName}" did not answer within its deadline of ${deadlineMs} ms`,
    { extensions: { code: GovernanceCode.SUBGRAPH_TIMEOUT, serviceName } },
  );
}

export function subgraphUnavailable(serviceName: string, reason: string): GraphQLError {
  return new GraphQLError(`Subgraph "${serviceName}" is unavailable: ${reason}`, {
    extensions: { code: GovernanceCode.SUBGRAPH_UNAVAILABLE, serviceName },
  });
}

/** A call refused by the subgraph's open circuit: failed at once, the network untouched. */
export function circuitOpen(serviceName: string, circuit: CircuitSnapshot): GraphQLError {
  const probe =
    circuit.state === 'half-open'
      ? 'a probe is in flight'
      : `the next probe is in ${Math.ceil((circuit.probeInMs ?? 0) / 1000)} s`;
  return subgraphUnavailable(
    serviceName,
    `its circuit is open after ${circuit.consecutiveFailures} consecutive failures; ${probe}`,
  );
}

/** The HTTP statuses a proxy or the subgraph answers when it cannot serve now (retry later). */
export const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Words for the connection failures a client may see (the rest are named by their code). */
const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed before it answered',
  UND_ERR_CLOSED: 'connection closed before it answered',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EAI_AGAIN: 'host not found',
};

/**
 * A transport error of undici (thrown before any answer) as the client's error. `deadlineHit`: the
 * gateway's own deadline aborted the call.
 */
export function transportFailure(
  serviceName: string,
  error: unknown,
  deadlineMs: number,
  deadlineHit: boolean,
): GraphQLError {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
  if (deadlineHit || (code && TIMEOUT_CODES.has(code)))
    return subgraphTimeout(serviceName, deadlineMs);
  return subgraphUnavailable(
    serviceName,
    (code && CONNECTION_FAILURES[code]) ?? `unreachable${code ? ` (${code})` : ''}`,
  );
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
