/**
 * A consumer's own view of the admin API (the console's partner page), for any identified consumer
 * (no admin scope): every answer is about the caller only, never another consumer, whatever it asks.
 *   GET  /admin/self              who the credential names: kind, tier, contract, mode, scopes
 *   GET  /admin/self/schema       the SDL it is served (its contract's, else the API schema)
 *   GET  /admin/self/operations   its registered operations, each validated against the schema it
 *                                 is served now and against the registry's newest candidate of each
 *                                 subgraph, with the deprecated coordinates it uses (sunset, phase)
 *   GET  /admin/self/usage        its operations' requests, errors and latency (?days=, default 7),
 *                                 and its rate budgets' current windows (used, remaining)
 *   GET  /admin/self/manifests    the manifests it submitted and what became of them
 *   POST /admin/self/manifests    submits a manifest: checked now, kept pending (202) until an admin
 *                                 approves it (then registered) or rejects it (manifest-requests.ts)
 * The admin side, behind governance:admin with the other /admin routes:
 *   GET  /admin/manifest-requests?consumer=&status=   the submitted manifests
 *   POST /admin/manifest-requests/:id/approve|reject  {reason}: decided once, audited
 * Introspection stays refused to a persisted-only partner at /graphql: its schema is read here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { printSchema, validate, type GraphQLSchema } from 'graphql';
import type { AdminActionRecord } from '../audit/audit-log';
import type { Consumer } from '../consumer';
import type { DeprecationsModule } from '../deprecations/deprecations';
import { GovernanceCode, GovernanceError } from '../errors';
import type { Identifier } from '../identity/identity';
import type { ManifestRegistry } from '../persisted-operations/manifest-registry';
import { budgetShowback } from '../rate-budgets/budget-admin-routes';
import type { RateRule } from '../rate-budgets/rate-budget';
import type { GovernanceStore } from '../store/governance-store';
import type { UsageReports } from '../usage/usage-reports';
import type { CandidateChecks } from './candidate-checks';
import type { ManifestRequests, ManifestRequestStatus } from './manifest-requests';

export interface SelfServiceDeps {
  identifier: Identifier;
  /** The schema `consumer` is served: its contract's (null when the contract exposes nothing), else the API schema. */
  schemaOf(consumer: Consumer): GraphQLSchema | null;
  /** The consumer declared with this id (approval registers for it as it is declared now). */
  consumer(id: string): Consumer | null;
  /** Absent when the module behind it is switched off: its routes answer 404 NOT_FOUND saying so. */
  registry?: ManifestRegistry;
  requests?: ManifestRequests;
  usage?: UsageReports;
  budgets?: {
    store: GovernanceStore;
    now: () => number;
    rulesFor(consumer: Pick<Consumer, 'id' | 'tier'>): RateRule[];
  };
  deprecations?: Pick<DeprecationsModule, 'usedBy'>;
  /** What the registry's newest check of each subgraph says of the consumer's operations (candidate-checks.ts); absent without a registry. */
  candidates?: (consumerId: string) => Promise<CandidateChecks>;
  /** Largest manifest a partner may submit (bytes). */
  maxManifestBytes: number;
  recordAdminAction?: (action: AdminActionRecord) => Promise<void>;
  onStoreError?: (error: unknown) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The consumer calling an /admin/self route: its own data is all it is answered. */
    selfConsumer?: Consumer;
  }
}

/** The /admin/self routes (register with prefix /admin/self, beside, not inside, the /admin scope). */
export function registerSelfServiceRoutes(self: FastifyInstance, deps: SelfServiceDeps): void {
  self.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.selfConsumer = await deps.identifier.identify(request.headers, {
        allowAnonymous: false,
      });
    } catch (error) {
      if (!(error instanceof GovernanceError)) throw error;
      return reply.code(error.status).headers(error.headers).send(error.toResponseBody());
    }
  });
  const me = (request: FastifyRequest): Consumer => request.selfConsumer!;

  self.get('/', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const { id, name, kind, tier, contract, persistedOperations, scopes, principal } =
        me(request);
      return {
        consumer: { id, name, kind, tier, contract, persistedOperations, scopes },
        principal: principal ?? null,
      };
    }),
  );

  self.get('/schema', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = me(request);
      const schema = deps.schemaOf(consumer);
      return {
        consumer: consumer.id,
        contract: consumer.contract,
        sdl: schema ? printSchema(schema) : null,
      };
    }),
  );

  self.get('/operations', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = me(request);
      const registry = required(deps.registry, 'persisted operations');
      const schema = deps.schemaOf(consumer);
      const [stored, candidates] = await Promise.all([
        registry.documents(consumer.id),
        deps.candidates
          ? deps.candidates(consumer.id)
          : Promise.resolve<CandidateChecks>({
              available: false,
              reason: 'this gateway has no registry (REGISTRY_URL)',
            }),
      ]);
      const operations = await Promise.all(
        stored.map(async ({ id, name, type, body, registeredAt }) => {
          const parsed = await registry.operation(consumer.id, id);
          const errors = !parsed
            ? ['the operation is no longer in the governance store']
            : schema
              ? validate(schema, parsed.document).map((error) => error.message)
              : ['the contract exposes no fields'];
          const used =
            parsed && deps.deprecations
              ? deps.deprecations.usedBy(consumer.id, parsed.document, name)
              : [];
          return {
            id,
            name,
            type,
            registeredAt,
            body,
            current: { valid: errors.length === 0, errors },
            candidate: candidates.available
              ? (() => {
                  const broken = candidates.candidates.flatMap(({ subgraph, checkId, breaks }) =>
                    breaks[id] ? [{ subgraph, checkId, reasons: breaks[id] }] : [],
                  );
                  return { available: true, valid: broken.length === 0, broken };
                })()
              : { available: false, reason: candidates.reason },
            deprecations: used.map(({ deprecation, phase }) => ({
              coordinate: deprecation.coordinate,
              reason: deprecation.reason,
              sunset: deprecation.sunset,
              replacement: deprecation.replacement,
              link: deprecation.link,
              phase: phase.kind,
              ...(phase.kind === 'waived'
                ? { waiverUntil: new Date(phase.waiver.until).toISOString() }
                : {}),
            })),
          };
        }),
      );
      return {
        consumer: consumer.id,
        mode: consumer.persistedOperations,
        // The candidates looked at: each subgraph's newest check run in the registry.
        candidates: candidates.available
          ? candidates.candidates.map(({ breaks: _breaks, ...candidate }) => candidate)
          : [],
        operations,
      };
    }),
  );

  self.get<{ Querystring: { days?: string } }>('/usage', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = me(request);
      const days = request.query.days === undefined ? 7 : Number(request.query.days);
      if (!Number.isInteger(days) || days < 1 || days > 30)
        throw new GovernanceError(
          GovernanceCode.BAD_USER_INPUT,
          '"days" must be a whole number from 1 to 30',
          { details: { argument: 'days' } },
        );
      const usage = required(deps.usage, 'usage');
      return {
        consumer: consumer.id,
        days,
        operations: (await usage.operations(consumer.id, days, 100)).operations,
        budget: deps.budgets ? (await budgetShowback(deps.budgets, consumer)).rules : null,
      };
    }),
  );

  self.get('/manifests', (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = me(request);
      return {
        consumer: consumer.id,
        requests: await required(deps.requests, 'persisted operations').list(consumer.id),
      };
    }),
  );

  self.post('/manifests', { bodyLimit: deps.maxManifestBytes }, (request, reply) =>
    answer(reply, deps.onStoreError, async () => {
      const consumer = me(request);
      const submitted = await required(deps.requests, 'persisted operations').submit(
        consumer,
        request.body,
      );
      await deps.recordAdminAction?.({
        action: 'manifest.submit',
        admin: { id: consumer.id, principal: consumer.principal ?? null },
        correlationId: request.correlationId,
        keys: [consumer.id, submitted.id],
        details: { consumer: consumer.id, request: submitted.id, operations: submitted.operations },
      });
      void reply.code(202);
      return { request: submitted };
    }),
  );
}

const STATUSES: readonly ManifestRequestStatus[] = ['pending', 'approved', 'rejected', 'refused'];

/** The admins' side of submitted manifests (register inside the /admin scope, behind governance:admin). */
export function registerManifestRequestRoutes(admin: FastifyInstance, deps: SelfServiceDeps): void {
  admin.get<{ Querystring: { consumer?: string; status?: string } }>(
    '/manifest-requests',
    (request, reply) =>
      answer(reply, deps.onStoreError, async () => {
        const { consumer = null, status } = request.query;
        if (status !== undefined && !STATUSES.includes(status as ManifestRequestStatus))
          throw new GovernanceError(
            GovernanceCode.BAD_USER_INPUT,
            `"status" must be one of ${STATUSES.join(', ')}`,
            { details: { argument: 'status' } },
          );
        const requests = await required(deps.requests, 'persisted operations').list(
          consumer || null,
        );
        return {
          requests: status ? requests.filter((r) => r.status === status) : requests,
        };
      }),
  );

  for (const verdict of ['approve', 'reject'] as const) {
    admin.post<{ Params: { id: string }; Body: unknown }>(
      `/manifest-requests/:id/${verdict}`,
      (request, reply) =>
        answer(reply, deps.onStoreError, async () => {
          const body = request.body as { reason?: unknown } | null;
          const reason = typeof body?.reason === 'string' ? body.reason.trim() : '';
          if (!reason)
            throw new GovernanceError(
              GovernanceCode.BAD_USER_INPUT,
              `a decision needs a "reason" (what the partner and the audit trail are told)`,
              { details: { argument: 'reason' } },
            );
          const adminConsumer = request.adminConsumer!;
          const decided = await required(deps.requests, 'persisted operations').decide(
            request.params.id,
            verdict,
            adminConsumer.principal ?? adminConsumer.id,
            reason,
            deps.consumer,
          );
          await deps.recordAdminAction?.({
            action: `manifest.${verdict}`,
            admin: adminConsumer,
            correlationId: request.correlationId,
            keys: [decided.consumer, decided.id],
            details: {
              consumer: decided.consumer,
              request: decided.id,
              status: decided.status,
              reason,
            },
          });
          return { request: decided };
        }),
    );
  }
}

/** The dependency a route needs, or 404 naming the module switched off. */
function required<T>(dependency: T | undefined, module: string): T {
  if (dependency === undefined)
    throw new GovernanceError(
      GovernanceCode.NOT_FOUND,
      `This gateway runs without ${module}, so there is nothing of it to show`,
      { status: 404, details: { module } },
    );
  return dependency;
}

/** A route's answer: its result, its GovernanceError, or 503 when the store failed. */
async function answer(
  reply: FastifyReply,
  onStoreError: ((error: unknown) => void) | undefined,
  handler: () => Promise<unknown>,
): Promise<FastifyReply> {
  try {
    return reply.send(await handler());
  } catch (error) {
    if (error instanceof GovernanceError)
      return reply.code(error.status).headers(error.headers).send(error.toResponseBody());
    onStoreError?.(error);
    return reply
      .code(503)
      .send(
        new GovernanceError(
          GovernanceCode.STORE_UNAVAILABLE,
          'The governance store did not answer; try again',
          { status: 503 },
        ).toResponseBody(),
      );
  }
}
