import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values every subgraph answers with. */
export const ErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The request carries no valid signed identity (x-switchyard-identity): refused before any GraphQL work. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's row scope excludes the row it asked for. */
  FORBIDDEN: 'FORBIDDEN',
  /** A command the record's state does not allow (cancelling a shipped order, paying a VOID invoice). */
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  /** An idempotency key sent again with a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A subgraph this one needed did not answer in time (or answered broken); nothing was changed. */
  DEPENDENCY_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function notFound(typeName: string, id: string): GraphQLError {
  return new GraphQLError(`${typeName} ${JSON.stringify(id)} does not exist`, {
    extensions: { code: ErrorCode.NOT_FOUND, typeName, id },
  });
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument ? { argument } : {}) },
  });
}

/** A row outside the caller's row scope (row-level security). */
export function forbiddenRow(typeName: string): GraphQLError {
  return new GraphQLError(`This ${typeName} is outside the rows the caller may see`, {
    extensions: { code: ErrorCode.FORBIDDEN, typeName },
  });
}

/**
 * A command the record's state does not allow: INVALID_STATE_TRANSITION with the record (`typeName`,
 * `id`) and the transition asked for (`from` its status, `to` the status or step requested).
 */
export function invalidStateTransition(
  typeName: string,
  id: string,
  from: string,
  to: string,
  message: string,
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.INVALID_STATE_TRANSITION, typeName, id, from, to },
  });
}
