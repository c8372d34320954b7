import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import {
  CORRELATION_HEADER,
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  type SignedIdentityCache,
} from '@switchyard/kit';
import type { GatewayContext } from './context';
import type { SubgraphFetchObserver } from './governance/metrics/metrics';
import { injectTraceContextInto } from './tracing';
import type { Consumer } from './governance/consumer';
import { forwardedIdentityHeaders } from './forwarded-identity';
import type { CircuitBreaker } from './subgraph-health/circuit-breaker';
import {
  UNAVAILABLE_STATUSES,
  circuitOpen,
  subgraphUnavailable,
  transportFailure,
} from './subgraph-health/subgraph-failures';
import { DeadlinePassed, InflightCall, type RawAnswer } from './subgraph-fetch/inflight-call';
import {
  isShareableOperation,
  askerOf,
  InflightCalls,
  type SharedCallCounts,
} from './subgraph-fetch/deduplication';

export { callerIdentityOf } from './forwarded-identity';

export interface SubgraphClientOptions {
  /** The deadline of one call (ms): past it the call is abandoned and its fields answer SUBGRAPH_TIMEOUT. */
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph origin. */
  connectionsPerSubgraph: number;
  /** Signs the x-switchyard-identity header subgraphs verify. Default: DEVELOPMENT_IDENTITY_SECRET (as the subgraphs'). */
  identitySecret?: string;
  /** Told the subgraph, duration and success of every call (governance/metrics/metrics.ts `observeSubgraphFetch`). Default: none. */
  observeFetch?: SubgraphFetchObserver;
  /** The subgraph's circuit (subgraph-health/): consulted before each call, told how it ended. Default: none, always called. */
  circuit?: CircuitBreaker;
  /** Told every call the subgraph answered with a 2xx (traffic sampling); synchronous, must not throw. Default: none. */
  sampleExchange?: (exchange: SubgraphExchange) => void;
  /**
   * Whether a query identical to one in flight to this subgraph (same signed identity, headers and
   * body) waits for its answer instead of being sent (SUBGRAPH_DEDUPLICATION). Default: false.
   */
  deduplicateSubgraphRequests?: boolean;
  /** Told each call answered by a call in flight (the shared-requests metric). Default: none. */
  sharedCalls?: SharedCallCounts;
}

/** One call a subgraph answered: what was asked, by which request, and the answer. */
export interface SubgraphExchange {
  subgraph: string;
  request: GraphQLDataSourceProcessOptions['request'];
  response: GatewayGraphQLResponse;
  /** The incoming request's context: its consumer is the identity forwarded to the subgraph. */
  context: GatewayContext | undefined;
  durationMs: number;
}

/** One keep-alive connection pool shared by every subgraph call of the gateway, its socket timeouts a backstop of the calls' deadlines. */
export function createSubgraphAgent(options: SubgraphClientOptions): Agent {
  return new Agent({
    connections: options.connectionsPerSubgraph,
    keepAliveTimeout: 30_000,
    pipelining: 1,
    headersTimeout: backstopOf(options.subgraphTimeoutMs),
    bodyTimeout: backstopOf(options.subgraphTimeoutMs),
  });
}

/** undici's own timeouts, a second behind the deadline: the deadline decides (after an I/O poll), they only catch what it missed. */
const backstopOf = (deadlineMs: number) => deadlineMs + 1_000;

/** Of a call others may join within its first deadline: behind the last joiner's deadline. */
const shareableBackstopOf = (deadlineMs: number) => backstopOf(2 * deadlineMs);

type RequestOptions = Pick<
  Dispatcher.DispatchOptions,
  'origin' | 'path' | 'method' | 'headersTimeout' | 'bodyTimeout'
>;

type IncomingOperation = GraphQLDataSourceProcessOptions<GatewayContext> & {
  incomingRequestContext?: { overallCachePolicy?: unknown };
};

/**
 * The gateway's HTTP client to one subgraph: pooled keep-alive connections (undici's dispatcher API,
 * no WHATWG Request/Response per call), a deadline, the subgraph's circuit, the request's correlation
 * id, its consumer's identity signed for this subgraph and the trace context forwarded on every call.
 * A call with no usable answer throws SUBGRAPH_TIMEOUT or SUBGRAPH_UNAVAILABLE (subgraph-failures.ts).
 */
export class SubgraphClient extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly observeFetch?: SubgraphFetchObserver;
  private readonly circuit?: CircuitBreaker;
  private readonly sampleExchange?: (exchange: SubgraphExchange) => void;
  private readonly deadlineMs: number;
  private readonly identities: SignedIdentityCache<Consumer | null>;
  private readonly requestOptions: RequestOptions;
  private readonly shareableRequestOptions: RequestOptions;
  /** The calls in flight that identical queries may join; none when deduplication is off. */
  private readonly inflight?: InflightCalls;
  private readonly sharedCalls?: SharedCallCounts;

  /** `subgraphName`: the subgraph's name in the supergraph, the audience of the identities it is sent and the label of this client's fetch metrics. */
  constructor(
    url: string,
    private readonly agent: Agent,
    options: SubgraphClientOptions,
    private readonly subgraphName: string,
  ) {
    super({ url });
    const target = new URL(url);
    // Also per request: an agent made elsewhere (tests) or for another deadline keeps this subgraph's backstop.
    this.requestOptions = {
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headersTimeout: backstopOf(options.subgraphTimeoutMs),
      bodyTimeout: backstopOf(options.subgraphTimeoutMs),
    };
    const shareableBackstop = shareableBackstopOf(options.subgraphTimeoutMs);
    this.shareableRequestOptions = {
      ...this.requestOptions,
      headersTimeout: shareableBackstop,
      bodyTimeout: shareableBackstop,
    };
    if (options.deduplicateSubgraphRequests) this.inflight = new InflightCalls();
    this.sharedCalls = options.sharedCalls;
    this.identities = forwardedIdentityHeaders(
      options.identitySecret ?? DEVELOPMENT_IDENTITY_SECRET,
    );
    this.observeFetch = options.observeFetch;
    this.circuit = options.circuit;
    this.sampleExchange = options.sampleExchange;
    this.deadlineMs = options.subgraphTimeoutMs;
  }

  /**
   * A failed call is one that threw: unreachable, past its deadline, or a non-2xx answer (GraphQL
   * errors in a 200 are answers). An open circuit fails the call before it is made. A query identical
   * to one in flight (same identity, headers and body) waits for that call's answer instead of being
   * sent, when deduplication is on: only the call that was sent counts for the circuit and the fetch
   * metrics.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    if (!request.query) throw new Error('Missing query');
    const identity = this.identities.headerFor(context?.consumer ?? null, this.subgraphName);
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    const forwarded = request.http?.headers;
    // Who may share this call: set for a query when deduplication is on.
    const asker =
      this.inflight && isShareableOperation(request.query)
        ? askerOf(identity, forwarded ? [...forwarded].join('\n') : '')
        : undefined;
    const started = performance.now();
    const joined = asker === undefined ? undefined : this.inflight!.get(asker, body);
    // Joined only within its first deadline, so no caller waits on it past its backstop (shareableBackstopOf).
    if (joined?.open && started - joined.startedAt < this.deadlineMs) {
      this.sharedCalls?.count(this.subgraphName);
      const response = this.responseOf(options, await this.answerOf(joined));
      this.sample(options, response, started);
      return response;
    }

    const circuit = this.circuit;
    if (circuit && !circuit.admit()) throw circuitOpen(this.subgraphName, circuit.snapshot());
    try {
      const call = this.send(identity, context?.correlationId, forwarded, body, asker);
      const response = this.responseOf(options, await this.answerOf(call));
      const seconds = (performance.now() - started) / 1000;
      circuit?.succeeded();
      this.observeFetch?.(this.subgraphName, seconds, true);
      this.sample(options, response, started);
      return response;
    } catch (error) {
      if (isSubgraphFault(error)) circuit?.failed();
      else circuit?.succeeded();
      this.observeFetch?.(this.subgraphName, (performance.now() - started) / 1000, false);
      throw error;
    }
  }

  /** Starts the HTTP call, held as in flight while it is when it may be shared (`asker` set). */
  private send(
    identity: string,
    correlationId: string | undefined,
    forwarded: Iterable<[string, string]> | undefined,
    body: string,
    asker: string | undefined,
  ): InflightCall {
    const headers: Record<string, string> = {};
    // What @apollo/gateway asks for on this fetch (e.g. `apollo-federation-include-trace`).
    if (forwarded) for (const [name, value] of forwarded) headers[name] = value;
    headers['content-type'] = 'application/json';
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    headers[IDENTITY_HEADER] = identity;
    injectTraceContextInto(headers);

    const shared = asker !== undefined && this.inflight;
    const call = shared ? shared.hold(asker, body) : new InflightCall();
    this.agent.dispatch(
      {
        ...(shared ? this.shareableRequestOptions : this.requestOptions),
        headers,
        body,
      },
      call,
    );
    return call;
  }

  /**
   * The call's answer within this caller's deadline, which bounds the whole call (connect, headers
   * and body), not only the wait between two packets.
   */
  private async answerOf(call: InflightCall): Promise<RawAnswer> {
    try {
      return await call.answer(this.deadlineMs);
    } catch (error) {
      throw transportFailure(
        this.subgraphName,
        error,
        this.deadlineMs,
        error instanceof DeadlinePassed,
      );
    }
  }

  /** This caller's own reading of the answer: parsed for it alone (callers sharing an answer never share its objects). */
  private responseOf(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    { statusCode, headers, text }: RawAnswer,
  ): GatewayGraphQLResponse {
    const contentType = headerOf(headers['content-type']);
    const isJson =
      !!contentType &&
      (contentType.startsWith('application/json') ||
        contentType.startsWith('application/graphql-response+json'));
    if (statusCode < 200 || statusCode > 299)
      throw this.errorFromStatus(statusCode, isJson ? parseOrText(text) : text);
    const result: unknown = isJson ? JSON.parse(text) : text;
    if (typeof result !== 'object' || result === null)
      throw new Error(`Expected JSON response body, but received: ${result}`);

    // As RemoteGraphQLDataSource does: a subgraph's Cache-Control restricts the response's cache policy (none: not cacheable).
    const cachePolicy = (options as IncomingOperation).incomingRequestContext
      ?.overallCachePolicy as { restrict?: (hint: object) => void } | undefined;
    if (this.honorSubgraphCacheControlHeader && typeof cachePolicy?.restrict === 'function') {
      cachePolicy.restrict(cacheHintOf(headerOf(headers['cache-control'])));
    }
    return result as GatewayGraphQLResponse;
  }

  /** Tells sampleExchange of an answered call. */
  private sample(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    response: GatewayGraphQLResponse,
    started: number,
  ): void {
    this.sampleExchange?.({
      subgraph: this.subgraphName,
      request: options.request,
      response,
      // Calls of an operation carry its context (the others are @apollo/gateway's health checks).
      context: options.kind === 'incoming operation' ? options.context : undefined,
      durationMs: performance.now() - started,
    });
  }

  /**
   * A non-2xx answer: 502/503/504 is SUBGRAPH_UNAVAILABLE; any other as RemoteGraphQLDataSource's
   * `errorFromResponse` words it (its `response` extension is dropped before the client sees it:
   * subgraph-http-errors.ts).
   */
  private errorFromStatus(status: number, body: unknown): GraphQLError {
    const statusText = STATUS_CODES[status] ?? '';
    if (UNAVAILABLE_STATUSES.has(status))
      return subgraphUnavailable(this.subgraphName, `${status} ${statusText}`);
    const extensions: Record<string, unknown> = {
      response: { url: this.url, status, statusText, body },
    };
    if (status === 401) extensions.code = 'UNAUTHENTICATED';
    else if (status === 403) extensions.code = 'FORBIDDEN';
    return new GraphQLError(`${status}: ${statusText}`, { extensions });
  }
}

/** Whether a failed call speaks of the subgraph's health (for its circuit): anything but a 4xx answer, which is the caller's. */
function isSubgraphFault(error: unknown): boolean {
  const answer = (error as GraphQLError).extensions?.response as { status?: unknown } | undefined;
  return !(typeof answer?.status === 'number' && answer.status < 500);
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `max-age` and `private`/`public` of a Cache-Control header (RemoteGraphQLDataSource's reading of it). */
function cacheHintOf(header: string | undefined): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  if (!header) return hint;
  for (const directive of header.trim().split(/\s*,\s*/)) {
    const [name, raw] = directive.split(/\s*=\s*/, 2);
    const value = raw?.replace(/^"|"$/g, '');
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}
