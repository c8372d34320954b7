/**
 * Persisted and trusted operations, before any GraphQL work:
 * - a trusted document id (`documentId`, `id`, or `extensions.persistedQuery.sha256Hash`) that the
 *   consumer registered (manifest-registry.ts) runs that operation;
 * - automatic persisted queries (APQ) for any other hash, against the GovernanceStore so every
 *   replica shares the cache (Apollo Server's own APQ is off: it would cache per replica);
 * - the consumer's mode: `allow` anything; `audit` anything, recording each operation it has not
 *   registered (name, sha-256, first and last seen, count) so a team sees when the client is ready
 *   for `persisted-only`; `persisted-only` registered operations only.
 *
 * Unknown operations are counted in process and written in batches (no store write per request):
 * `pq:unknown:<consumer>:<sha256>` holds { name, firstSeen, lastSeen }, `pq:unknown-count:<consumer>:<sha256>`
 * the count; both expire `unknownOperationsRetentionDays` after the operation was first seen. Two
 * replicas flushing the same operation at the same instant may each keep their own last-seen time
 * (off by at most one flush interval); counts are exact.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import { ManifestRegistry } from './manifest-registry';
import type { GovernanceModule, GovernedRequest, GraphQLRequestBody } from '../module';
import { operationId } from './operation-manifest';
import type { GovernanceStore } from '../store/governance-store';

export interface PersistedOperationsOptions {
  /** Automatic persisted queries for operations a consumer has not registered (not for persisted-only consumers). Default true. */
  apq?: boolean;
  /** How long an APQ document stays in the store after it was last sent with its text (seconds). Default 86400 (24h). */
  apqTtlSeconds?: number;
  /** Larger APQ documents run but are not stored, so no consumer fills the shared store (bytes). Default 102400. */
  apqMaxDocumentBytes?: number;
  /** Parsed registered operations, and APQ documents, each kept in memory by a replica (LRU). Default 10000. */
  cacheSize?: number;
  /** Largest manifest the registration route accepts (bytes). Default 8388608 (8 MiB). */
  maxManifestBytes?: number;
  /** How often unknown operations seen in audit mode are written to the store (ms). Default 5000. */
  unknownOperationsFlushIntervalMs?: number;
  /** Days an unknown operation is tracked from when it was first seen. Default 30. */
  unknownOperationsRetentionDays?: number;
}

export interface PersistedOperationsDeps {
  store: GovernanceStore;
  /** Registration validates against its current API schema. */
  supergraph: { apiSchema(): GraphQLSchema };
  /** The API schema filtered to the consumer's contract (called for consumers with one); null when it exposes nothing. */
  contractSchema(consumer: Consumer): GraphQLSchema | null;
  /** The consumer declared with this id, for the admin routes; null when there is none. */
  consumer(id: string): Consumer | null;
  now?: () => number;
  /** Told when the store fails where the module carries on (APQ registration, unknown-operation flush). */
  onStoreError?: (error: unknown) => void;
}

export const PERSISTED_OPERATIONS_DEFAULTS = {
  apq: true,
  apqTtlSeconds: 86_400,
  apqMaxDocumentBytes: 102_400,
  cacheSize: 10_000,
  maxManifestBytes: 8 * 1024 * 1024,
  unknownOperationsFlushIntervalMs: 5_000,
  unknownOperationsRetentionDays: 30,
} as const;

/** Codes of this module's answers, besides the shared PERSISTED_QUERY_REQUIRED / _NOT_FOUND (all in GovernanceCode). */
export const PersistedOperationsCode = {
  PERSISTED_QUERY_HASH_MISMATCH: GovernanceCode.PERSISTED_QUERY_HASH_MISMATCH,
  PERSISTED_QUERY_NOT_SUPPORTED: GovernanceCode.PERSISTED_QUERY_NOT_SUPPORTED,
  BAD_REQUEST: GovernanceCode.BAD_REQUEST,
  MANIFEST_INVALID: GovernanceCode.MANIFEST_INVALID,
  CONSUMER_NOT_FOUND: GovernanceCode.CONSUMER_NOT_FOUND,
  STORE_UNAVAILABLE: GovernanceCode.STORE_UNAVAILABLE,
} as const;

/** How the request's document was found, in `context.governance.persistedOperationSource`. */
export type PersistedOperationSource = 'manifest' | 'apq';

/** An operation a consumer in audit mode ran without registering it. */
export interface UnknownOperation {
  consumer: string;
  /** sha-256 of the document: the id it would have in a manifest. */
  id: string;
  name: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

export type PersistedOperationsModule = GovernanceModule & {
  registry: ManifestRegistry;
  /** Operations consumers in audit mode ran unregistered (all consumers when none is given), most recently seen first. */
  unknownOperations(consumerId?: string): Promise<UnknownOperation[]>;
  /** Writes the unknown operations buffered so far; rejects if the store does. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

/** APQ's answer to a hash it does not hold: 200, so clients (Apollo Client's APQ link) retry with the text. */
const apqNotFound = () =>
  new GovernanceError(
    GovernanceCode.PERSISTED_QUERY_NOT_FOUND,
    'PersistedQueryNotFound: send the query with its hash to register it',
    {
      status: 200,
      headers: { 'cache-control': 'private, no-cache, must-revalidate' },
    },
  );

export function createPersistedOperationsModule(
  options: PersistedOperationsOptions,
  deps: PersistedOperationsDeps,
): PersistedOperationsModule {
  const settings = { ...PERSISTED_OPERATIONS_DEFAULTS, ...definedOnly(options) };
  const { store } = deps;
  const registry = new ManifestRegistry({ cacheSize: settings.cacheSize }, deps);
  // Content-addressed, so a cached document is never stale.
  const apqDocuments = new LRUCache<string, string>({ max: settings.cacheSize });
  const unknown = createUnknownOperationLog(settings, deps, registry);

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
        PersistedOperationsCode.BAD_REQUEST,
        'A persisted document id must be a non-empty string',
        { status: 400 },
      );
    }
    if (persistedQuery && persistedQuery.version !== undefined && persistedQuery.version !== 1) {
      throw new GovernanceError(
        PersistedOperationsCode.BAD_REQUEST,
        `Unsupported persisted query version ${String(persistedQuery.version)}: only version 1 exists`,
        { status: 400 },
      );
    }
    // `sha256:<hex>` is the GraphQL-over-HTTP persisted documents form.
    const id = requested.replace(/^sha256:/, '').toLowerCase();
    if (typeof body.query === 'string' && operationId(body.query) !== id) {
      throw new GovernanceError(
        PersistedOperationsCode.PERSISTED_QUERY_HASH_MISMATCH,
        `The query's sha-256 is not ${id}`,
        { status: 400, details: { id } },
      );
    }

    const isApq =
      persistedQuery !== undefined && body.documentId === undefined && body.id === undefined;
    const apqAllowed = isApq && settings.apq && mode !== 'persisted-only';
    // A hot APQ hash costs no store round trip (audit mode still tells registered ones apart when it flushes).
    const cached = apqAllowed && body.query === undefined ? apqDocuments.get(id) : undefined;
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
    if (!settings.apq) {
      throw new GovernanceError(
        PersistedOperationsCode.PERSISTED_QUERY_NOT_SUPPORTED,
        'PersistedQueryNotSupported: automatic persisted queries are off; send the query text',
        {
          status: 200,
          headers: { 'cache-control': 'private, no-cache, must-revalidate' },
        },
      );
    }
    if (typeof body.query === 'string') {
      await rememberApqDocument(id, body.query);
      return run(request, body, body.query, id, 'apq');
    }
    // The store failing is a miss: the client re-sends the text, which runs.
    const text = await store.get(apqKey(id)).catch(degrade(null));
    if (!text) throw apqNotFound();
    apqDocuments.set(id, text);
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

  async function rememberApqDocument(id: string, text: string): Promise<void> {
    if (Buffer.byteLength(text) > settings.apqMaxDocumentBytes) return;
    apqDocuments.set(id, text);
    // The request runs whether or not the store kept it; the client re-sends the text on a miss.
    await store.set(apqKey(id), text, settings.apqTtlSeconds).catch(degrade(undefined));
  }

  function degrade<T>(fallback: T): (error: unknown) => T {
    return (error) => {
      deps.onStoreError?.(error);
      return fallback;
    };
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
    },
    adminRoutes(admin: FastifyInstance) {
      const knownConsumer = (id: string): Consumer => {
        const consumer = deps.consumer(id);
        if (!consumer)
          throw new GovernanceError(
            PersistedOperationsCode.CONSUMER_NOT_FOUND,
            `No consumer "${id}" is declared in the governance config`,
            { status: 404, details: { consumer: id } },
          );
        return consumer;
      };

      admin.post<{ Params: { id: string } }>(
        '/consumers/:id/operations',
        { bodyLimit: settings.maxManifestBytes },
        (request, reply) =>
          answer(reply, deps, async () => {
            const consumer = knownConsumer(request.params.id);
            const result = await registry.register(consumer, request.body);
            if (!result.ok) {
              throw new GovernanceError(
                PersistedOperationsCode.MANIFEST_INVALID,
                `The manifest was refused (${result.reasons.length} ${result.reasons.length === 1 ? 'problem' : 'problems'}); nothing was registered`,
                { status: 422, details: { consumer: consumer.id, reasons: result.reasons } },
              );
            }
            const { ok: _ok, ...counts } = result;
            return { consumer: consumer.id, ...counts };
          }),
      );
      admin.get<{ Params: { id: string } }>('/consumers/:id/operations', (request, reply) =>
        answer(reply, deps, async () => {
          const consumer = knownConsumer(request.params.id);
          const operations = await registry.list(consumer.id);
          return {
            consumer: consumer.id,
            mode: consumer.persistedOperations,
            total: operations.length,
            operations,
          };
        }),
      );
      admin.get<{ Querystring: { consumer?: string } }>('/unknown-operations', (request, reply) =>
        answer(reply, deps, async () => {
          const consumer = request.query.consumer ? knownConsumer(request.query.consumer) : null;
          return { consumer: consumer?.id ?? null, operations: await unknown.list(consumer?.id) };
        }),
      );
    },
    unknownOperations: (consumerId) => unknown.list(consumerId),
    flush: () => unknown.flush(),
    close: () => unknown.close(),
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
    throw new GovernanceError(
      PersistedOperationsCode.BAD_REQUEST,
      '"extensions" must be a JSON object',
      { status: 400 },
    );
  }
  if (!isObject(parsed))
    throw new GovernanceError(
      PersistedOperationsCode.BAD_REQUEST,
      '"extensions" must be a JSON object',
      { status: 400 },
    );
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
    PersistedOperationsCode.STORE_UNAVAILABLE,
    'The governance store did not answer; try again',
    { status: 503, headers: { 'retry-after': '1' } },
  );
}

/** An admin route's answer: its result, its GovernanceError, or 503 when the store failed. */
async function answer(
  reply: FastifyReply,
  deps: PersistedOperationsDeps,
  handler: () => Promise<unknown>,
): Promise<FastifyReply> {
  try {
    return reply.send(await handler());
  } catch (error) {
    if (error instanceof GovernanceError)
      return reply.code(error.status).send(error.toResponseBody());
    deps.onStoreError?.(error);
    return reply.code(503).send({
      errors: [
        {
          message: 'The governance store did not answer; try again',
          extensions: { code: PersistedOperationsCode.STORE_UNAVAILABLE },
        },
      ],
    });
  }
}

const apqKey = (id: string) => `apq:${id}`;

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------
// The unknown operations of consumers in audit mode: counted in process, flushed in batches.

interface Sighting {
  consumer: string;
  id: string;
  name: string | null;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

type UnknownSettings = Required<
  Pick<
    PersistedOperationsOptions,
    'cacheSize' | 'unknownOperationsFlushIntervalMs' | 'unknownOperationsRetentionDays'
  >
>;

function createUnknownOperationLog(
  settings: UnknownSettings,
  deps: PersistedOperationsDeps,
  registry: ManifestRegistry,
) {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const retentionMs = settings.unknownOperationsRetentionDays * 86_400_000;
  const recordKey = (consumer: string, id: string) => `pq:unknown:${consumer}:${id}`;
  const countKey = (consumer: string, id: string) => `pq:unknown-count:${consumer}:${id}`;
  let buffer = new Map<string, Sighting>();
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (buffer.size > 0) flush().catch(() => {});
  }, settings.unknownOperationsFlushIntervalMs);
  timer.unref();

  function record(consumer: string, id: string, name: string | null): void {
    const key = `${consumer}\n${id}`;
    const at = now();
    const sighting = buffer.get(key);
    if (sighting) {
      sighting.count++;
      sighting.lastSeen = at;
    } else if (buffer.size < settings.cacheSize) {
      // Bounded: a client sending ever-new documents cannot grow the buffer past the cache size between flushes.
      buffer.set(key, { consumer, id, name, firstSeen: at, lastSeen: at, count: 1 });
    }
  }

  async function write(sighting: Sighting): Promise<void> {
    // A free-form document that is in the consumer's manifest is known, however it was sent.
    if (await registry.has(sighting.consumer, sighting.id)) return;
    const key = recordKey(sighting.consumer, sighting.id);
    const previous = JSON.parse((await store.get(key)) ?? 'null') as {
      name: string | null;
      firstSeen: number;
      lastSeen: number;
    } | null;
    const live = previous && previous.firstSeen + retentionMs > now() ? previous : null;
    const firstSeen = Math.min(live?.firstSeen ?? sighting.firstSeen, sighting.firstSeen);
    const ttlSeconds = Math.max(1, Math.ceil((firstSeen + retentionMs - now()) / 1000));
    // A count outliving its record belongs to an expired sighting (or a write cut short): start over.
    if (!live) await store.delete(countKey(sighting.consumer, sighting.id));
    // Record before count: a flush retried after a failure between the two counts its sightings once.
    await store.set(
      key,
      JSON.stringify({
        name: sighting.name ?? live?.name ?? null,
        firstSeen,
        lastSeen: Math.max(live?.lastSeen ?? 0, sighting.lastSeen),
      }),
      ttlSeconds,
    );
    await store.increment(countKey(sighting.consumer, sighting.id), sighting.count, ttlSeconds);
  }

  function flush(): Promise<void> {
    flushing ??= (async () => {
      try {
        const batch = [...buffer.values()];
        buffer = new Map();
        const failed: Sighting[] = [];
        let firstError: unknown;
        await Promise.all(
          batch.map((sighting) =>
            write(sighting).catch((error) => {
              failed.push(sighting);
              firstError ??= error;
            }),
          ),
        );
        // Kept for the next flush, merged with what arrived meanwhile, so nothing counted is lost.
        for (const sighting of failed) {
          const key = `${sighting.consumer}\n${sighting.id}`;
          const newer = buffer.get(key);
          buffer.set(
            key,
            newer
              ? { ...sighting, count: sighting.count + newer.count, lastSeen: newer.lastSeen }
              : sighting,
          );
        }
        if (failed.length > 0) throw firstError;
      } finally {
        flushing = null;
      }
    })();
    return flushing;
  }

  async function list(consumer?: string): Promise<UnknownOperation[]> {
    // This replica's latest sightings first; the others' arrive with their next flush.
    await flush().catch((error) => deps.onStoreError?.(error));
    const prefix = consumer ? `pq:unknown:${consumer}:` : 'pq:unknown:';
    const keys = await store.keys(prefix);
    const operations = await Promise.all(
      keys.map(async (key) => {
        const [consumerId, id] = key.slice('pq:unknown:'.length).split(':');
        const [text, count] = await Promise.all([
          store.get(key),
          store.counter(countKey(consumerId, id)),
        ]);
        if (!text) return null;
        const { name, firstSeen, lastSeen } = JSON.parse(text) as {
          name: string | null;
          firstSeen: number;
          lastSeen: number;
        };
        return {
          consumer: consumerId,
          id,
          name,
          firstSeen: new Date(firstSeen).toISOString(),
          lastSeen: new Date(lastSeen).toISOString(),
          count,
        } satisfies UnknownOperation;
      }),
    );
    return operations
      .filter((operation): operation is UnknownOperation => operation !== null)
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || b.count - a.count);
  }

  return {
    record,
    flush,
    list,
    async close() {
      clearInterval(timer);
      await flush().catch((error) => deps.onStoreError?.(error));
    },
  };
}
