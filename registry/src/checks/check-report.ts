/**
 * The contract between the registry service (storage, publish, history) and the check pipeline
 * (registry/src/checks/): the service composes before and after, the pipeline judges the change.
 */

/** One subgraph's version as the registry holds it. */
export interface SubgraphVersionRef {
  name: string;
  sdl: string;
  url: string;
}

export interface CompositionErrorLocation {
  subgraph?: string;
  line: number;
  column: number;
}

export interface CompositionError {
  message: string;
  code?: string;
  locations?: CompositionErrorLocation[];
}

export type Composition =
  | { ok: true; supergraphSdl: string; apiSchemaSdl: string }
  | { ok: false; errors: CompositionError[] };

export interface CheckInput {
  /** The subgraph being changed. */
  subgraph: string;
  /** All subgraphs' current versions (the changed one's current version too, when it has one). */
  current: SubgraphVersionRef[];
  /** The proposed version. */
  candidate: SubgraphVersionRef;
  /** Today's composition. */
  before: Composition & { ok: true };
  /** The composition with the candidate in place of the current version. */
  after: Composition;
}

/**
 * What a check found. `id` and `ok` are the service's; the pipeline adds its sections (composition,
 * changes, usage impact, operations, governance rules, unknowns, fingerprint, approvalRequired).
 */
export interface CheckReport {
  id: string;
  ok: boolean;
  /** Bound by an approval: the same change set and affected consumers give the same fingerprint. */
  fingerprint?: string;
  /** A failing check that an approval may let through (false: nothing can, e.g. composition failed). */
  approvalRequired?: boolean;
  [section: string]: unknown;
}

export type RunCheck = (input: CheckInput) => Promise<CheckReport>;
