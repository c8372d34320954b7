/**
 * The trusted documents of each consumer: manifests registered through the admin API, checked
 * against the current API schema (and the consumer's contract) before anything is kept, stored in
 * the GovernanceStore so every replica serves them, and kept parsed in memory so a registered
 * operation is parsed once per replica, never per request.
 *
 * Registering adds operations to the consumer's set (as GraphOS persisted query lists do): clients
 * still deployed keep working while a new version rolls out. An id is the sha-256 of its body, so
 * a registered operation never changes and a parsed copy never goes stale.
 *
 * Store layout: `pq:op:<consumer>:<id>` holds one operation as JSON (id, name, type, body,
 * registeredAt), without expiry.
 */
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Consumer } from '../consumer';
import { authorizeOperation } from '../field-authorization/document-filter';
import {
  describeRequirement,
  type DeclaredRequirements,
} from '../field-authorization/requirements';
import {
  ManifestReasonCode,
  readOperationManifest,
  type ManifestOperation,
  type ManifestReading,
  type ManifestReason,
  type ManifestWarning,
} from './operation-manifest';
import type { GovernanceStore } from '../store/governance-store';

export interface ManifestRegistryOptions {
  /** Parsed operations kept in memory by this replica (least recently used dropped first). Default 10000. */
  cacheSize?: number;
}

export interface ManifestRegistryDeps {
  store: GovernanceStore;
  /** The schema registration checks against: the supergraph's current API schema. */
  supergraph: { apiSchema(): GraphQLSchema };
  /** The API schema filtered to the consumer's contract (called only for consumers that have one); null when the contract exposes nothing. */
  contractSchema(consumer: Consumer): GraphQLSchema | null;
  /** The supergraph's @requiresScopes/@authenticated requirements, when field authorization enforces them: an operation needing what its consumer lacks is refused. */
  requirements(): DeclaredRequirements | null;
  /**
   * What the deprecations lifecycle says of one valid operation (deprecations/manifest-deprecations.ts):
   * reasons refuse the manifest (a sunset coordinate), warnings are answered with a registration. Absent: none.
   */
  lifecycle?(
    consumer: Consumer,
    index: number,
    operation: ManifestOperation,
    document: DocumentNode,
  ): { reasons: ManifestReason[]; warnings: ManifestWarning[] };
  now?: () => number;
}

/** An operation as kept: the manifest entry and when it was first registered. */
export interface StoredOperation extends ManifestOperation {
  registeredAt: string;
}

/** An operation written back to a store that had lost it, and whose it is. */
export interface RestoredOperation {
  consumer: string;
  id: string;
  name: string;
}

export interface RegisteredOperation extends StoredOperation {
  document: DocumentNode;
}

export type RegistrationResult =
  | {
      ok: true;
      received: number;
      added: number;
      unchanged: number;
      total: number;
      /** Present when there are any: operations registered that use deprecated coordinates. */
      warnings?: ManifestWarning[];
    }
  | { ok: false; reasons: ManifestReason[] };

export const MANIFEST_REGISTRY_DEFAULTS = { cacheSize: 10_000 } as const;

const operationKey = (consumerId: string, id: string) => `pq:op:${consumerId}:${id}`;
const consumerPrefix = (consumerId: string) => `pq:op:${consumerId}:`;

/**
 * Parses each operation's body and validates it against `apiSchema`, then, when the consumer has a
 * contract, against `contract.schema`. Answers the parsed document of each operation (by manifest
 * index), and every reason of every operation that fails.
 */
export function checkManifestOperations(
  entries: ManifestReading['entries'],
  apiSchema: GraphQLSchema,
  contract: { name: string; schema: GraphQLSchema | null } | null,
): { documents: Map<number, DocumentNode>; reasons: ManifestReason[] } {
  const reasons: ManifestReason[] = [];
  const documents = new Map<number, DocumentNode>();
  for (const { index, operation } of entries) {
    const where = { index, id: operation.id, name: operation.name };
    const reason = (
      code: ManifestReasonCode,
      error: GraphQLError | string,
      prefix = '',
    ): ManifestReason => ({
      code,
      message: prefix + (typeof error === 'string' ? error : error.message),
      operation: where,
      ...(typeof error !== 'string' && error.locations
        ? { locations: error.locations.map(({ line, column }) => ({ line, column })) }
        : {}),
    });

    let document: DocumentNode;
    try {
      document = parse(operation.body);
    } catch (error) {
      reasons.push(
        reason(
          ManifestReasonCode.GRAPHQL_PARSE_FAILED,
          error instanceof GraphQLError ? error : String(error),
        ),
      );
      continue;
    }
    const definitions = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (definitions.length !== 1) {
      reasons.push(
        reason(
          ManifestReasonCode.OPERATION_MISMATCH,
          `the body holds ${definitions.length} operations; a manifest entry is exactly one (with the fragments it uses)`,
        ),
      );
      continue;
    }
    const [definition] = definitions;
    if (definition.name?.value !== operation.name) {
      reasons.push(
        reason(
          ManifestReasonCode.OPERATION_MISMATCH,
          `the entry is named "${operation.name}" but its operation is ${definition.name ? `named "${definition.name.value}"` : 'anonymous'}`,
        ),
      );
    }
    if (definition.operation !== operation.type) {
      reasons.push(
        reason(
          ManifestReasonCode.OPERATION_MISMATCH,
          `the entry's type is ${operation.type} but its operation is a ${definition.operation}`,
        ),
      );
    }

    const apiErrors = validate(apiSchema, document);
    for (const error of apiErrors)
      reasons.push(reason(ManifestReasonCode.GRAPHQL_VALIDATION_FAILED, error));
    if (apiErrors.length === 0 && contract && !contract.schema) {
      reasons.push(
        reason(
          ManifestReasonCode.NOT_IN_CONTRACT,
          `the "${contract.name}" contract exposes no fields, so no operation fits it`,
        ),
      );
    } else if (apiErrors.length === 0 && contract?.schema) {
      for (const error of validate(contract.schema, document)) {
        reasons.push(
          reason(
            ManifestReasonCode.NOT_IN_CONTRACT,
            error,
            `not in the "${contract.name}" contract: `,
          ),
        );
      }
    }
    documents.set(index, document);
  }
  return { documents, reasons };
}

/** One reason per field of `operation` whose requirement the consumer does not meet (it would never be served). */
function scopeReasons(
  apiSchema: GraphQLSchema,
  declared: DeclaredRequirements,
  consumer: Consumer,
  index: number,
  operation: ManifestOperation,
  document: DocumentNode,
): ManifestReason[] {
  const authorization = authorizeOperation(
    apiSchema,
    declared,
    document,
    operation.name,
    { authenticated: true, scopes: new Set(consumer.scopes) },
    '',
  );
  const missing = new Map<string, string>();
  for (const removed of authorization?.removed ?? [])
    missing.set(removed.coordinate, describeRequirement(removed.missing));
  return [...missing].map(([coordinate, requirement]) => ({
    code: ManifestReasonCode.SCOPES_NOT_HELD,
    message: `${coordinate} needs ${requirement}, which consumer "${consumer.id}" does not hold: it could never run this operation`,
    operation: { index, id: operation.id, name: operation.name },
  }));
}

export class ManifestRegistry {
  private readonly store: GovernanceStore;
  private readonly now: () => number;
  /** Parsed operations by `<consumer>\n<id>`; a miss reads the store and parses once (concurrent misses share one read). */
  private readonly parsed: LRUCache<string, RegisteredOperation>;

  constructor(
    options: ManifestRegistryOptions,
    private readonly deps: ManifestRegistryDeps,
  ) {
    this.store = deps.store;
    this.now = deps.now ?? Date.now;
    this.parsed = new LRUCache<string, RegisteredOperation>({
      max: options.cacheSize ?? MANIFEST_REGISTRY_DEFAULTS.cacheSize,
      fetchMethod: async (key) => {
        const [consumerId, id] = key.split('\n');
        const text = await this.store.get(operationKey(consumerId, id));
        if (!text) return undefined;
        const stored = JSON.parse(text) as StoredOperation;
        // Validated when it was registered; only the parse is this replica's to do.
        return { ...stored, document: parse(stored.body) };
      },
    });
  }

  /**
   * What registering `manifest` for `consumer` would find, without writing anything: every reason
   * that refuses it, or its operations parsed and the warnings a registration answers with (a
   * manifest waiting for an admin's approval is checked with this when it is submitted).
   */
  check(
    consumer: Consumer,
    manifest: unknown,
  ):
    | {
        ok: true;
        reading: ManifestReading;
        documents: Map<number, DocumentNode>;
        warnings: ManifestWarning[];
      }
    | { ok: false; reasons: ManifestReason[] } {
    const reading = readOperationManifest(manifest);
    const contract = consumer.contract
      ? { name: consumer.contract, schema: this.deps.contractSchema(consumer) }
      : null;
    const checked = checkManifestOperations(
      reading.entries,
      this.deps.supergraph.apiSchema(),
      contract,
    );
    const declared = this.deps.requirements();
    if (declared) {
      // Only operations valid so far: a field outside the schema or contract is reported as that, not as a scope.
      const refused = new Set(checked.reasons.map((reason) => reason.operation?.index));
      for (const { index, operation } of reading.entries) {
        const document = checked.documents.get(index);
        if (document && !refused.has(index))
          checked.reasons.push(
            ...scopeReasons(
              this.deps.supergraph.apiSchema(),
              declared,
              consumer,
              index,
              operation,
              document,
            ),
          );
      }
    }
    const warnings: ManifestWarning[] = [];
    if (this.deps.lifecycle) {
      const refused = new Set(checked.reasons.map((reason) => reason.operation?.index));
      for (const { index, operation } of reading.entries) {
        const document = checked.documents.get(index);
        if (!document || refused.has(index)) continue;
        const found = this.deps.lifecycle(consumer, index, operation, document);
        checked.reasons.push(...found.reasons);
        warnings.push(...found.warnings);
      }
    }
    // Every reason at once, in manifest order, so one round of fixes is enough.
    const reasons = [...reading.reasons, ...checked.reasons].sort(
      (a, b) => (a.operation?.index ?? -1) - (b.operation?.index ?? -1),
    );
    if (reasons.length > 0) return { ok: false, reasons };
    return { ok: true, reading, documents: checked.documents, warnings };
  }

  /**
   * Registers a manifest for `consumer`: all of it, or, when any operation is malformed, does not
   * match its id, does not parse or does not validate, none of it, with every reason of every operation.
   */
  async register(consumer: Consumer, manifest: unknown): Promise<RegistrationResult> {
    const checked = this.check(consumer, manifest);
    if (!checked.ok) return checked;
    const { reading, documents, warnings } = checked;

    const existing = new Set(await this.ids(consumer.id));
    const registeredAt = new Date(this.now()).toISOString();
    const operations = reading.entries.map(({ operation }) => operation);
    const added = reading.entries.flatMap(({ index, operation }) =>
      existing.has(operation.id) ? [] : [{ operation, document: documents.get(index)! }],
    );
    await Promise.all(
      added.map(({ operation }) =>
        this.store.set(
          operationKey(consumer.id, operation.id),
          JSON.stringify({ ...operation, registeredAt } satisfies StoredOperation),
        ),
      ),
    );
    // This replica parsed them already.
    for (const { operation, document } of added)
      this.parsed.set(`${consumer.id}\n${operation.id}`, { ...operation, registeredAt, document });
    return {
      ok: true,
      received: operations.length,
      added: added.length,
      unchanged: operations.length - added.length,
      total: existing.size + added.length,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  /** The consumer's registered operation with this id, parsed; null when it has none. */
  async operation(consumerId: string, id: string): Promise<RegisteredOperation | null> {
    return (await this.parsed.fetch(`${consumerId}\n${id}`)) ?? null;
  }

  /** Whether the consumer registered this id (without parsing it). */
  async has(consumerId: string, id: string): Promise<boolean> {
    return (
      this.parsed.has(`${consumerId}\n${id}`) ||
      (await this.store.get(operationKey(consumerId, id))) !== null
    );
  }

  /** The consumer's registered operations (without bodies), by name. */
  async list(consumerId: string): Promise<Omit<StoredOperation, 'body'>[]> {
    return (await this.documents(consumerId)).map(({ id, name, type, registeredAt }) => ({
      id,
      name,
      type,
      registeredAt,
    }));
  }

  /** The consumer's registered operations with their bodies, by name (the registry checks them against a candidate schema). */
  async documents(consumerId: string): Promise<StoredOperation[]> {
    const texts = await Promise.all(
      (await this.ids(consumerId)).map((id) => this.store.get(operationKey(consumerId, id))),
    );
    return texts
      .flatMap((text) => (text ? [JSON.parse(text) as StoredOperation] : []))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /**
   * Writes back every operation this replica holds parsed (for `consumerId`, or for every consumer)
   * that the store no longer has, as it was registered, and answers them: after a Redis that came
   * back empty, the list the store gives again names what this replica still serves. An operation
   * no replica held is gone from both, so the two never disagree.
   */
  async restoreLost(consumerId?: string): Promise<RestoredOperation[]> {
    const held = [...this.parsed.entries()].flatMap(([key, operation]) => {
      const consumer = key.slice(0, key.indexOf('\n'));
      return consumerId === undefined || consumer === consumerId ? [{ consumer, operation }] : [];
    });
    if (held.length === 0) return [];
    const stored = new Set(
      await this.store.keys(consumerId === undefined ? 'pq:op:' : consumerPrefix(consumerId)),
    );
    const lost = held.filter(
      ({ consumer, operation }) => !stored.has(operationKey(consumer, operation.id)),
    );
    await Promise.all(
      lost.map(({ consumer, operation: { document: _document, ...kept } }) =>
        this.store.set(
          operationKey(consumer, kept.id),
          JSON.stringify(kept satisfies StoredOperation),
        ),
      ),
    );
    return lost.map(({ consumer, operation: { id, name } }) => ({ consumer, id, name }));
  }

  private async ids(consumerId: string): Promise<string[]> {
    const prefix = consumerPrefix(consumerId);
    return (await this.store.keys(prefix)).map((key) => key.slice(prefix.length));
  }
}
