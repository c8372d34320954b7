import type * as Hive from '@graphql-hive/router-query-planner';
import { Kind, parse, type DocumentNode } from 'graphql';
import type {
  EntitySelection,
  FetchNode,
  PathStep,
  PlanNode,
  RequiredSelection,
  ResultPath,
  Rewrite,
  RewriteStep,
} from './plan';

/**
 * Turns Hive Router's query plan into Switchyard's (plan.ts): a Flatten's path is folded into the
 * entity fetch under it, a BatchFetch becomes one fetch with one entity selection per alias, and
 * subgraph operations are named as @apollo/gateway names them (traffic samples and subgraph logs
 * read those names). Nodes Switchyard does not run (@defer, subscriptions) are never planned here.
 */
export function fromHivePlan(
  plan: Hive.QueryPlan,
  clientOperationName: string | undefined,
  /** The client operation's root response keys, in document order. */
  rootKeys: readonly string[],
): PlanNode | undefined {
  const positionOf = positions(rootKeys);
  let fetchIndex = 0;
  const nameOf = (serviceName: string) =>
    clientOperationName
      ? `${clientOperationName}__${serviceName.replace(/[^_0-9A-Za-z]/g, '_')}__${fetchIndex++}`
      : undefined;

  const convert = (node: Hive.PlanNode, prefix: ResultPath): PlanNode => {
    switch (node.kind) {
      case 'Sequence':
        return { kind: 'Sequence', nodes: node.nodes.map((child) => convert(child, prefix)) };
      case 'Parallel':
        return parallel(
          node.nodes.map((child) => convert(child, prefix)),
          positionOf,
        );
      case 'Condition':
        return {
          kind: 'Condition',
          variable: node.condition,
          ifClause: node.ifClause && convert(node.ifClause, prefix),
          elseClause: node.elseClause && convert(node.elseClause, prefix),
        };
      case 'Flatten':
        return convert(node.node, [...prefix, ...node.path.map(pathStep)]);
      case 'Fetch': {
        if (!node.requires) {
          if (prefix.length > 0) throw new Error('A root fetch under a Flatten node');
          return skippedWithItsFields({
            ...fetchNode(node, nameOf(node.serviceName), []),
            outputRewrites: (node.outputRewrites ?? []).map(rewrite),
          });
        }
        return fetchNode(node, nameOf(node.serviceName), [
          {
            responseKey: '_entities',
            variableName: 'representations',
            paths: [prefix],
            requires: node.requires.map(requiredSelection),
            inputRewrites: (node.inputRewrites ?? []).map(rewrite),
            outputRewrites: (node.outputRewrites ?? []).map(rewrite),
          },
        ]);
      }
      case 'BatchFetch':
        return fetchNode(
          node,
          nameOf(node.serviceName),
          node.entityBatch.aliases.map((alias) => ({
            responseKey: alias.alias,
            variableName: alias.representationsVariableName,
            paths: inDocumentOrder(
              alias.paths.map((path) => [...prefix, ...path.map(pathStep)]),
              (path) => positionOf(path[0]),
            ),
            requires: alias.requires.map(requiredSelection),
            inputRewrites: (alias.inputRewrites ?? []).map(rewrite),
            outputRewrites: (alias.outputRewrites ?? []).map(rewrite),
          })),
        );
      default:
        throw new Error(`Switchyard's executor does not run ${node.kind} plan nodes`);
    }
  };
  return plan.node && convert(plan.node, []);
}

/** Each root response key's position in the client's operation (a key not found goes last). */
function positions(rootKeys: readonly string[]): (step: unknown) => number {
  const byKey = new Map(rootKeys.map((key, index) => [key, index]));
  return (step) => (typeof step === 'string' ? byKey.get(step) : undefined) ?? rootKeys.length;
}

/** A stable sort by `position`. */
function inDocumentOrder<T>(items: readonly T[], position: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, at: position(item) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * A Parallel node in the order of the client's root fields (Hive lists branches in reverse, and
 * errors of branches answered together would come in that order), and serial where the spec asks:
 * Hive runs a mutation beside the entity fetches that complete the previous mutation's fields, so
 * those run first, then the mutation (siblings never depend on each other: the order is free).
 */
function parallel(nodes: PlanNode[], positionOf: (step: unknown) => number): PlanNode {
  const ordered = inDocumentOrder(nodes, (node) => firstPosition(node, positionOf));
  const mutations = ordered.filter((node) => node.kind === 'Fetch' && node.isMutation);
  if (mutations.length === 0) return { kind: 'Parallel', nodes: ordered };
  const others = ordered.filter((node) => !mutations.includes(node));
  return {
    kind: 'Sequence',
    nodes: [
      ...(others.length > 1 ? [{ kind: 'Parallel' as const, nodes: others }] : others),
      ...mutations,
    ],
  };
}

/** Where the first root field a node fills is in the client's operation. */
function firstPosition(node: PlanNode, positionOf: (step: unknown) => number): number {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return Math.min(Infinity, ...node.nodes.map((child) => firstPosition(child, positionOf)));
    case 'Condition':
      return Math.min(
        node.ifClause ? firstPosition(node.ifClause, positionOf) : Infinity,
        node.elseClause ? firstPosition(node.elseClause, positionOf) : Infinity,
      );
    case 'Fetch': {
      if (node.entities.length > 0)
        return Math.min(
          ...node.entities.flatMap((entity) => entity.paths.map((path) => positionOf(path[0]))),
        );
      const operation = node.document.definitions.find(
        (definition) => definition.kind === Kind.OPERATION_DEFINITION,
      );
      return Math.min(
        Infinity,
        ...(operation?.selectionSet.selections ?? []).map((selection) =>
          selection.kind === Kind.FIELD
            ? positionOf((selection.alias ?? selection.name).value)
            : Infinity,
        ),
      );
    }
  }
}

/**
 * A root fetch whose root fields all carry the same `@skip`/`@include` variable runs under a
 * Condition, as @apollo/gateway plans it: Hive sends it with the directives in the document, and
 * a subgraph (perhaps down) would be called to answer nothing.
 */
function skippedWithItsFields(fetch: FetchNode): PlanNode {
  const operation = fetch.document.definitions.find(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const conditions = (operation?.selectionSet.selections ?? []).map((selection) => {
    const directives = selection.directives ?? [];
    if (directives.length !== 1) return null;
    const [directive] = directives;
    const argument = directive.arguments?.[0];
    if (
      (directive.name.value !== 'skip' && directive.name.value !== 'include') ||
      argument?.value.kind !== Kind.VARIABLE
    )
      return null;
    return `${directive.name.value} ${argument.value.name.value}`;
  });
  const [first] = conditions;
  if (!first || conditions.some((condition) => condition !== first)) return fetch;
  const [directive, variable] = first.split(' ');
  return directive === 'include'
    ? { kind: 'Condition', variable, ifClause: fetch }
    : { kind: 'Condition', variable, elseClause: fetch };
}

function fetchNode(
  node: Hive.FetchNode | Hive.BatchFetchNode,
  operationName: string | undefined,
  entities: EntitySelection[],
): FetchNode {
  const document = named(parse(node.operation), operationName);
  return {
    kind: 'Fetch',
    serviceName: node.serviceName,
    operationName,
    operation: operationName ? namedText(node.operation, operationName) : node.operation,
    document,
    variableUsages: node.variableUsages ?? [],
    isMutation: node.operationKind === 'mutation',
    outputRewrites: [],
    entities,
  };
}

/** Hive's compact operation text with a name: `query(...){...}`, `mutation{...}` or `{...}` (as printed it would be twice the bytes). */
function namedText(operation: string, name: string): string {
  const keyword = /^\s*(query|mutation|subscription)\b/.exec(operation);
  return keyword
    ? `${keyword[1]} ${name}${operation.slice(keyword[0].length)}`
    : `query ${name}${operation.trimStart()}`;
}

function named(document: DocumentNode, name: string | undefined): DocumentNode {
  if (!name) return document;
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION
        ? { ...definition, name: { kind: Kind.NAME, value: name } }
        : definition,
    ),
  };
}

function pathStep(step: Hive.FlattenNodePathSegment): PathStep {
  if (step === '@') return '@';
  if ('Field' in step) return step.Field;
  return { types: step.TypeCondition };
}

function requiredSelection(selection: Hive.RequiresSelection): RequiredSelection {
  switch (selection.kind) {
    case 'Field':
      // Hive reads the result key `name` (its own alias of a required field) and sends it as `alias`.
      return {
        kind: 'Field',
        readKey: selection.name,
        writeKey: selection.alias ?? selection.name,
        selections: selection.selections?.map(requiredSelection),
      };
    case 'InlineFragment':
      return {
        kind: 'InlineFragment',
        typeCondition: selection.typeCondition,
        selections: selection.selections.map(requiredSelection),
        skipIf: selection.skipIf,
        includeIf: selection.includeIf,
      };
    default:
      throw new Error(`Unsupported required selection ${selection.kind}`);
  }
}

function rewrite(rewrite: Hive.FetchRewrite): Rewrite {
  if ('KeyRenamer' in rewrite)
    return {
      kind: 'KeyRenamer',
      path: rewrite.KeyRenamer.path.map(rewriteStep),
      renameTo: rewrite.KeyRenamer.renameKeyTo,
    };
  const setter = 'ValueSetter' in rewrite ? rewrite.ValueSetter : rewrite;
  return { kind: 'ValueSetter', path: setter.path.map(rewriteStep), value: setter.setValueTo };
}

function rewriteStep(step: Hive.FetchNodePathSegment): RewriteStep {
  return 'Key' in step ? { key: step.Key } : { typenames: step.TypenameEquals };
}
