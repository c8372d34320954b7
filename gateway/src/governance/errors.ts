import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';

/**
 * Stable codes of every answer a governance module gives: refusals of a GraphQL request and
 * answers of the /admin routes. One list, so a client team (and the README's error table) finds
 * every code here; ManifestReasonCode (persisted-operations/operation-manifest.ts) lists the reasons inside MANIFEST_INVALID.
 */
export const GovernanceCode = {
  // identity
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The JWT issuer's signing keys could not be fetched (503): the issuer's outage, not a bad token. */
  IDENTITY_PROVIDER_UNAVAILABLE: 'IDENTITY_PROVIDER_UNAVAILABLE',
  /** An x-end-user-token that does not verify (401): expired, forged, another issuer or audience, no customer claim. */
  END_USER_UNAUTHENTICATED: 'END_USER_UNAUTHENTICATED',
  /** An x-end-user-token sent by a consumer that accepts none (400): never silently ignored. */
  END_USER_TOKEN_NOT_ACCEPTED: 'END_USER_TOKEN_NOT_ACCEPTED',
  CLIENT_NAME_REQUIRED: 'CLIENT_NAME_REQUIRED',
  OPERATION_NAME_REQUIRED: 'OPERATION_NAME_REQUIRED',
  /** A malformed request: both credentials, a repeated credential header, a bad persisted-query form. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** /admin without governance:admin; an end-user token naming a customer outside the consumer's tenant. */
  FORBIDDEN: 'FORBIDDEN',
  // operation resolution (every gateway, governed or not: operation-resolution.ts)
  /** An operationName the document does not define, or several operations and no operationName (Apollo Server's code). */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** A subscription operation: the gateway serves queries and mutations only. */
  SUBSCRIPTION_NOT_SUPPORTED: 'SUBSCRIPTION_NOT_SUPPORTED',
  /** The query planner finds no way to fetch the operation from the subgraphs (400; execution/operation-plans.ts): no silent nulls. */
  QUERY_PLANNING_FAILED: 'QUERY_PLANNING_FAILED',
  // subgraph calls (every gateway: subgraph-health/subgraph-failures.ts); `serviceName` names the subgraph
  /** Unreachable, answering 502/503/504, or not called while its circuit is open: its fields are null. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** No answer within the subgraph's deadline (SUBGRAPH_TIMEOUT_MS): its fields are null. */
  SUBGRAPH_TIMEOUT: 'SUBGRAPH_TIMEOUT',
  /** A browser request from an origin the consumer may not be called from (403; the governance config's `cors`). */
  CORS_ORIGIN_NOT_ALLOWED: 'CORS_ORIGIN_NOT_ALLOWED',
  // authorization and contracts
  UNAUTHORIZED_FIELD_OR_TYPE: 'UNAUTHORIZED_FIELD_OR_TYPE',
  /** A document with a field outside the consumer's contract (Apollo Server's code for any invalid document). */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  // persisted operations
  PERSISTED_QUERY_REQUIRED: 'PERSISTED_QUERY_REQUIRED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** The query text sent with a hash is not what the hash names. */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** APQ is switched off. */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  MANIFEST_INVALID: 'MANIFEST_INVALID',
  /** Approving or rejecting a submitted manifest an admin already decided (409; partner/manifest-requests.ts). */
  MANIFEST_REQUEST_DECIDED: 'MANIFEST_REQUEST_DECIDED',
  CONSUMER_NOT_FOUND: 'CONSUMER_NOT_FOUND',
  // limits and budgets
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
  // deprecations (deprecations/): both 410, naming the coordinate, its sunset date and its replacement
  /** The operation uses a coordinate past its sunset date, and the consumer holds no waiver for it. */
  FIELD_SUNSET: 'FIELD_SUNSET',
  /** The operation uses a deprecated coordinate during one of its scheduled brownout windows. */
  FIELD_BROWNOUT: 'FIELD_BROWNOUT',
  /** Rate budgets cannot be checked while the store is away and `onStoreUnavailable: deny` (503). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The governance store did not answer where the answer is needed (a registered operation, an admin report): 503, retry. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  // admin routes
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
} as const;
export type GovernanceCode = (typeof GovernanceCode)[keyof typeof GovernanceCode];

/**
 * A refusal by a governance module: a GraphQL error with a stable code, the HTTP status (and
 * headers, such as Retry-After) to answer with, and details a client can act on.
 * Thrown before GraphQL (onRequest) or from an Apollo plugin hook; both end as the same response.
 */
export class GovernanceError extends GraphQLError {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    code: GovernanceCode | string,
    message: string,
    options: {
      status?: number;
      headers?: Record<string, string>;
      details?: Record<string, unknown>;
    } = {},
  ) {
    const status = options.status ?? 400;
    const headers = options.headers ?? {};
    super(message, {
      extensions: {
        code,
        ...options.details,
        http: { status, headers: new HeaderMap(Object.entries(headers)) },
      },
    });
    this.status = status;
    this.headers = headers;
  }

  /** The GraphQL-over-HTTP body of this refusal (without the transport-only `http` extension). */
  toResponseBody(): { errors: { message: string; extensions: Record<string, unknown> }[] } {
    const { http: _http, ...extensions } = this.extensions as Record<string, unknown>;
    return { errors: [{ message: this.message, extensions }] };
  }
}
