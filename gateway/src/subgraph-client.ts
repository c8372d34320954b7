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
  private readonly requestOptions: Pick<
    Dispatcher.RequestOptions,
    'origin' | 'path' | 'method' | 'headersTimeout' | 'bodyTimeout'
  >;

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
   * errors in a 200 are answers). An open circuit fails the call before it is made.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const circuit = this.circuit;
    if (circuit && !circuit.admit()) throw circuitOpen(this.subgraphName, circuit.snapshot());
    const started = performance.now();
    try {
      const response = await this.send(options);
      const seconds = (performance.now() - started) / 1000;
      circuit?.succeeded();
      this.observeFetch?.(this.subgraphName, seconds, true);
      this.sampleExchange?.({
        subgraph: this.subgraphName,
        request: options.request,
        response,
        // Calls of an operation carry its context (the others are @apollo/gateway's health checks).
        context: options.kind === 'incoming operation' ? options.context : undefined,
        durationMs: seconds * 1000,
      });
      return response;
    } catch (error) {
      if (isSubgraphFault(error)) circuit?.failed();
      else circuit?.succeeded();
      this.observeFetch?.(this.subgraphName, (performance.now() - started) / 1000, false);
      throw error;
    }
  }

  private async send(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    // What @apollo/gateway asks for on this fetch (e.g. `apollo-federation-include-trace`).
    if (request.http?.headers)
      for (const [name, value] of request.http.headers) headers[name] = value;
    headers['content-type'] = 'application/json';
    if (context?.correlationId) headers[CORRELATION_HEADER] = context.correlationId;
    headers[IDENTITY_HEADER] = this.identities.headerFor(
      context?.consumer ?? null,
      this.subgraphName,
    );
    injectTraceContextInto(headers);
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });

    let response: Dispatcher.ResponseData;
    let text: string;
    // The deadline bounds the whole call (connect, headers and body), not only the wait between two packets.
    // It aborts after the event loop's next I/O poll (setImmediate): when the gateway's own event loop was
    // blocked past the deadline, an answer that arrived in time is read rather than counted as a timeout.
    const deadline = new AbortController();
    const timer = setTimeout(() => setImmediate(() => deadline.abort()), this.deadlineMs);
    try {
      response = await this.agent.request({
        ...this.requestOptions,
        headers,
        body,
        signal: deadline.signal,
      });
      text = await response.body.text();
    } catch (error) {
      throw transportFailure(this.subgraphName, error, this.deadlineMs, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
    const contentType = headerOf(response.headers['content-type']);
    const isJson =
      !!contentType &&
      (contentType.startsWith('application/json') ||
        contentType.startsWith('application/graphql-response+json'));
    if (response.statusCode < 200 || response.statusCode > 299)
      throw this.errorFromStatus(response.statusCode, isJson ? parseOrText(text) : text);
    const result: unknown = isJson ? JSON.parse(text) : text;
    if (typeof result !== 'object' || result === null)
      throw new Error(`Expected JSON response body, but received: ${result}`);

    // As RemoteGraphQLDataSource does: a subgraph's Cache-Control restricts the response's cache policy (none: not cacheable).
    const cachePolicy = (options as IncomingOperation).incomingRequestContext
      ?.overallCachePolicy as { restrict?: (hint: object) => void } | undefined;
    if (this.honorSubgraphCacheControlHeader && typeof cachePolicy?.restrict === 'function') {
      cachePolicy.restrict(cacheHintOf(headerOf(response.headers['cache-control'])));
    }
    return result as GatewayGraphQLResponse;
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
