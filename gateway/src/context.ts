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
  /** What the governance modules learned about this request, for the ones after them (and usage). */
  governance: {
    /** The registered operation's id, when the request ran one (trusted document or APQ hash). */
    persistedOperationId?: string;
    /** The operation's computed cost (limits), charged to the consumer's cost budget. */
    cost?: number;
    /** Field paths removed by field-level authorization. */
    removedFields?: { path: (string | number)[]; requirement: string }[];
    [key: string]: unknown;
  };
}
