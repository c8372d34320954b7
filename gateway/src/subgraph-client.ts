import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { CORRELATION_HEADER } from '@switchyard/kit';
import type { GatewayContext } from './context';

export interface SubgraphClientOptions {
  /** Give up on a subgraph call after this long (ms). */
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph origin. */
  connectionsPerSubgraph: number;
}

/** One keep-alive connection pool shared by every subgraph call of the gateway. */
export function createSubgraphAgent(options: SubgraphClientOptions): Agent {
  return new Agent({ connections: options.connectionsPerSubgraph, keepAliveTimeout: 30_000, pipelining: 1 });
}

/**
 * The gateway's HTTP client to one subgraph: pooled keep-alive connections (undici), a timeout,
 * and the request's correlation id forwarded on every call.
 */
export class SubgraphClient extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, agent: Agent, options: SubgraphClientOptions) {
    super({
      url,
      fetcher: ((input: string, init: Record<string, unknown>) =>
        undiciFetch(input, { ...init, dispatcher: agent, signal: AbortSignal.timeout(options.subgraphTimeoutMs) } as never)) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.correlationId) request.http?.headers.set(CORRELATION_HEADER, context.correlationId);
  }
}
