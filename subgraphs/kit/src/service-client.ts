import { GraphQLError } from 'graphql';

/**
 * Synchronous subgraph-to-subgraph calls: GraphQL over HTTP to another subgraph's /graphql, signed
 * with a service identity (`service:<caller>`, every row), carrying the correlation id, with a timeout.
 * Used where the caller must wait (placeOrder's credit, price, stock and tax checks).
 */
export interface ServiceClient {
  /**
   * The data of one GraphQL request to `subgraph`. Throws DependencyUnavailableError when the subgraph
   * cannot be reached, answers late (after `timeoutMs`), answers an HTTP error, or answers GraphQL errors
   * without data.
   */
  query<Data = any>(subgraph: string, query: string, variables?: Record<string, unknown>, options?: ServiceCallOptions): Promise<Data>;
}

export interface ServiceCallOptions {
  /** Default: the client's timeout (2 s unless configured). */
  timeoutMs?: number;
  correlationId?: string;
}

/** A dependency that is down, slow or broken; callers turn it into a DEPENDENCY_UNAVAILABLE hold or a retry. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly subgraph: string,
    readonly reason: 'unreachable' | 'timeout' | 'http-error' | 'graphql-error' | 'unknown-subgraph',
    detail: string,
  ) {
    super(`${subgraph} is unavailable (${reason}): ${detail}`);
    this.name = 'DependencyUnavailableError';
  }
}

export function dependencyUnavailable(error: DependencyUnavailableError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: 'DEPENDENCY_UNAVAILABLE', subgraph: error.subgraph, reason: error.reason } });
}
