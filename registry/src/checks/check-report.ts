/**
 * The contract between the registry service (storage, publish, history) and the check pipeline
 * (registry/src/checks/): the service composes before and after, the pipeline judges the change.
 */

import type { CompositionError, SupergraphComposition } from '@switchyard/gateway';
import type { ContractReplaySection } from './contract-replay';

/** One subgraph's version as the registry holds it. */
export interface SubgraphVersionRef {
  name: string;
  sdl: string;
  url: string;
}

/** A composition's outcome, as the gateway's composeSubgraphs answers it. */
export type Composition = SupergraphComposition;
export type { CompositionError, CompositionErrorLocation } from '@switchyard/gateway';

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
  /** A deployment of the candidate to replay the gateway's sampled traffic against (`--endpoint`). */
  replayEndpoint?: string;
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

// ---- The sections the check pipeline (registry/src/checks/) adds to a CheckReport ----

/** How a change affects clients, as @graphql-inspector/core's criticality says (with Switchyard's overrides). */
export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

/** One change of the API schema or of a contract variant. */
export interface SchemaChange {
  level: ChangeLevel;
  /** graphql-inspector's change type (`FIELD_REMOVED`, `ENUM_VALUE_ADDED`, ...). */
  type: string;
  /** Schema coordinate: `Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`. */
  coordinate: string;
  message: string;
  /** Why it is breaking or dangerous, when the library says. */
  reason?: string;
  /** The schemas it changes: `api` and/or contract names. */
  schemas: string[];
}

/** One operation of a consumer that used a changed coordinate within the consumer's window. */
export interface OperationUsage {
  operationId: string;
  operationName: string;
  requests: number;
  /** End of the last usage time bucket the operation was seen in (ISO), capped at the check's time. */
  lastSeen: string;
}

export interface ConsumerUsageImpact {
  consumer: string;
  windowDays: number;
  requests: number;
  lastSeen: string;
  operations: OperationUsage[];
}

/** A consumer whose use of a coordinate is unknown: part of its window holds no usage data. */
export interface UnknownUsage {
  consumer: string;
  reason: string;
}

/** For one breaking or dangerous change: who used it (every consumer and operation, no top-N), and who is unknown. */
export interface UsageImpact {
  coordinate: string;
  changeType: string;
  level: ChangeLevel;
  /** The usage coordinates (`Type.field`) read for it. */
  usageCoordinates: string[];
  consumers: ConsumerUsageImpact[];
  unknown: UnknownUsage[];
}

/** How much of each consumer's window usage data covers. */
export interface UsageCoverage {
  /** False when the usage source could not be read (gateway down, usage off, store unreachable): everything is unknown. */
  available: boolean;
  /** Why not available. */
  reason?: string;
  retentionDays?: number;
  consumers: {
    consumer: string;
    windowDays: number;
    /** Days of the window with usage recorded. */
    knownDays: number;
    complete: boolean;
    /** What the unknown part is: not recorded yet, beyond retention, source unavailable. */
    reason?: string;
    /** True when the consumer runs registered operations only: its use is exactly its operations, checked whatever the usage. */
    persistedOnly: boolean;
  }[];
}

/** A registered (trusted) operation that the candidate breaks. */
export interface OperationFailure {
  consumer: string;
  operationId: string;
  operationName: string;
  /** `api` or the consumer's contract name. */
  schema: string;
  reasons: string[];
}

export interface RegisteredOperationsReport {
  /** Operations validated, over every consumer. */
  checked: number;
  /** Operations that the candidate breaks (they were valid against today's schema). */
  failures: OperationFailure[];
  /** Operations that were already broken before this change (reported, not held against it). */
  alreadyFailing: OperationFailure[];
  /** Consumers whose registered operations could not be read. */
  unavailable: { consumer: string; reason: string }[];
}

export type GovernanceRuleName =
  'access-loosened' | 'unscoped-field-on-scoped-type' | 'cost-over-tier-limit';

export interface GovernanceRuleFailure {
  rule: GovernanceRuleName;
  coordinate?: string;
  consumer?: string;
  operationName?: string;
  operationId?: string;
  message: string;
}

/** The whole check: what the pipeline adds to the service's `id` and `ok`. */
export interface CheckSections {
  subgraph: string;
  composition: { ok: boolean; errors: CompositionError[] };
  changes: SchemaChange[];
  usage: UsageImpact[];
  usageCoverage: UsageCoverage;
  operations: RegisteredOperationsReport;
  rules: GovernanceRuleFailure[];
  /** The contract replay against the candidate's deployment, when the check was given one. */
  replay?: ContractReplaySection;
  /** Why the check fails, each an approvable finding (or composition, which nothing approves). */
  failures: string[];
  warnings: string[];
  /** The rule the verdict followed for changes with no usage data (see usage-impact.ts). */
  unknownRule: string;
  checkedAt: string;
}

export type PipelineReport = CheckReport & CheckSections;
