import type {
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextExecutionDidStart,
  GraphQLRequestContextResponseForOperation,
  GraphQLRequestContextWillSendResponse,
  GraphQLResponse,
} from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';

/** The GraphQL-over-HTTP request as it arrives (POST body, or GET query parameters). */
export interface GraphQLRequestBody {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: {
    persistedQuery?: { version?: number; sha256Hash?: string };
    [key: string]: unknown;
  };
  /** A trusted document's id (Apollo's `documentId`/`id` forms). */
  documentId?: string;
  id?: string;
}

/** One request in the HTTP phase, before GraphQL parsing. */
export interface GovernedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** May be rewritten, e.g. a persisted document id replaced by its registered text. */
  body: GraphQLRequestBody;
  context: GatewayContext;
  /** Headers to add to the response, whatever its outcome (e.g. rate-limit state). */
  responseHeaders: Record<string, string>;
}

/**
 * One governance concern (identity, authorization, persisted operations, limits, rate budgets,
 * usage, audit, observability) behind one small interface. The gateway calls the modules in the
 * fixed order of `gateway/src/governance/index.ts`: each `onRequest` before any GraphQL work
 * (cheap refusals first), then their operation hooks through the GraphQL phases (one Apollo Server
 * plugin calls them all: operation-plugin.ts). Every hook is optional; a module switched off in the
 * configuration is simply not in the list.
 */
export interface GovernanceModule {
  readonly name: string;
  /** Before parsing: identify, look up a persisted document, refuse early. Throws GovernanceError to refuse. */
  onRequest?(request: GovernedRequest): void | Promise<void>;
  /** Its part in the GraphQL phases, on the parsed and validated operation. */
  operation?: OperationHooks;
  /** Admin routes, registered under /admin behind admin authentication. */
  adminRoutes?(admin: FastifyInstance): void;
  close?(): Promise<void>;
}

/**
 * Apollo Server's request lifecycle hooks a module takes part in, called in module order by the
 * governance plugin. The hooks are shared by every request (no listener per request), so what a
 * module learns about a request between two hooks lives in its own typed field of
 * `contextValue.governance` (GovernanceState in context.ts), as do the facts it tells later
 * modules. A hook that returns nothing is not awaited.
 */
export interface OperationHooks {
  /** Checks on the parsed and validated operation; throw a GovernanceError to refuse it. */
  didResolveOperation?(
    request: GraphQLRequestContextDidResolveOperation<GatewayContext>,
  ): void | Promise<void>;
  /** After every didResolveOperation, before execution: a response here answers the request instead (the first one wins). */
  responseForOperation?(
    request: GraphQLRequestContextResponseForOperation<GatewayContext>,
  ): GraphQLResponse | null | Promise<GraphQLResponse | null>;
  /**
   * The operation passed every check (no didResolveOperation refused, no responseForOperation
   * answered) and runs now. Synchronous: nothing here may delay the request.
   */
  executionDidStart?(request: GraphQLRequestContextExecutionDidStart<GatewayContext>): void;
  /** Accounting and response rewriting, for every response (executed or refused in the GraphQL phases). */
  willSendResponse?(
    request: GraphQLRequestContextWillSendResponse<GatewayContext>,
  ): void | Promise<void>;
}
