/**
 * The registry's HTTP API. Every route but the health checks is authenticated (x-api-key or bearer
 * JWT) and scoped; refusals are `{ errors: [{ message, extensions: { code, ... } }] }` with a
 * stable code (errors.ts), never a stack.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { logOptions } from '@switchyard/kit';
import type { Consumer } from '@switchyard/gateway/src/governance/consumer';
import type { RegistryAction, RegistryAuth } from './auth';
import { badInput, RegistryCode, RegistryError } from './errors';
import type { DeprecationService } from './lifecycle/deprecation-service';
import { addLifecycleRoutes } from './lifecycle-routes';
import type { RegistryService } from './registry-service';
import type { SupergraphVersion } from './storage/registry-store';

export interface RegistryServerOptions {
  service: RegistryService;
  auth: RegistryAuth;
  /** pino level; `silent` for none. Default info. */
  logLevel?: string;
  logDestination?: DestinationStream;
  /** The longest a GET /supergraph long-poll waits before 304. Default 30 s. */
  maxWaitMs?: number;
  /** Largest request body (an SDL is most of it). Default 4 MB. */
  bodyLimitBytes?: number;
  /** Deprecations, waivers and notices (lifecycle-routes.ts); without it those routes are absent. */
  lifecycle?: DeprecationService;
}

export function buildRegistryServer(options: RegistryServerOptions): FastifyInstance {
  const { service, auth } = options;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const app = Fastify({
    logger:
      options.logLevel === 'silent'
        ? false
        : {
            ...logOptions('switchyard-registry', options.logLevel ?? 'info'),
            ...(options.logDestination ? { stream: options.logDestination } : {}),
          },
    bodyLimit: options.bodyLimitBytes ?? 4 * 1024 * 1024,
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof RegistryError)
      return reply.code(error.status).headers(error.headers).send(error.toResponseBody());
    const fastifyError = error as FastifyError;
    const status =
      fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500
        ? fastifyError.statusCode
        : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'registry request failed');
      return reply.code(500).send({
        errors: [
          {
            message: 'Internal server error',
            extensions: { code: RegistryCode.INTERNAL_SERVER_ERROR },
          },
        ],
      });
    }
    const code =
      fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? RegistryCode.PAYLOAD_TOO_LARGE
        : RegistryCode.BAD_REQUEST;
    return reply
      .code(status)
      .send({ errors: [{ message: fastifyError.message, extensions: { code } }] });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message: `Route ${request.method}:${request.url.split('?')[0]} not found`,
          extensions: { code: RegistryCode.NOT_FOUND },
        },
      ],
    }),
  );

  /** The caller, allowed to do `action`; refuses with 401/403 otherwise. */
  async function caller(request: FastifyRequest, action: RegistryAction): Promise<Consumer> {
    const consumer = await auth.authenticate(request.headers);
    auth.authorize(consumer, action);
    return consumer;
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({
    status: 'ok',
    version: (await service.currentSupergraph())?.version ?? null,
  }));

  // Who the credential names at the registry and its scopes (the console shows approve and rollback by them).
  app.get('/whoami', async (request) => {
    const { id, name, scopes } = await auth.authenticate(request.headers);
    return { id, name, scopes };
  });

  app.get('/subgraphs', async (request) => {
    await caller(request, { kind: 'read' });
    const supergraph = await service.currentSupergraph();
    return {
      version: supergraph?.version ?? null,
      subgraphs: (await service.subgraphs()).map(({ sdl: _sdl, ...version }) => version),
    };
  });

  app.get('/subgraphs/:name', async (request) => {
    await caller(request, { kind: 'read' });
    const { name } = request.params as { name: string };
    const found = (await service.subgraphs()).find((s) => s.subgraph === name);
    if (!found)
      throw new RegistryError(RegistryCode.NOT_FOUND, `No subgraph "${name.slice(0, 80)}"`, 404);
    return found;
  });

  // A subgraph as it was at a graph version: its SDL, routing URL, author, message, check and approval.
  app.get('/subgraphs/:name/versions/:version', async (request) => {
    await caller(request, { kind: 'read' });
    const { name, version } = request.params as { name: string; version: string };
    return service.subgraphAt(name, versionParameter({ version }, 'version'));
  });

  app.post('/subgraphs/:name/check', async (request) => {
    const { name } = request.params as { name: string };
    const consumer = await caller(request, { kind: 'check', subgraph: name });
    const body = objectBody(request.body);
    const run = await service.check(
      name,
      {
        sdl: requiredString(body, 'sdl'),
        url: optionalString(body, 'url'),
        endpoint: optionalString(body, 'endpoint'),
      },
      consumer,
    );
    return { check: run.report, approvable: run.approvable };
  });

  app.post('/subgraphs/:name/publish', async (request, reply) => {
    const { name } = request.params as { name: string };
    const consumer = await caller(request, { kind: 'publish', subgraph: name });
    const body = objectBody(request.body);
    const outcome = await service.publish(
      name,
      {
        sdl: requiredString(body, 'sdl'),
        url: optionalString(body, 'url'),
        endpoint: optionalString(body, 'endpoint'),
        message: requiredString(body, 'message'),
        approvalId: optionalString(body, 'approval'),
      },
      consumer,
    );
    return reply.code(outcome.published ? 201 : 200).send(publishAnswer(outcome));
  });

  app.post('/subgraphs/:name/rollback', async (request, reply) => {
    const { name } = request.params as { name: string };
    const consumer = await caller(request, { kind: 'publish', subgraph: name });
    const body = objectBody(request.body);
    const version = body.version;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
      throw badInput('version must be a whole number from 1', { field: 'version' });
    const outcome = await service.rollback(
      name,
      {
        version,
        message: optionalString(body, 'message'),
        approvalId: optionalString(body, 'approval'),
      },
      consumer,
    );
    return reply.code(outcome.published ? 201 : 200).send(publishAnswer(outcome));
  });

  app.get('/checks/:id', async (request) => {
    await caller(request, { kind: 'read' });
    const run = await service.checkRun((request.params as { id: string }).id);
    return { check: run.report, approvable: run.approvable, author: run.author };
  });

  // The newest check runs with their findings and approvals (?subgraph=, ?limit= up to 100, default 20).
  app.get('/checks', async (request) => {
    await caller(request, { kind: 'read' });
    const { subgraph, limit } = request.query as { subgraph?: unknown; limit?: unknown };
    if (subgraph !== undefined && typeof subgraph !== 'string')
      throw badInput('subgraph must be given once', { field: 'subgraph' });
    const count = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 100)
      throw badInput('limit must be a whole number from 1 to 100', { field: 'limit' });
    const runs = await service.checkRuns({ limit: count, subgraph: subgraph || undefined });
    return {
      checks: runs.map((run) => ({
        check: run.report,
        subgraph: run.subgraph,
        baseVersion: run.baseVersion,
        approvable: run.approvable,
        author: run.author,
        createdAt: run.createdAt,
        approvals: run.approvals,
      })),
    };
  });

  app.post('/checks/:id/approve', async (request, reply) => {
    const consumer = await caller(request, { kind: 'approve' });
    const body = objectBody(request.body);
    const checkId = (request.params as { id: string }).id;
    const approval = await service.approve(checkId, requiredString(body, 'reason'), consumer);
    // The consumers this approved change breaks hear of it (issue 15); the approval stands regardless.
    if (options.lifecycle)
      await options.lifecycle
        .checkApproved(await service.checkRun(checkId), approval)
        .catch((error: unknown) => request.log.warn({ err: error }, 'approval notices not queued'));
    return reply.code(201).send({ approval });
  });

  app.get('/history', async (request) => {
    await caller(request, { kind: 'read' });
    const { subgraph } = request.query as { subgraph?: unknown };
    if (subgraph !== undefined && typeof subgraph !== 'string')
      throw badInput('subgraph must be given once', { field: 'subgraph' });
    const versions = await service.history(subgraph || undefined);
    return { versions: versions.map(({ sdl: _sdl, ...version }) => version) };
  });

  app.get('/diff', async (request) => {
    await caller(request, { kind: 'read' });
    const query = request.query as Record<string, unknown>;
    return service.diff(versionParameter(query, 'from'), versionParameter(query, 'to'));
  });

  // Gateways poll here: If-None-Match with the ETag they serve and ?wait=<seconds> hold the
  // answer until a newer version exists (200) or the wait ends (304).
  app.get('/supergraph', async (request, reply) => {
    await caller(request, { kind: 'read' });
    const waitMs = waitParameter(request.query as Record<string, unknown>, maxWaitMs);
    let current = await service.currentSupergraph();
    if (!current)
      throw new RegistryError(RegistryCode.NOT_FOUND, 'The registry holds no supergraph yet', 404);
    const known = request.headers['if-none-match'];
    if (known !== undefined && etagMatches(known, etagOf(current))) {
      if (waitMs > 0) {
        const hungUp = new AbortController();
        request.raw.once('close', () => hungUp.abort());
        current =
          (await service.watch.waitForVersionAfter(current.version, waitMs, hungUp.signal)) ??
          current;
      }
      if (etagMatches(known, etagOf(current)))
        return reply.code(304).header('etag', etagOf(current)).send();
    }
    return reply.header('etag', etagOf(current)).header('cache-control', 'no-cache').send({
      version: current.version,
      createdAt: current.createdAt,
      subgraphVersions: current.subgraphVersions,
      supergraphSdl: current.supergraphSdl,
    });
  });

  if (options.lifecycle)
    addLifecycleRoutes(app, {
      lifecycle: options.lifecycle,
      caller,
      allowed(consumer, action) {
        try {
          auth.authorize(consumer, action);
          return true;
        } catch {
          return false;
        }
      },
      maxWaitMs,
    });

  return app;
}

function publishAnswer(outcome: Awaited<ReturnType<RegistryService['publish']>>) {
  return outcome.published
    ? {
        published: true,
        version: outcome.version,
        approval: outcome.approvalId,
        check: outcome.check.report,
      }
    : { published: false, reason: outcome.reason, version: outcome.version };
}

/** A strong ETag naming the version and its content. */
export function etagOf(supergraph: SupergraphVersion): string {
  const digest = createHash('sha256').update(supergraph.supergraphSdl).digest('hex').slice(0, 16);
  return `"${supergraph.version}-${digest}"`;
}

function etagMatches(header: string | string[], etag: string): boolean {
  return [header]
    .flat()
    .flatMap((value) => value.split(','))
    .some((value) => value.trim().replace(/^W\//, '') === etag || value.trim() === '*');
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badInput('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw badInput(`${field} is required (a non-empty string)`, { field });
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw badInput(`${field} must be a non-empty string when given`, { field });
  return value;
}

function versionParameter(query: Record<string, unknown>, field: string): number {
  const raw = query[field];
  const value = typeof raw === 'string' && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1))
    throw badInput(`${field} must be a version number (a whole number from 1)`, { field });
  return value;
}

function waitParameter(query: Record<string, unknown>, maxWaitMs: number): number {
  const raw = query.wait;
  if (raw === undefined) return 0;
  const seconds = typeof raw === 'string' && /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(seconds))
    throw badInput('wait must be a whole number of seconds', { field: 'wait' });
  return Math.min(seconds * 1000, maxWaitMs);
}
