/**
 * GET /admin/consumers: every consumer the governance file registers, as the gateway serves it
 * (kind, tier, scopes, contract, row scope, persisted-operations mode); never its keys. The
 * console's Consumers page and the CLI read it; budgets, operations and usage have their own routes.
 */
import type { FastifyInstance } from 'fastify';
import { describeConsumer, type Consumer } from './consumer';

export function registerConsumersAdminRoute(
  admin: FastifyInstance,
  consumers: ReadonlyMap<string, Consumer>,
): void {
  admin.get('/consumers', async () => ({
    consumers: [...consumers.values()].map(describeConsumer),
  }));
}
