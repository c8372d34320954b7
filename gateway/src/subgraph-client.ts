import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { CORRELATION_HEADER, DEVELOPMENT_IDENTITY_SECRET, IDENTITY_HEADER, signIdentity, type CallerIdentity } from '@switchyard/kit';
import type { GatewayContext } from './context';
import type { Consumer } from './governance/consumer';
import type { SubgraphFetchObserver } from './governance/metrics';
import { injectTraceContext } from './governance/tracing';

export interface SubgraphClientOptions {
  /** Give up on a subgraph call after this long (ms). */
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph origin. */
  connectionsPerSubgraph: number;
  /** Signs the x-switchyard-identity header subgraphs verify. Default: DEVELOPMENT_IDENTITY_SECRET (as the subgraphs'). */
  identitySecret?: string;
  /** Told the subgraph, duration and success of every call (metrics.ts `observeSubgraphFetch`). Default: none. */
  observeFetch?: SubgraphFetchObserver;
}

/** One keep-alive connection pool shared by every subgraph call of the gateway. */
export function createSubgraphAgent(options: SubgraphClientOptions): Agent {
  return new Agent({ connections: options.connectionsPerSubgraph, keepAliveTimeout: 30_000, pipelining: 1 });
}

/** Who the gateway calls for when no consumer was identified (an ungoverned gateway): subgraphs treat a service as internal. */
const GATEWAY_SERVICE_IDENTITY: Omit<CallerIdentity, 'exp'> = { id: 'service:gateway', kind: 'service', scopes: [], tenant: null };

/** The identity forwarded for a consumer: only what subgraphs decide rows by, nothing of its credentials. */
export function callerIdentityOf(consumer: Consumer | null): Omit<CallerIdentity, 'exp'> {
  if (!consumer) return GATEWAY_SERVICE_IDENTITY;
  const { id, kind, scopes, tenant, principal } = consumer;
  return { id, kind, scopes: [...scopes], tenant, ...(principal !== undefined ? { principal } : {}) };
}

/**
 * The gateway's HTTP client to one subgraph: pooled keep-alive connections (undici), a timeout,
 * the request's correlation id and its consumer's signed identity forwarded on every call.
 */
export class SubgraphClient extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly identitySecret: string;
  private readonly observeFetch?: SubgraphFetchObserver;

  /** `subgraphName` labels this client's fetch metrics (default: the URL's host). */
  constructor(url: string, agent: Agent, options: SubgraphClientOptions, private readonly subgraphName = new URL(url).host) {
    super({
      url,
      fetcher: ((input: string, init: Record<string, unknown>) =>
        undiciFetch(input, { ...init, dispatcher: agent, signal: AbortSignal.timeout(options.subgraphTimeoutMs) } as never)) as never,
    });
    this.identitySecret = options.identitySecret ?? DEVELOPMENT_IDENTITY_SECRET;
    this.observeFetch = options.observeFetch;
  }

  /** A failed call is one that threw: unreachable, timed out, or a non-2xx answer (GraphQL errors in a 200 are answers). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (!this.observeFetch) return super.process(options);
    const started = performance.now();
    try {
      const response = await super.process(options);
      this.observeFetch(this.subgraphName, (performance.now() - started) / 1000, true);
      return response;
    } catch (error) {
      this.observeFetch(this.subgraphName, (performance.now() - started) / 1000, false);
      throw error;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.correlationId) request.http?.headers.set(CORRELATION_HEADER, context.correlationId);
    // Signed per call (an HMAC over a few hundred bytes): short-lived, so a captured header is soon useless.
    request.http?.headers.set(IDENTITY_HEADER, signIdentity(callerIdentityOf(context?.consumer ?? null), this.identitySecret));
    if (request.http) injectTraceContext(request.http.headers);
  }
}
