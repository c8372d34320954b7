/**
 * Apollo's persisted query manifest (`apollo-persisted-query-manifest`, version 1), as written by
 * `@apollo/generate-persisted-query-manifest` and `rover persisted-queries publish`:
 *
 *   { "format": "apollo-persisted-query-manifest", "version": 1,
 *     "operations": [{ "id": "<sha256 of body>", "name": "GetOrder", "type": "query", "body": "query GetOrder ..." }] }
 *
 * This file reads one and says everything wrong with it, as reasons a client team can act on;
 * checking the operations against a schema is the registry's job (manifest-registry.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
export const OPERATION_TYPES = ['query', 'mutation', 'subscription'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export interface ManifestOperation {
  /** The sha-256 (lowercase hex) of `body`: the id clients send instead of the document. */
  id: string;
  name: string;
  type: OperationType;
  body: string;
}

/** Stable codes of what can be wrong with a manifest or one of its operations. */
export const ManifestReasonCode = {
  /** Not a manifest: wrong format or version, no operations list, an operation missing a field. */
  INVALID_MANIFEST: 'INVALID_MANIFEST',
  /** The id is not the sha-256 of the body. */
  OPERATION_ID_MISMATCH: 'OPERATION_ID_MISMATCH',
  /** Two operations share an id. */
  DUPLICATE_OPERATION_ID: 'DUPLICATE_OPERATION_ID',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The body is not exactly one operation, or its name or type differs from the entry's. */
  OPERATION_MISMATCH: 'OPERATION_MISMATCH',
  /** Unknown field, wrong argument... against the API schema. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** Valid against the API schema, but uses what the consumer's contract leaves out. */
  NOT_IN_CONTRACT: 'NOT_IN_CONTRACT',
  /** Selects a field whose @requiresScopes/@authenticated the consumer does not meet: it could never run it. */
  SCOPES_NOT_HELD: 'SCOPES_NOT_HELD',
  /** Uses a coordinate past its sunset date (deprecations/), and the consumer holds no waiver for it. */
  COORDINATE_SUNSET: 'COORDINATE_SUNSET',
} as const;
export type ManifestReasonCode = (typeof ManifestReasonCode)[keyof typeof ManifestReasonCode];

/** One thing wrong, and where: `operation` is absent for problems of the manifest as a whole. */
export interface ManifestReason {
  code: ManifestReasonCode;
  message: string;
  operation?: { index: number; id?: string; name?: string };
  /** Line and column in the operation's body (parse and validation failures). */
  locations?: { line: number; column: number }[];
  /** The schema coordinate at fault (COORDINATE_SUNSET). */
  coordinate?: string;
}

/**
 * Something a registration accepted but the client team should act on: an operation using a
 * deprecated coordinate (`DEPRECATED_COORDINATE`, naming its sunset and replacement).
 */
export interface ManifestWarning {
  code: 'DEPRECATED_COORDINATE';
  message: string;
  operation: { index: number; id: string; name: string };
  coordinate: string;
  sunset: string;
  replacement: string | null;
}

/** The well-formed operations of a manifest, each with its position, and the reasons of the rest. */
export interface ManifestReading {
  entries: { index: number; operation: ManifestOperation }[];
  reasons: ManifestReason[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const envelopeSchema = z.object(
  {
    format: z.literal(MANIFEST_FORMAT, { error: `must be "${MANIFEST_FORMAT}"` }),
    version: z.literal(1, { error: 'must be 1 (the only version of the format)' }),
    operations: z.array(z.unknown(), { error: 'must be a list of operations' }),
  },
  { error: `must be a JSON object in the ${MANIFEST_FORMAT} format` },
);

/** "is required" for a missing field, `otherwise` for a wrong one. */
const requiredOr = (otherwise: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : otherwise),
});

const operationSchema = z.object(
  {
    id: z
      .string(requiredOr('must be a string'))
      .regex(SHA256_HEX, { error: 'must be a sha-256 in lowercase hex (64 characters)' }),
    name: z.string(requiredOr('must be a string')).min(1, { error: 'must not be empty' }),
    type: z.enum(OPERATION_TYPES, requiredOr(`must be one of ${OPERATION_TYPES.join(', ')}`)),
    body: z.string(requiredOr('must be a string')).min(1, { error: 'must not be empty' }),
  },
  { error: 'must be an object with id, name, type and body' },
);

/** The id of a document: the sha-256 of its exact text, in lowercase hex (as APQ and trusted documents use). */
export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Reads a manifest (already JSON-decoded): its well-formed operations, and every reason it is not
 * usable: envelope problems (then no operations), or per operation a malformed entry, an id that
 * is not the sha-256 of the body, an id used twice. Bodies are not parsed here.
 */
export function readOperationManifest(input: unknown): ManifestReading {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    return {
      entries: [],
      reasons: envelope.error.issues.map((issue) => ({
        code: ManifestReasonCode.INVALID_MANIFEST,
        message: `${pathOf(issue.path) || 'manifest'} ${issue.message}`,
      })),
    };
  }

  const reasons: ManifestReason[] = [];
  const entries: ManifestReading['entries'] = [];
  const firstIndexOfId = new Map<string, number>();
  envelope.data.operations.forEach((entry, index) => {
    const parsed = operationSchema.safeParse(entry);
    const raw = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const where = {
      index,
      ...(typeof raw.id === 'string' ? { id: raw.id } : {}),
      ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        reasons.push({
          code: ManifestReasonCode.INVALID_MANIFEST,
          message: `operations[${index}]${pathOf(issue.path, true)} ${issue.message}`,
          operation: where,
        });
      }
      return;
    }
    const operation = parsed.data;
    const actualId = operationId(operation.body);
    if (operation.id !== actualId) {
      reasons.push({
        code: ManifestReasonCode.OPERATION_ID_MISMATCH,
        message: `id ${operation.id} is not the sha-256 of the body (${actualId})`,
        operation: where,
      });
    }
    const first = firstIndexOfId.get(operation.id);
    if (first !== undefined) {
      reasons.push({
        code: ManifestReasonCode.DUPLICATE_OPERATION_ID,
        message: `id ${operation.id} is also the id of operations[${first}]`,
        operation: where,
      });
    } else {
      firstIndexOfId.set(operation.id, index);
    }
    entries.push({ index, operation });
  });
  return { entries, reasons };
}

/** `a.b[2].c`, or with `leading` `.a.b[2]` to follow an index. */
function pathOf(path: readonly PropertyKey[], leading = false): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i > 0 || leading ? '.' : ''}${String(part)}`,
    )
    .join('');
}
