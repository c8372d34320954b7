/**
 * The lifecycle's HTTP routes (issue 15), beside the registry's others in server.ts:
 * - `GET /deprecations` (schema:read): the feed gateways enforce, with ETag / If-None-Match and
 *   `?wait=<seconds>` long-poll as `GET /supergraph`;
 * - `POST /deprecations` (schema:approve, or schema:publish of a subgraph defining the coordinate):
 *   a sunset, replacement, link and brownouts for a coordinate `@deprecated` in the current schema;
 * - `GET /deprecations/report` (schema:read): each one with its state, waivers and who used it;
 * - `GET /deprecations/history` (schema:read): who deprecated, changed, waived, revoked, when, why;
 * - `POST /deprecations/waivers` and `POST /waivers/:id/revoke` (schema:approve): waivers;
 * - `GET /consumers/impact?coordinate=` (schema:read): who would be told, and why;
 * - `GET /notifications` (schema:approve): the webhook delivery log; `POST /notifications/tick`
 *   (schema:approve) sends what is due now (the registry also does so every minute).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Consumer } from '@switchyard/gateway/src/governance/consumer';
import type { RegistryAction } from './auth';
import { badInput, RegistryCode, RegistryError } from './errors';
import type { DeprecationService } from './lifecycle/deprecation-service';

export interface LifecycleRouteDeps {
  lifecycle: DeprecationService;
  caller(request: FastifyRequest, action: RegistryAction): Promise<Consumer>;
  /** Whether the consumer may do the action (no throw). */
  allowed(consumer: Consumer, action: RegistryAction): boolean;
  maxWaitMs: number;
}

export function addLifecycleRoutes(app: FastifyInstance, deps: LifecycleRouteDeps): void {
  const { lifecycle, caller } = deps;

  app.get('/deprecations', async (request, reply) => {
    await caller(request, { kind: 'read' });
    const query = request.query as Record<string, unknown>;
    const waitMs = waitOf(query.wait, deps.maxWaitMs);
    let current = await lifecycle.feed();
    const known = request.headers['if-none-match'];
    if (known !== undefined && matches(known, current.etag)) {
      if (waitMs > 0) {
        const hungUp = new AbortController();
        request.raw.once('close', () => hungUp.abort());
        await lifecycle.waitForFeedChange(current.etag, waitMs, hungUp.signal);
        current = await lifecycle.feed();
      }
      if (matches(known, current.etag)) return reply.code(304).header('etag', current.etag).send();
    }
    return reply.header('etag', current.etag).header('cache-control', 'no-cache').send(current);
  });

  app.post('/deprecations', async (request, reply) => {
    const consumer = await caller(request, { kind: 'read' });
    const body = objectOf(request.body);
    const coordinate = body.coordinate;
    if (typeof coordinate !== 'string' || coordinate === '')
      throw badInput('coordinate is required', { field: 'coordinate' });
    const owners = await lifecycle.owners(coordinate);
    if (owners.length === 0)
      throw new RegistryError(
        RegistryCode.COORDINATE_NOT_FOUND,
        `No subgraph of the current graph defines ${coordinate.slice(0, 120)}`,
        404,
        { coordinate },
      );
    if (
      !deps.allowed(consumer, { kind: 'approve' }) &&
      !owners.some((subgraph) => deps.allowed(consumer, { kind: 'publish', subgraph }))
    )
      throw new RegistryError(
        RegistryCode.FORBIDDEN,
        `Consumer "${consumer.id}" may not give ${coordinate} a sunset: that needs schema:approve or the publish scope of ${owners.map((o) => `"${o}"`).join(' or ')}`,
        403,
        { consumer: consumer.id, owners },
      );
    const outcome = await lifecycle.deprecate(
      {
        coordinate,
        sunset: body.sunset as string,
        replacement: body.replacement as string | null | undefined,
        link: body.link as string | null | undefined,
        brownouts: body.brownouts as never,
      },
      consumer,
    );
    return reply.code(201).send(outcome);
  });

  app.get('/deprecations/report', async (request) => {
    await caller(request, { kind: 'read' });
    return { deprecations: await lifecycle.list() };
  });

  app.get('/deprecations/history', async (request) => {
    await caller(request, { kind: 'read' });
    const coordinate = stringParameter(request.query, 'coordinate');
    return { events: await lifecycle.history(coordinate) };
  });

  app.post('/deprecations/waivers', async (request, reply) => {
    const consumer = await caller(request, { kind: 'approve' });
    const body = objectOf(request.body);
    const waiver = await lifecycle.grantWaiver(
      {
        coordinate: body.coordinate as string,
        consumer: body.consumer as string,
        until: body.until as string,
        reason: body.reason as string,
      },
      consumer,
    );
    return reply.code(201).send({ waiver });
  });

  app.post('/waivers/:id/revoke', async (request) => {
    const consumer = await caller(request, { kind: 'approve' });
    return {
      waiver: await lifecycle.revokeWaiver((request.params as { id: string }).id, consumer),
    };
  });

  app.get('/consumers/impact', async (request) => {
    await caller(request, { kind: 'read' });
    const coordinate = stringParameter(request.query, 'coordinate');
    if (!coordinate) throw badInput('coordinate is required', { field: 'coordinate' });
    return lifecycle.impact(coordinate);
  });

  app.get('/notifications', async (request) => {
    await caller(request, { kind: 'approve' });
    const limit = stringParameter(request.query, 'limit');
    if (limit !== undefined && !/^[0-9]{1,4}$/.test(limit))
      throw badInput('limit must be a whole number up to 1000', { field: 'limit' });
    return {
      notifications: await lifecycle.notifications({
        consumer: stringParameter(request.query, 'consumer'),
        coordinate: stringParameter(request.query, 'coordinate'),
        limit: limit === undefined ? undefined : Number(limit),
      }),
    };
  });

  app.post('/notifications/tick', async (request) => {
    await caller(request, { kind: 'approve' });
    return { notices: await lifecycle.tick() };
  });
}

function objectOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badInput('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function stringParameter(query: unknown, field: string): string | undefined {
  const value = (query as Record<string, unknown>)[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badInput(`${field} must be given once`, { field });
  return value;
}

function waitOf(raw: unknown, maxWaitMs: number): number {
  if (raw === undefined) return 0;
  const seconds = typeof raw === 'string' && /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(seconds))
    throw badInput('wait must be a whole number of seconds', { field: 'wait' });
  return Math.min(seconds * 1000, maxWaitMs);
}

function matches(header: string | string[], etag: string): boolean {
  return [header]
    .flat()
    .flatMap((value) => value.split(','))
    .some((value) => value.trim().replace(/^W\//, '') === etag || value.trim() === '*');
}
