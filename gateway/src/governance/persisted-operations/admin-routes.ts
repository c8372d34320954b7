/**
 * The persisted operations admin routes: register a consumer's manifest
 * (`POST /consumers/:id/operations`), list what it registered, and list the operations consumers
 * in audit mode ran unregistered (`GET /unknown-operations`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { ManifestRegistry, RestoredOperation } from './manifest-registry';
import type { UnknownOperationLog } from './unknown-operations';
import { sendAdminError } from '../admin-error';

export interface PersistedOperationsRoutesDeps {
  registry: ManifestRegistry;
  /** Writes back the consumer's operations this replica serves that the store lost (ManifestRegistry.restoreLost, reported). */
  restoreLost(consumerId: string): Promise<RestoredOperation[]>;
  unknown: UnknownOperationLog;
  /** The consumer declared with this id; null when there is none. */
  consumer(id: string): Consumer | null;
  /** Largest manifest the registration route accepts (bytes). */
  maxManifestBytes: number;
  onStoreError?: (error: unknown) => void;
}

export function registerPersistedOperationsRoutes(
  admin: FastifyInstance,
  deps: PersistedOperationsRoutesDeps,
): void {
  const knownConsumer = (id: string): Consumer => {
    const consumer = deps.consumer(id);
    if (!consumer)
      throw new GovernanceError(
        GovernanceCode.CONSUMER_NOT_FOUND,
        `No consumer "${id}" is declared in the governance config`,
        { status: 404, details: { consumer: id } },
      );
    return consumer;
  };

  admin.post<{ Params: { id: string } }>(
    '/consumers/:id/operations',
    { bodyLimit: deps.maxManifestBytes },
    (request, reply) =>
      answer(reply, deps.onStoreError, async () => {
        const consumer = knownConsumer(request.params.id);
        const result = await deps.registry.register(consumer, request.body);
        if (!result.ok) {
          throw new GovernanceError(
            GovernanceCode.MANIFEST_INVALID,
            `The manifest was refused (${result.reasons.length} ${result.reasons.length === 1 ? 'problem' : 'problems'}); nothing was registered`,
            { status: 422, details: { consumer: consumer.id, reasons: result.reasons } },
          );
        }
        const { ok: _ok, ...counts } = result;
        return { consumer: consumer.id, ...counts };
      }),
  );
  // `?include=body`: with each operation's document (the registry validates them against a candidate schema).
  admin.get<{ Params: { id: string }; Querystring: { include?: string } }>(
    '/consumers/:id/operations',
    (request, reply) =>
      answer(reply, deps.onStoreError, async () => {
        const consumer = knownConsumer(request.params.id);
        const include = request.query.include ?? '';
        if (include !== '' && include !== 'body')
          throw new GovernanceError(GovernanceCode.BAD_USER_INPUT, '"include" may only be "body"', {
            details: { argument: 'include' },
          });
        // What this replica serves but the store lost (a Redis back empty) is written back first, and named.
        const restored = await deps.restoreLost(consumer.id);
        const operations =
          include === 'body'
            ? await deps.registry.documents(consumer.id)
            : await deps.registry.list(consumer.id);
        return {
          consumer: consumer.id,
          mode: consumer.persistedOperations,
          total: operations.length,
          operations,
          ...(restored.length > 0
            ? { restored: restored.map(({ id, name }) => ({ id, name })) }
            : {}),
        };
      }),
  );
  admin.get<{ Querystring: { consumer?: string } }>('/unknown-operations', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = request.query.consumer ? knownConsumer(request.query.consumer) : null;
      return { consumer: consumer?.id ?? null, operations: await deps.unknown.list(consumer?.id) };
    }),
  );
}

/** An admin route's answer: its result, its GovernanceError, or 503 when the store failed. */
async function answer(
  reply: FastifyReply,
  onStoreError: ((error: unknown) => void) | undefined,
  handler: () => Promise<unknown>,
): Promise<FastifyReply> {
  try {
    return reply.send(await handler());
  } catch (error) {
    if (!(error instanceof GovernanceError)) onStoreError?.(error);
    return sendAdminError(reply, error);
  }
}
