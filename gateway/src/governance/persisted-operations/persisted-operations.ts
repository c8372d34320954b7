/**
 * Persisted and trusted operations, before any GraphQL work:
 * - a trusted document id (`documentId`, `id`, or `extensions.persistedQuery.sha256Hash`) that the
 *   consumer registered (manifest-registry.ts) runs that operation;
 * - automatic persisted queries (APQ) for any other hash, shared by every replica (apq.ts); a
 *   document sent with its hash is stored only once its operation passed every check, when its
 *   execution starts, and written off the request path;
 * - the consumer's mode: `allow` anything; `audit` anything, recording each operation it has not
 *   registered (name, sha-256, first and last seen, count) so a team sees when the client is ready
 *   for `persisted-only`; `persisted-only` registered operations only.
 *
 * One job per file: apq.ts holds the APQ documents, manifest-registry.ts the trusted documents
 * each consumer registered (operation-manifest.ts reads a manifest), unknown-operations.ts the
 * audit-mode log, admin-routes.ts the admin routes; this file decides which document a request runs.
 */
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Consumer } from '../consumer';
import type { DeclaredRequirements } from '../field-authorization/requirements';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule, GovernedRequest, GraphQLRequestBody } from '../module';
import type { GovernanceStore } from '../store/governance-store';
import { registerPersistedOperationsRoutes } from './admin-routes';
import { apqNotFound, apqNotSupported, createApqDocuments, type ApqWriteOutcome } from './apq';
import {
  ManifestRegistry,
  type ManifestRegistryDeps,
  type RestoredOperation,
} from './manifest-registry';
import { operationId } from './operation-manifest';
import { createUnknownOperationLog, type UnknownOperation } from './unknown-operations';

export interface PersistedOperationsOptions {
  /** Automatic persisted queries for operations a consumer has not registered (not for persisted-only consumers). Default true. */
  apq?: boolean;
  /** How long an APQ document stays in the store after it was last sent with its text (seconds). Default 86400 (24h). */
  apqTtlSeconds?: number;
  /** Larger APQ documents run but are not stored, so no consumer fills the shared store (bytes). Default 102400. */
  apqMaxDocumentBytes?: number;
  /** APQ documents waiting to be written to the store, off the request path; a new one beyond it is not stored (its client re-sends the text). Default 1000. */
  apqWriteQueueSize?: number;
  /** Parsed registered operations, and APQ documents, each kept in memory by a replica (LRU). Default 10000. */
  cacheSize?: number;
  /** Largest manifest the registration route accepts (bytes). Default 8388608 (8 MiB). */
  maxManifestBytes?: number;
  /** How often unknown operations seen in audit mode are written to the store (ms). Default 5000. */
  unknownOperationsFlushIntervalMs?: number;
  /** Days an unknown operation is tracked from when it was first seen. Default 30. */
  unknownOperationsRetentionDays?: number;
  /**
   * How often this replica writes back the registered operations it holds that the store lost (a
   * Redis back empty), so every replica's list names what it serves (ms). Default 10000.
   */
  restoreIntervalMs?: number;
}

export interface PersistedOperationsDeps {
  store: GovernanceStore;
  /** Registration validates against its current API schema. */
  supergraph: { apiSchema(): GraphQLSchema };
  /** The API schema filtered to the consumer's contract (called for consumers with one); null when it exposes nothing. */
  contractSchema(consumer: Consumer): GraphQLSchema | null;
  /** The consumer declared with this id, for the admin routes; null when there is none. */
  consumer(id: string): Consumer | null;
  /** What field authorization enforces (null when it is off): registration refuses an operation its consumer could never run. */
  requirements(): DeclaredRequirements | null;
  /** What the deprecations module says of an operation being registered: a sunset coordinate refuses it, a deprecated one warns. */
  lifecycle?: ManifestRegistryDeps['lifecycle'];
  now?: () => number;
  /** Told of the registered operations this replica wrote back to a store that had lost them (a Redis back empty). */
  onRestored?: (restored: RestoredOperation[]) => void;
  /** Told when the store fails where the module carries on (APQ registration, unknown-operation flush). */
  onStoreError?: (error: unknown) => void;
  /** Told how each APQ write ended: stored, failed (the store refused), dropped (the write queue was full). */
  onApqWrite?: (outcome: ApqWriteOutcome) => void;
}

export const PERSISTED_OPERATIONS_DEFAULTS = {
  apq: true,
  apqTtlSeconds: 86_400,
  apqMaxDocumentBytes: 102_400,
  apqWriteQueueSize: 1_000,
  cacheSize: 10_000,
  maxManifestBytes: 8 * 1024 * 1024,
  unknownOperationsFlushIntervalMs: 5_000,
  unknownOperationsRetentionDays: 30,
  restoreIntervalMs: 10_000,
} as const;

/** How the request's document was found: a registered operation, or an APQ document. */
export type PersistedOperationSource = 'manifest' | 'apq';

export type PersistedOperationsModule = GovernanceModule & {
  registry: ManifestRegistry;
  /** Operations consumers in audit mode ran unregistered (all consumers when none is given), most recently seen first. */
  unknownOperations(consumerId?: string): Promise<UnknownOperation[]>;
  /** Writes the unknown operations buffered so far (rejects if the store does), and waits for the queued APQ writes. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

export function createPersistedOperationsModule(
  options: PersistedOperationsOptions,
  deps: PersistedOperationsDeps,
): PersistedOperationsModule {
  const settings = { ...PERSISTED_OPERATIONS_DEFAULTS, ...definedOnly(options) };
  const registry = new ManifestRegistry({ cacheSize: settings.cacheSize }, deps);
  const apqDocuments = createApqDocuments({
    store: deps.store,
    ttlSeconds: settings.apqTtlSeconds,
    maxDocumentBytes: settings.apqMaxDocumentBytes,
    cacheSize: settings.cacheSize,
    writeQueueSize: settings.apqWriteQueueSize,
    onStoreError: deps.onStoreError,
    onWrite: deps.onApqWrite,
  });
  const unknown = createUnknownOperationLog(settings, deps, registry);
  const restoreLost = async (consumerId?: string) => {
    const restored = await registry.restoreLost(consumerId);
    if (restored.length > 0) deps.onRestored?.(restored);
    return restored;
  };
  const restoring = setInterval(() => {
    if (deps.store.healthy()) restoreLost().catch((error) => deps.onStoreError?.(error));
  }, settings.restoreIntervalMs);
  restoring.unref();

  /** Synchronous unless the store must be asked: most requests carry no id, or a hot APQ hash. */
  function onRequest(request: GovernedRequest): void | Promise<void> {
    const consumer = request.context.consumer;
    const mode = consumer?.persistedOperations ?? 'allow';
    const body = request.body;
    if (!isObject(body)) {
      // Batches and other non-operations: Apollo Server refuses them, but never for a persisted-only consumer to find out.
      if (mode === 'persisted-only') throw persistedQueryRequired(consumer!);
      return;
    }
    const extensions = extensionsOf(body);
    const persistedQuery = isObject(extensions?.persistedQuery)
      ? extensions.persistedQuery
      : undefined;
    const requested = body.documentId ?? body.id ?? persistedQuery?.sha256Hash;
    if (requested === undefined) {
      if (mode === 'persisted-only') throw persistedQueryRequired(consumer!);
      return;
    }
    if (typeof requested !== 'string' || requested === '') {
      throw new GovernanceError(
        GovernanceCode.BAD_REQUEST,
        'A persisted document id must be a non-empty string',
        { status: 400 },
      );
    }
    if (persistedQuery && persistedQuery.version !== undefined && persistedQuery.version !== 1) {
      throw new GovernanceError(
        GovernanceCode.BAD_REQUEST,
        `Unsupported persisted query version ${JSON.stringify(persistedQuery.version)}: only version 1 (the number) exists`,
        { status: 400 },
      );
    }
    // `sha256:<hex>` is the GraphQL-over-HTTP persisted documents form.
    const id = requested.replace(/^sha256:/, '').toLowerCase();
    if (typeof body.query === 'string' && operationId(body.query) !== id) {
      throw new GovernanceError(
        GovernanceCode.PERSISTED_QUERY_HASH_MISMATCH,
        `The query's sha-256 is not ${id}`,
        { status: 400, details: { id } },
      );
    }

    const isApq =
      persistedQuery !== undefined && body.documentId === undefined && body.id === undefined;
    const apqAllowed = isApq && settings.apq && mode !== 'persisted-only';
    // A hot APQ hash costs no store round trip (audit mode still tells registered ones apart when it flushes).
    const cached = apqAllowed && body.query === undefined ? apqDocuments.cached(id) : undefined;
    if (cached) return run(request, body, cached, id, 'apq');
    return fromStore(request, body, id, isApq);
  }

  /** The registered operation, or the APQ document, behind an id this replica does not hold. */
  async function fromStore(
    request: GovernedRequest,
    body: GraphQLRequestBody,
    id: string,
    isApq: boolean,
  ): Promise<void> {
    const consumer = request.context.consumer;
    const mode = consumer?.persistedOperations ?? 'allow';
    const registered = consumer
      ? await registeredOperation(consumer.id, id, mode === 'persisted-only' || !isApq)
      : null;
    if (registered) return run(request, body, registered.body, id, 'manifest');

    if (mode === 'persisted-only' || !isApq) {
      throw new GovernanceError(
        GovernanceCode.PERSISTED_QUERY_NOT_FOUND,
        `No operation with id ${id} is registered for ${consumer ? `consumer "${consumer.id}"` : 'this request'}`,
        {
          status: 404,
          details: { id },
        },
      );
    }
    if (!settings.apq) throw apqNotSupported();
    if (typeof body.query === 'string') {
      // Stored once the operation passed every check (executionDidStart below), not now.
      request.context.governance.apqCandidate = { id, text: body.query };
      return run(request, body, body.query, id, 'apq');
    }
    const text = await apqDocuments.load(id);
    if (!text) throw apqNotFound();
    return run(request, body, text, id, 'apq');
  }

  /**
   * The consumer's registered operation with this id. When the store fails: 503 where only the
   * manifest can answer (a persisted-only consumer, a trusted-document id), fail closed; for an APQ
   * hash of any other consumer, carry on as APQ (the text it sent runs; a hash alone misses, and the
   * client resends the text), so APQ clients keep working while the store is away.
   */
  async function registeredOperation(consumerId: string, id: string, manifestOnly: boolean) {
    try {
      return await registry.operation(consumerId, id);
    } catch (error) {
      if (manifestOnly) throw storeUnavailable(error);
      deps.onStoreError?.(error);
      return null;
    }
  }

  return {
    name: 'persisted-operations',
    registry,
    onRequest,
    operation: {
      didResolveOperation({ contextValue: context, queryHash, operationName }) {
        if (context.consumer?.persistedOperations !== 'audit') return;
        if (context.governance.persistedOperationSource === 'manifest') return;
        unknown.record(context.consumer.id, queryHash, operationName ?? null);
      },
      // Every check passed (validation, contract, limits, cost, rate budgets) and none of its fields was removed by field authorization.
      executionDidStart({ contextValue: { governance } }) {
        const candidate = governance.apqCandidate;
        if (candidate && !governance.fieldAuthorization)
          apqDocuments.remember(candidate.id, candidate.text);
      },
    },
    adminRoutes(admin: FastifyInstance) {
      registerPersistedOperationsRoutes(admin, {
        registry,
        restoreLost,
        unknown,
        consumer: deps.consumer,
        maxManifestBytes: settings.maxManifestBytes,
        onStoreError: deps.onStoreError,
      });
    },
    unknownOperations: (consumerId) => unknown.list(consumerId),
    async flush() {
      await apqDocuments.settled();
      await unknown.flush();
    },
    async close() {
      clearInterval(restoring);
      await apqDocuments.settled();
      await unknown.close();
    },
  };
}

/** Hands Apollo Server the document to run: the persisted forms removed, so it sees an ordinary request. */
function run(
  request: GovernedRequest,
  body: GraphQLRequestBody,
  text: string,
  id: string,
  source: PersistedOperationSource,
): void {
  body.query = text;
  delete body.documentId;
  delete body.id;
  if (isObject(body.extensions)) {
    const { persistedQuery: _persistedQuery, ...rest } = body.extensions;
    body.extensions = rest;
  }
  request.context.governance.persistedOperationId = id;
  request.context.governance.persistedOperationSource = source;
}

/** The request's extensions; a GET request carries them as a JSON string, parsed here (and in the body) once. */
function extensionsOf(body: GraphQLRequestBody): GraphQLRequestBody['extensions'] {
  const raw = body.extensions as unknown;
  if (typeof raw !== 'string')
    return isObject(raw) ? (raw as GraphQLRequestBody['extensions']) : undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GovernanceError(GovernanceCode.BAD_REQUEST, '"extensions" must be a JSON object', {
      status: 400,
    });
  }
  if (!isObject(parsed))
    throw new GovernanceError(GovernanceCode.BAD_REQUEST, '"extensions" must be a JSON object', {
      status: 400,
    });
  body.extensions = parsed;
  return parsed;
}

function persistedQueryRequired(consumer: Consumer): GovernanceError {
  return new GovernanceError(
    GovernanceCode.PERSISTED_QUERY_REQUIRED,
    `Consumer "${consumer.id}" may run registered operations only: send the operation's id (documentId, or extensions.persistedQuery.sha256Hash), not its text`,
    { status: 400 },
  );
}

/** A store read on the request path that failed: a clear 503 the client may retry, not an internal error. */
function storeUnavailable(error: unknown): GovernanceError {
  if (error instanceof GovernanceError) return error;
  return new GovernanceError(
    GovernanceCode.STORE_UNAVAILABLE,
    'The governance store did not answer; try again',
    { status: 503, headers: { 'retry-after': '1' } },
  );
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
