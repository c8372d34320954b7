import type { Consumer } from './governance/consumer';
import type { DeprecationsAnswer } from './governance/deprecations/deprecations';
import type { FieldAuthorization } from './governance/field-authorization/document-filter';
import type { GraphQLFacts } from './governance/metrics/request-log';
import type { PersistedOperationSource } from './governance/persisted-operations/persisted-operations';
import type { RateBudgetReport } from './governance/rate-budgets/rate-budget';

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
  /** What the governance modules learn about this request, one typed field each. */
  governance: GovernanceState;
}

/**
 * The governance modules' state for one request. Apollo Server hands each hook a shallow clone of
 * the context, so state lives on this object, which every clone shares (a WeakMap keyed by the
 * context would miss between the HTTP and GraphQL phases). Facts are what a module tells the
 * modules after it; a module's own state is read by that module only.
 */
export interface GovernanceState {
  /** Fact: the registered operation's id, when the request ran one (trusted document or APQ hash). Set by persisted operations; read by usage, audit and the request log. */
  persistedOperationId?: string;
  /** Fact: the operation's computed cost. Set by limits; charged by rate budgets to the consumer's cost budget. */
  cost?: number;
  /** Fact: field paths removed by field authorization, with the requirement each missed. */
  removedFields?: { path: (string | number)[]; requirement: string }[];
  /** Persisted operations' own: how the document was found (audit mode records only what is not registered). */
  persistedOperationSource?: PersistedOperationSource;
  /** Persisted operations' own: an APQ document sent with its hash, stored only if the operation passes every check. */
  apqCandidate?: { id: string; text: string };
  /** Rate budgets' own: the budgets this request was counted and charged against, for the response's headers and `extensions.cost`. */
  rateBudget?: RateBudgetReport;
  /** Field authorization's own: the filtered operation, from didResolveOperation to willSendResponse. */
  fieldAuthorization?: FieldAuthorization;
  /**
   * Fact: the operation was refused for a coordinate past its sunset (FIELD_SUNSET), so it ran nothing.
   * Set by deprecations; usage then counts the request but none of its fields: a registry check that
   * removes the coordinate counts a use after the sunset only when the gateway served it (under a waiver).
   */
  refusedPastSunset?: boolean;
  /** Deprecations' own: what the response tells about the deprecated coordinates the operation uses (headers, `extensions.deprecations`). */
  deprecations?: DeprecationsAnswer;
  /** The request log's own: what the GraphQL phases learned, for the Fastify hook that reports the request. */
  requestLog?: GraphQLFacts;
}
