import { GraphQLError } from 'graphql';

/**
 * A command the record's state does not allow (paying a VOID invoice, disputing a PAID one): the
 * stable code INVALID_STATE_TRANSITION, with the record and the transition asked for.
 */
export function invalidStateTransition(typeName: string, id: string, from: string, to: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'INVALID_STATE_TRANSITION', typeName, id, from, to } });
}
