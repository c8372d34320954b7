/**
 * GET /admin/whoami: who the caller's credentials name and what they hold, for any identified
 * consumer (not only admins): the console shows the pages and buttons its scopes allow. It
 * answers what the gateway already knows about the caller, never another consumer.
 */
import type { FastifyInstance } from 'fastify';
import { describeConsumer } from './consumer';
import { GovernanceError } from './errors';
import type { Identifier } from './identity/identity';

export function registerWhoamiRoute(app: FastifyInstance, identifier: Identifier): void {
  app.get('/admin/whoami', async (request, reply) => {
    try {
      const consumer = await identifier.identify(request.headers, { allowAnonymous: false });
      return { ...describeConsumer(consumer), principal: consumer.principal ?? null };
    } catch (error) {
      if (!(error instanceof GovernanceError)) throw error;
      return reply.code(error.status).headers(error.headers).send(error.toResponseBody());
    }
  });
}
