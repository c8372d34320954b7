/**
 * Audit: every mutation leaves a record (time, consumer, principal, correlation id, operation,
 * the business keys it touched, outcome) in the GovernanceStore, queryable by business key.
 *
 * Store layout: records sit in a ring of `maxRecords` slots (`audit:record:<seq mod maxRecords>`),
 * numbered by a counter every replica shares (`audit:seq`), so the log stays capped across
 * replicas; each business key has an index hash (`audit:key:<KEY>`) whose fields are the sequence
 * numbers of its records. A record and its index entries are written in one step that also removes
 * the entries of the record it overwrites (GovernanceStore.setIndexed), so the index, like the
 * log, holds only what the ring holds: business keys are the client's values, and an index that
 * outlived its records would grow with every one ever seen. A slot since reused by a newer record
 * is still skipped when the index is read (a write in flight on another replica).
 */
import type { FastifyInstance } from 'fastify';
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { GatewayContext } from '../../context';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import type { GovernanceStore } from '../store/governance-store';
import { sendAdminError } from '../admin-error';

export interface AuditLogOptions {
  /** Records kept (all replicas together); the oldest are overwritten past it. Default 100000. */
  maxRecords?: number;
  /** How often records the store refused are retried (ms). Default 1000. */
  retryIntervalMs?: number;
}

export interface AuditLogDeps {
  store: GovernanceStore;
  now?: () => number;
  /** Told when the store refuses a record (it is kept and retried). */
  onWriteError?: (error: unknown) => void;
}

export interface AuditRecord {
  /** Position in the shared log (assigned when written). */
  seq?: number;
  at: string;
  consumer: string | null;
  principal: string | null;
  correlationId: string;
  operationName: string | null;
  operationId: string | null;
  /** Mutation root fields it ran. */
  fields: string[];
  /** Business keys (order, shipment, invoice, payment, customer ids) in its arguments and its results. */
  keys: string[];
  outcome: 'ok' | 'error';
  errorCodes: string[];
  /** An admin action's particulars (e.g. a budget reset's windows and counts before and after). */
  details?: Record<string, unknown>;
}

/** An operator's action through the admin API, recorded as a mutation is: found by the keys it changed. */
export interface AdminActionRecord {
  /** e.g. `budget.reset`: the record's operation name and field. */
  action: string;
  admin: { id: string; principal?: string | null } | null;
  correlationId: string;
  /** What it changed (e.g. the consumer whose budget was reset). */
  keys: string[];
  details: Record<string, unknown>;
}

export const AUDIT_DEFAULTS = { maxRecords: 100_000, retryIntervalMs: 1_000 } as const;
const SEQUENCE_KEY = 'audit:seq';
/** The sequence counter needs a time to live; the ring, not time, bounds the log and its index. */
const TEN_YEARS_SECONDS = 10 * 366 * 86_400;
const MAX_KEYS_PER_RECORD = 100;
const MAX_READ = 1_000;

/** Names of arguments, input fields and result fields that hold business keys: `id`, `ids`, `orderId`, `invoiceIds`... */
const BUSINESS_KEY_NAME = /^(id|ids|[a-z][A-Za-z0-9]*Ids?)$/;

/**
 * The business keys of a mutation: values of key-named arguments and input fields (literal or
 * from variables), and key-named fields of the data its root fields returned.
 */
export function businessKeysOf(
  rootFields: readonly FieldNode[],
  variables: Readonly<Record<string, unknown>>,
  data: Readonly<Record<string, unknown>> | null | undefined,
): string[] {
  const keys = new Set<string>();
  const addValue = (name: string, value: unknown, depth = 0): void => {
    if (depth > 8 || value === null || value === undefined) return;
    if (Array.isArray(value)) for (const item of value) addValue(name, item, depth + 1);
    else if (typeof value === 'object')
      for (const [field, inner] of Object.entries(value)) addValue(field, inner, depth + 1);
    else if (
      (typeof value === 'string' || typeof value === 'number') &&
      BUSINESS_KEY_NAME.test(name) &&
      String(value) !== ''
    )
      keys.add(String(value));
  };
  const addLiteral = (name: string, node: ValueNode): void => {
    switch (node.kind) {
      case Kind.VARIABLE:
        return addValue(name, variables[node.name.value]);
      case Kind.OBJECT:
        return node.fields.forEach((field) => addLiteral(field.name.value, field.value));
      case Kind.LIST:
        return node.values.forEach((value) => addLiteral(name, value));
      case Kind.STRING:
      case Kind.INT:
        return addValue(name, node.value);
    }
  };
  for (const field of rootFields) {
    for (const argument of field.arguments ?? []) addLiteral(argument.name.value, argument.value);
    addValue('', data?.[field.alias?.value ?? field.name.value]);
  }
  return [...keys].slice(0, MAX_KEYS_PER_RECORD);
}

/** The root fields of a selection set, through inline fragments and fragment spreads. */
export function rootFieldsOf(
  selectionSet: SelectionSetNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return rootFieldsOf(selection.selectionSet, fragments);
    const fragment = fragments[selection.name.value];
    return fragment ? rootFieldsOf(fragment.selectionSet, fragments) : [];
  });
}

export type AuditLogModule = GovernanceModule & {
  /** Records touching `key`, newest first. */
  recordsFor(key: string, limit?: number): Promise<AuditRecord[]>;
  /** The newest records. */
  latest(limit?: number): Promise<AuditRecord[]>;
  /** Writes the records the store refused so far; rejects if it still does. */
  drain(): Promise<void>;
  /** Records an admin action; resolves once written (or kept for retry, told to onWriteError). */
  recordAdminAction(action: AdminActionRecord): Promise<void>;
  close(): Promise<void>;
};

export function createAuditLogModule(options: AuditLogOptions, deps: AuditLogDeps): AuditLogModule {
  const maxRecords = options.maxRecords ?? AUDIT_DEFAULTS.maxRecords;
  if (!Number.isInteger(maxRecords) || maxRecords < 1)
    throw new Error(`audit.maxRecords must be a positive whole number, not ${maxRecords}`);
  const now = deps.now ?? Date.now;
  const { store } = deps;
  const slotKey = (seq: number) => `audit:record:${seq % maxRecords}`;
  const indexKey = (key: string) => `audit:key:${key}`;

  // Records waiting for the store, oldest first: written in order, so none is lost while the store is away.
  const pending: AuditRecord[] = [];
  let draining: Promise<void> | null = null;
  const retry = setInterval(() => {
    if (pending.length > 0) drain().catch(() => {});
  }, options.retryIntervalMs ?? AUDIT_DEFAULTS.retryIntervalMs);
  retry.unref();

  async function write(record: AuditRecord): Promise<void> {
    // The sequence number is taken once, so a retried record keeps its slot.
    record.seq ??= await store.increment(SEQUENCE_KEY, 1, TEN_YEARS_SECONDS);
    await store.setIndexed(slotKey(record.seq), JSON.stringify(record), {
      field: String(record.seq),
      keys: record.keys.map(indexKey),
    });
  }

  function drain(): Promise<void> {
    // With nothing pending the loop below would run to its `finally` before `draining` is assigned,
    // leaving a settled promise there for good, and no later record would ever be written.
    if (!draining && pending.length === 0) return Promise.resolve();
    draining ??= (async () => {
      try {
        while (pending.length > 0) {
          const record = pending[0];
          await write(record);
          // By identity: the cap may have dropped older records meanwhile.
          const index = pending.indexOf(record);
          if (index >= 0) pending.splice(index, 1);
        }
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  async function recordsAt(seqs: number[]): Promise<AuditRecord[]> {
    const records = await Promise.all(
      seqs.map(async (seq) => ({ seq, text: await store.get(slotKey(seq)) })),
    );
    return records.flatMap(({ seq, text }) => {
      const record = text ? (JSON.parse(text) as AuditRecord) : null;
      return record?.seq === seq ? [record] : [];
    });
  }

  async function recordsFor(key: string, limit = 100): Promise<AuditRecord[]> {
    const seqs = Object.keys(await store.fields(indexKey(key)))
      .map(Number)
      .sort((a, b) => b - a)
      .slice(0, Math.min(limit, maxRecords));
    return recordsAt(seqs);
  }

  async function latest(limit = 100): Promise<AuditRecord[]> {
    const newest = await store.counter(SEQUENCE_KEY);
    const count = Math.min(limit, maxRecords, newest);
    return recordsAt(Array.from({ length: count }, (_, i) => newest - i));
  }

  /** Queued in order with the mutations' records, so none is lost while the store is away. */
  function enqueue(record: AuditRecord): Promise<void> {
    pending.push(record);
    // A long outage keeps the newest records, as the capped log itself would.
    if (pending.length > maxRecords) pending.splice(0, pending.length - maxRecords);
    return drain().catch((error) => deps.onWriteError?.(error));
  }

  function recordAdminAction(action: AdminActionRecord): Promise<void> {
    return enqueue({
      at: new Date(now()).toISOString(),
      consumer: action.admin?.id ?? null,
      principal: action.admin?.principal ?? null,
      correlationId: action.correlationId,
      operationName: action.action,
      operationId: null,
      fields: [action.action],
      keys: action.keys.slice(0, MAX_KEYS_PER_RECORD),
      outcome: 'ok',
      errorCodes: [],
      details: action.details,
    });
  }

  /** Mutations only: a query costs one comparison and no promise. */
  function audit(
    request: GraphQLRequestContextWillSendResponse<GatewayContext>,
  ): Promise<void> | undefined {
    const operation = request.operation;
    if (operation?.operation !== 'mutation' || !request.document) return;
    const fragments = Object.fromEntries(
      request.document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    const rootFields = rootFieldsOf(operation.selectionSet, fragments);
    const body = request.response.body;
    const result = body.kind === 'single' ? body.singleResult : body.initialResult;
    const errors = result.errors ?? request.errors ?? [];
    const { contextValue: context } = request;
    // Written before the response leaves, so a client that saw its mutation answered finds its record.
    return enqueue({
      at: new Date(now()).toISOString(),
      consumer: context.consumer?.id ?? null,
      principal: context.consumer?.principal ?? null,
      correlationId: context.correlationId,
      operationName: operation.name?.value ?? null,
      operationId: context.governance.persistedOperationId ?? request.queryHash ?? null,
      fields: [...new Set(rootFields.map((field) => field.name.value))],
      keys: businessKeysOf(
        rootFields,
        request.request.variables ?? {},
        (result as { data?: Record<string, unknown> | null }).data,
      ),
      outcome: errors.length > 0 ? 'error' : 'ok',
      errorCodes: [
        ...new Set(
          errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
        ),
      ].sort(),
    });
  }

  return {
    name: 'audit',
    recordsFor,
    latest,
    drain,
    recordAdminAction,
    operation: { willSendResponse: audit },
    adminRoutes(admin: FastifyInstance) {
      admin.get<{ Querystring: { key?: string; limit?: string } }>(
        '/audit',
        async (request, reply) => {
          try {
            const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
            if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ) {
              throw new GovernanceError(
                GovernanceCode.BAD_USER_INPUT,
                `"limit" must be a whole number from 1 to ${MAX_READ}`,
                { details: { argument: 'limit' } },
              );
            }
            const key = request.query.key?.trim();
            return reply.send({
              key: key || null,
              records: key ? await recordsFor(key, limit) : await latest(limit),
            });
          } catch (error) {
            return sendAdminError(reply, error);
          }
        },
      );
    },
    async close() {
      clearInterval(retry);
      await drain().catch((error) => deps.onWriteError?.(error));
    },
  };
}
