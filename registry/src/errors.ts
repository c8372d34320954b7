/**
 * Stable codes of every refusal the registry answers with, one list (as the gateway's
 * governance/errors.ts): the CLI, CI pipelines and the README's error table read them here.
 */
export const RegistryCode = {
  /** No credentials, or credentials nobody holds (401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Known caller without the scope the route needs, e.g. an owner of one subgraph publishing another (403). */
  FORBIDDEN: 'FORBIDDEN',
  /** A malformed request: a missing or invalid field, a bad name or version (400). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** Also for a malformed transport: bad JSON, wrong content type (400). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** An unknown subgraph, version, check, approval or route (404). */
  NOT_FOUND: 'NOT_FOUND',
  /** The request body is over the registry's limit (413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The candidate does not compose with the other subgraphs' current versions: nothing can approve it (409). */
  COMPOSITION_FAILED: 'COMPOSITION_FAILED',
  /** The check failed and no approval covering this change was given (409). */
  CHECK_FAILED: 'CHECK_FAILED',
  /** The approval given does not cover this change: another check's change set, subgraph or graph (409). */
  APPROVAL_MISMATCH: 'APPROVAL_MISMATCH',
  /** The approval given has expired (409); approve the rerun check again. */
  APPROVAL_EXPIRED: 'APPROVAL_EXPIRED',
  /** An approval asked for a check that passed, or one that nothing may approve (composition failed) (409). */
  NOT_APPROVABLE: 'NOT_APPROVABLE',
  /** Another writer kept moving the graph while this change was checked (409); publish again. */
  GRAPH_CHANGED: 'GRAPH_CHANGED',
  /** The check could not reach a source it needs (usage, registered operations); retry (503). */
  CHECK_UNAVAILABLE: 'CHECK_UNAVAILABLE',
  /** A deprecation names a coordinate the current API schema does not have (404). */
  COORDINATE_NOT_FOUND: 'COORDINATE_NOT_FOUND',
  /** A coordinate given a sunset is not `@deprecated` in the current schema: deprecate it in its subgraph and publish first (409). */
  COORDINATE_NOT_DEPRECATED: 'COORDINATE_NOT_DEPRECATED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type RegistryCode = (typeof RegistryCode)[keyof typeof RegistryCode];

/** A refusal: the HTTP status, a stable code, a message for people and details for programs. */
export class RegistryError extends Error {
  constructor(
    readonly code: RegistryCode,
    message: string,
    readonly status = 400,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  /** The body answered: GraphQL's error shape, as the gateway's admin routes answer. */
  toResponseBody(): { errors: { message: string; extensions: Record<string, unknown> }[] } {
    return {
      errors: [{ message: this.message, extensions: { code: this.code, ...this.details } }],
    };
  }
}

export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new RegistryError(RegistryCode.BAD_USER_INPUT, message, 400, details);

export const notFound = (message: string, details: Record<string, unknown> = {}) =>
  new RegistryError(RegistryCode.NOT_FOUND, message, 404, details);
