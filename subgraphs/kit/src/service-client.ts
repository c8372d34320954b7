import { GraphQLError } from 'graphql';
import { Agent, request } from 'undici';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';
import { ErrorCode } from './errors';
import { IDENTITY_HEADER, type CallerIdentity } from './identity-header';
import { SignedIdentityCache } from './signed-identity-cache';

/**
 * Synchronous subgraph-to-subgraph calls: GraphQL over HTTP to another subgraph's /graphql, signed
 * with a service identity (`service:<caller>`, every row) for that subgraph alone (`aud`), carrying
 * the correlation id, with a timeout.
 * Used where the caller must wait (placeOrder's credit, price, stock and tax checks).
 */
export interface ServiceClient {
  /**
   * The data of one GraphQL request to `subgraph`. Throws DependencyUnavailableError when the subgraph
   * cannot be reached, answers late (after `timeoutMs`), answers an HTTP error, or answers GraphQL errors
   * without data.
   *
   * A partial answer (data AND errors) resolves to its data: the fields that failed are null, and the
   * caller decides whether a null it needs makes the dependency unavailable.
   */
  query<Data = any>(
    subgraph: string,
    query: string,
    variables?: Record<string, unknown>,
    options?: ServiceCallOptions,
  ): Promise<Data>;
}

export interface ServiceCallOptions {
  /** Default: the client's timeout (2 s unless configured). */
  timeoutMs?: number;
  /** Sent as x-correlation-id; a new id when absent or malformed. */
  correlationId?: string;
}

/** A dependency that is down, slow or broken; callers turn it into a DEPENDENCY_UNAVAILABLE hold or a retry. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly subgraph: string,
    readonly reason:
      'unreachable' | 'timeout' | 'http-error' | 'graphql-error' | 'unknown-subgraph',
    detail: string,
  ) {
    super(`${subgraph} is unavailable (${reason}): ${detail}`);
    this.name = 'DependencyUnavailableError';
  }
}

export function dependencyUnavailable(error: DependencyUnavailableError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
      subgraph: error.subgraph,
      reason: error.reason,
    },
  });
}

export interface ServiceClientOptions {
  /** The calling subgraph's name: the callee sees `service:<caller>`. */
  caller: string;
  /**
   * Subgraph name → its GraphQL URL (`http://127.0.0.1:4004/graphql`). A function is asked on every call,
   * for hosts that learn the URLs after the client is made (ports chosen at listen time).
   */
  urls: ReadonlyMap<string, string> | (() => ReadonlyMap<string, string>);
  /** The secret every subgraph verifies x-switchyard-identity with (the gateway's). */
  identitySecret: string;
  /** Give up on a call after this long, unless the call says otherwise. Default 2000 ms. */
  timeoutMs?: number;
}

/** A ServiceClient that holds keep-alive connections; `close` drops them (with the subgraph that owns it). */
export interface ClosableServiceClient extends ServiceClient {
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 2000;

export function createServiceClient(options: ServiceClientOptions): ClosableServiceClient {
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  assertTimeout(defaultTimeoutMs);
  // One pool for every callee: keep-alive connections per origin, so a call does not pay a TCP handshake.
  const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000, pipelining: 1 });
  const urlsOf =
    typeof options.urls === 'function'
      ? options.urls
      : () => options.urls as ReadonlyMap<string, string>;
  const identity: Omit<CallerIdentity, 'exp'> = {
    id: `service:${options.caller}`,
    kind: 'service',
    scopes: [],
    tenant: null,
  };
  const identities = new SignedIdentityCache<Omit<CallerIdentity, 'exp'>>({
    secret: options.identitySecret,
    identityOf: (caller) => caller,
    keyOf: (caller) => caller.id,
  });

  return {
    async query<Data>(
      subgraph: string,
      query: string,
      variables?: Record<string, unknown>,
      callOptions: ServiceCallOptions = {},
    ): Promise<Data> {
      const url = urlsOf().get(subgraph);
      if (!url)
        throw new DependencyUnavailableError(
          subgraph,
          'unknown-subgraph',
          `${options.caller} has no URL for it`,
        );
      const timeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
      assertTimeout(timeoutMs);
      // One signal for connecting, waiting and reading the body: the whole call is bounded.
      const signal = AbortSignal.timeout(timeoutMs);
      let status: number;
      let text: string;
      try {
        const response = await request(url, {
          method: 'POST',
          dispatcher: agent,
          signal,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            [IDENTITY_HEADER]: identities.headerFor(identity, subgraph),
            [CORRELATION_HEADER]: correlationIdFrom(callOptions.correlationId),
          },
          body: JSON.stringify({ query, variables: variables ?? {} }),
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        if (signal.aborted)
          throw new DependencyUnavailableError(
            subgraph,
            'timeout',
            `no answer within ${timeoutMs} ms`,
          );
        throw new DependencyUnavailableError(subgraph, 'unreachable', describe(error));
      }
      const body = parseJson(text);
      if (status < 200 || status >= 300) {
        const first = firstErrorMessage(body);
        throw new DependencyUnavailableError(
          subgraph,
          'http-error',
          `HTTP ${status}${first ? `: ${first}` : ''}`,
        );
      }
      if (!isObject(body))
        throw new DependencyUnavailableError(
          subgraph,
          'http-error',
          `HTTP ${status} with a body that is not a GraphQL response`,
        );
      if (body.data === null || body.data === undefined) {
        throw new DependencyUnavailableError(
          subgraph,
          'graphql-error',
          firstErrorMessage(body) ?? 'no data and no error message',
        );
      }
      return body.data as Data;
    },
    async close() {
      await agent.destroy();
    },
  };
}

function assertTimeout(ms: number) {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${ms}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstErrorMessage(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.errors)) return undefined;
  const message = (body.errors[0] as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
