/**
 * How an /admin route answers a failure: a refusal (GovernanceError) with its own status and code,
 * anything else as the governance store not answering: 503 STORE_UNAVAILABLE, which the caller may retry.
 */
import type { FastifyReply } from 'fastify';
import { GovernanceCode, GovernanceError } from './errors';

export function sendAdminError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof GovernanceError)
    return reply.code(error.status).send(error.toResponseBody());
  return reply
    .code(503)
    .send(
      new GovernanceError(
        GovernanceCode.STORE_UNAVAILABLE,
        'the governance store did not answer; try again',
        { status: 503 },
      ).toResponseBody(),
    );
}
