/**
 * Admin authentication: every /admin route (manifest registration, usage and audit reports) is
 * for a consumer identified exactly as GraphQL requests are (x-api-key or bearer JWT, through the
 * identity module's Identifier) that holds the admin scope. Never the anonymous consumer.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Consumer } from './consumer';
import { GovernanceCode, GovernanceError } from './errors';
import type { Identifier } from './identity/identity';

export const GOVERNANCE_ADMIN_SCOPE = 'governance:admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The consumer calling an /admin route, once admin authentication let it through (for audit of admin actions). */
    adminConsumer?: Consumer;
  }
}

export interface AdminAuthOptions {
  /** The scope an admin caller must hold. Default `governance:admin`. */
  scope?: string;
}

/**
 * A Fastify preHandler for the /admin scope: 401 UNAUTHENTICATED without valid credentials, 403
 * FORBIDDEN for a consumer without the admin scope; otherwise sets `request.adminConsumer`.
 */
export function createAdminAuth(
  identifier: Identifier,
  options: AdminAuthOptions = {},
): preHandlerAsyncHookHandler {
  const scope = options.scope ?? GOVERNANCE_ADMIN_SCOPE;
  return async function adminAuth(request: FastifyRequest, reply: FastifyReply) {
    try {
      const consumer = await identifier.identify(request.headers, { allowAnonymous: false });
      if (!consumer.scopes.includes(scope)) {
        throw new GovernanceError(
          GovernanceCode.FORBIDDEN,
          `Consumer "${consumer.id}" does not hold the ${scope} scope the admin API requires`,
          {
            status: 403,
            details: { consumer: consumer.id, requiredScope: scope },
          },
        );
      }
      request.adminConsumer = consumer;
    } catch (error) {
      if (!(error instanceof GovernanceError)) throw error;
      return reply.code(error.status).headers(error.headers).send(error.toResponseBody());
    }
  };
}
