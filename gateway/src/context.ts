import type { Consumer } from './governance/consumer';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /graphql handler before any governance module runs: how the HTTP side (the request watch) finds what the GraphQL side learned. */
    gatewayContext: GatewayContext | null;
  }
}

/** What the gateway knows about one request while it runs. */
export interface GatewayContext {
  correlationId: string;
  /** performance.now() when the gateway's handler took the request (usage times requests from here). */
  startedAt: number;
  /** The identified consumer; null only when the identity module is off. */
  consumer: Consumer | null;
  /** From the `apollographql-client-name` / `apollographql-client-version` headers. */
  client: { name: string | null; version: string | null };
  /** What the governance modules learned about this request, for the ones after them. */
  governance: GovernanceFacts;
}

/**
 * What a governance module tells the modules after it about a request, one typed fact each. A
 * module's own per-request state is not here: it keeps it in a WeakMap of its own keyed by the
 * request's GatewayContext (as Hive Gateway's plugins do), so no module reads another's.
 */
export interface GovernanceFacts {
  /** The registered operation's id, when the request ran one (trusted document or APQ hash): set by persisted operations, read by usage, audit and the request log. */
  persistedOperationId?: string;
  /** The operation's computed cost: set by limits, charged by rate budgets to the consumer's cost budget. */
  cost?: number;
  /** Field paths removed by field-level authorization, with the requirement each missed. */
  removedFields?: { path: (string | number)[]; requirement: string }[];
}
