import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';

/** Stable codes of the refusals the governance modules answer with. */
export const GovernanceCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED_FIELD_OR_TYPE: 'UNAUTHORIZED_FIELD_OR_TYPE',
  PERSISTED_QUERY_REQUIRED: 'PERSISTED_QUERY_REQUIRED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
  CLIENT_NAME_REQUIRED: 'CLIENT_NAME_REQUIRED',
  OPERATION_NAME_REQUIRED: 'OPERATION_NAME_REQUIRED',
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

  constructor(code: GovernanceCode | string, message: string, options: { status?: number; headers?: Record<string, string>; details?: Record<string, unknown> } = {}) {
    const status = options.status ?? 400;
    const headers = options.headers ?? {};
    super(message, { extensions: { code, ...options.details, http: { status, headers: new HeaderMap(Object.entries(headers)) } } });
    this.status = status;
    this.headers = headers;
  }

  /** The GraphQL-over-HTTP body of this refusal (without the transport-only `http` extension). */
  toResponseBody(): { errors: { message: string; extensions: Record<string, unknown> }[] } {
    const { http: _http, ...extensions } = this.extensions as Record<string, unknown>;
    return { errors: [{ message: this.message, extensions }] };
  }
}
