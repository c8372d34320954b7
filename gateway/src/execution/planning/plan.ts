import type { DocumentNode } from 'graphql';

/**
 * Switchyard's query plan: what its executor runs, whichever planner made it (from-hive-plan.ts
 * turns Hive Router's plans into it). Every fetch reads the objects it is for from the result's
 * root, so there is no Flatten node: its path is folded into the fetch.
 */
export type PlanNode = SequenceNode | ParallelNode | ConditionNode | FetchNode;

export interface SequenceNode {
  kind: 'Sequence';
  nodes: PlanNode[];
}

export interface ParallelNode {
  kind: 'Parallel';
  nodes: PlanNode[];
}

/** Runs `ifClause` when the Boolean variable is true, else `elseClause` (`@skip`/`@include` over whole fetches). */
export interface ConditionNode {
  kind: 'Condition';
  variable: string;
  ifClause?: PlanNode;
  elseClause?: PlanNode;
}

/** One request to one subgraph: a root operation (no `entities`), or `_entities` selections for objects already in the result. */
export interface FetchNode {
  kind: 'Fetch';
  serviceName: string;
  /** Named `<client operation>__<subgraph>__<n>` when the client's operation has a name, as @apollo/gateway names them. */
  operationName?: string;
  operation: string;
  document: DocumentNode;
  /** The client's variables the operation declares, sent on as the client gave them. */
  variableUsages: readonly string[];
  /** A root mutation fetch: runs alone, after everything before it (the spec's serial mutations). */
  isMutation: boolean;
  /** A root fetch's rewrites of its answer, before it is merged (an entity fetch's are per `_entities` field). */
  outputRewrites: readonly Rewrite[];
  /** One entry per `_entities` field of the operation (several when the planner batched them, each under an alias). */
  entities: readonly EntitySelection[];
}

/** One `_entities` field of an entity fetch: which objects it is for, what it sends of them, and how. */
export interface EntitySelection {
  /** `_entities`, or its alias in a batch (`_e0`). */
  responseKey: string;
  /** The variable carrying this field's representations. */
  variableName: string;
  /** Where the objects are in the result, from its root; their representations are sent in this order. */
  paths: readonly ResultPath[];
  requires: readonly RequiredSelection[];
  /** Applied to each representation before it is sent. */
  inputRewrites: readonly Rewrite[];
  /** Applied to each entity the subgraph answers, before it is merged. */
  outputRewrites: readonly Rewrite[];
}

/** A response key, every element of a list (`@`), or only the objects of one of some types. */
export type PathStep = string | '@' | { readonly types: readonly string[] };
export type ResultPath = readonly PathStep[];

/** What a representation holds: `readKey` of the object written as `writeKey` (they differ where the planner aliased a required field). */
export type RequiredSelection =
  | {
      kind: 'Field';
      readKey: string;
      writeKey: string;
      selections?: readonly RequiredSelection[];
    }
  | {
      kind: 'InlineFragment';
      typeCondition?: string;
      selections: readonly RequiredSelection[];
      skipIf?: string;
      includeIf?: string;
    };

/** Sets the value at `path` (@interfaceObject's `__typename`), or renames the key at its end (a field aliased for a type mismatch). */
export type Rewrite =
  | { kind: 'ValueSetter'; path: readonly RewriteStep[]; value: string }
  | { kind: 'KeyRenamer'; path: readonly RewriteStep[]; renameTo: string };

/** Into a key, or only on through objects whose `__typename` is one of `typenames`. */
export type RewriteStep = { key: string } | { typenames: readonly string[] };
