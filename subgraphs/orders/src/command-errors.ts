import { GraphQLError } from 'graphql';

/**
 * A command the order's state does not allow (cancelling a shipped order, releasing a hold of an
 * accepted one): the stable code INVALID_STATE_TRANSITION, with the record and the transition asked for.
 */
export function invalidStateTransition(typeName: string, id: string, from: string, to: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'INVALID_STATE_TRANSITION', typeName, id, from, to } });
}

/** The caller used an idempotency key before, for a different request. */
export function idempotencyKeyReused(key: string, orderId: string): GraphQLError {
  return new GraphQLError(
    `Idempotency key ${JSON.stringify(key)} was used for a different request (order ${orderId}); use a new key for a new order`,
    { extensions: { code: 'IDEMPOTENCY_KEY_REUSED', argument: 'idempotencyKey', orderId } },
  );
}
