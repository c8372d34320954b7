import {
  Kind,
  print,
  stripIgnoredCharacters,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { EntitySelection, FetchNode, PlanNode, RequiredSelection, ResultPath } from './plan';

/**
 * One request per subgraph per plan level, where the planner left more. On a plan that is a
 * sequence of levels of entity fetches (the shape of every query plan without conditions):
 * - a fetch that only fetches again what earlier levels already hold is dropped;
 * - a fetch whose inputs an earlier level already holds moves up to the first such level;
 * - a fetch no later fetch needs before a later level that sends to its subgraph anyway moves
 *   down to it (see `moveDown`);
 * - the fetches of one level to one subgraph become one request (their `_entities` fields aliased).
 * What a fetch writes is counted only where it is certain (plain fields, no type conditions below
 * its entity type), and what it reads in full, so a fetch never runs before its inputs exist, nor
 * after a fetch that reads what it writes. The number of levels never grows.
 * Any other plan (conditions, mutations, nested sequences) is left as it is.
 */
export function withFewerRequests(plan: PlanNode | undefined): PlanNode | undefined {
  const levels = levelsOf(plan);
  if (!levels) return plan;
  const written = levels.map((level) => new Set(level.flatMap(writesOf)));
  // With each field's arguments: a fetch is dropped only where the same fields were fetched.
  const writtenWithArguments = levels.map(
    (level) => new Set(level.flatMap((fetch) => collectWrites(fetch, false, true) ?? [])),
  );
  const union = (sets: Set<string>[], index: number) => {
    const all = new Set<string>();
    for (let level = 0; level < index; level++) for (const key of sets[level]) all.add(key);
    return all;
  };
  const before = (index: number) => union(written, index);
  for (let index = 1; index < levels.length; index++) {
    for (const fetch of [...levels[index]]) {
      const held = union(writtenWithArguments, index);
      const exact = collectWrites(fetch, true, true);
      if (exact && exact.every((key) => held.has(key))) {
        levels[index] = levels[index].filter((other) => other !== fetch);
        continue;
      }
      const reads = readsOf(fetch);
      let target = index;
      while (target > 1 && reads.every((key) => before(target - 1).has(key))) target--;
      if (target < index) {
        levels[index] = levels[index].filter((other) => other !== fetch);
        levels[target].push(fetch);
        for (const key of writesOf(fetch)) written[target].add(key);
        for (const key of collectWrites(fetch, false, true) ?? [])
          writtenWithArguments[target].add(key);
      }
    }
  }
  moveDown(levels);
  const nodes = levels
    .map((level) => mergedBySubgraph(level))
    .filter((level) => level.length > 0)
    .map((level): PlanNode => (level.length === 1 ? level[0] : { kind: 'Parallel', nodes: level }));
  return nodes.length === 1 ? nodes[0] : { kind: 'Sequence', nodes };
}

/**
 * Moves each entity fetch to the latest later level that already sends to its subgraph, within its
 * slack: up to the level before its first dependent (a later fetch that reads or writes anything
 * it writes), or the last level when it has none. Levels are visited from the last one back, so a
 * fetch moved down already pins the fetches it depends on. Only a fetch whose writes are known in
 * full moves; a later fetch whose reads or writes are not is taken as a dependent.
 */
function moveDown(levels: FetchNode[][]): void {
  for (let index = levels.length - 2; index >= 1; index--) {
    for (const fetch of [...levels[index]]) {
      const writes = certainWritesOf(fetch);
      if (!writes) continue;
      let latest = index;
      while (
        latest + 1 < levels.length &&
        !levels[latest + 1].some((later) => dependsOn(later, writes))
      )
        latest++;
      let target = latest;
      while (
        target > index &&
        !levels[target].some((other) => other.serviceName === fetch.serviceName)
      )
        target--;
      if (target === index) continue;
      levels[index] = levels[index].filter((other) => other !== fetch);
      levels[target].push(fetch);
    }
  }
}

/** Every key a fetch writes, or null when that is not known in full (type conditions, fragments, or answers rewritten after they come). */
function certainWritesOf(fetch: FetchNode): Set<string> | null {
  if (fetch.outputRewrites.length > 0) return null;
  if (fetch.entities.some((entity) => entity.outputRewrites.length > 0)) return null;
  const writes = collectWrites(fetch, true, false);
  return writes && new Set(writes);
}

/** Whether `fetch` reads or writes any of `keys` (as far as can be told: when it cannot, it does). */
function dependsOn(fetch: FetchNode, keys: Set<string>): boolean {
  // A type step in its paths makes its writes unknown too, so what `readsOf` cannot place is covered.
  const writes = certainWritesOf(fetch);
  if (!writes) return true;
  return readsOf(fetch).some((key) => keys.has(key)) || [...writes].some((key) => keys.has(key));
}

/** The plan's levels: a root level of query fetches, then levels of entity fetches; null for any other shape. */
function levelsOf(plan: PlanNode | undefined): FetchNode[][] | null {
  if (!plan || plan.kind !== 'Sequence') return null;
  const levels: FetchNode[][] = [];
  for (const node of plan.nodes) {
    const level =
      node.kind === 'Fetch' ? [node] : node.kind === 'Parallel' ? node.nodes : undefined;
    if (!level || !level.every((fetch) => fetch.kind === 'Fetch' && !fetch.isMutation)) return null;
    levels.push(level as FetchNode[]);
  }
  const [root, ...rest] = levels;
  if (root.some((fetch) => fetch.entities.length > 0)) return null;
  if (rest.some((level) => level.some((fetch) => fetch.entities.length === 0))) return null;
  return levels;
}

/** A result position and key as one string; list steps (`@`) are left out, as both sides read the same data. */
const keyAt = (path: readonly string[], key: string) => [...path, key].join('.');

/** The plain steps of a path, or null when it has a type step (not reasoned about here). */
function plainPath(path: ResultPath): string[] | null {
  const steps: string[] = [];
  for (const step of path) {
    if (typeof step !== 'string') return null;
    if (step !== '@') steps.push(step);
  }
  return steps;
}

/** What a fetch certainly writes (fields under type conditions or in fragments are left out). */
function writesOf(fetch: FetchNode): string[] {
  return collectWrites(fetch, false, false) ?? [];
}

/**
 * The keys a fetch writes, each field's arguments with it if `withArguments`; with `exact`, null
 * when that cannot be told in full (type conditions, fragments, directives, a type step).
 */
function collectWrites(fetch: FetchNode, exact: boolean, withArguments: boolean): string[] | null {
  const operation = operationOf(fetch.document);
  const writes: string[] = [];
  let certain = true;
  const walk = (set: SelectionSetNode, at: string[]) => {
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length) {
        certain = false;
        continue;
      }
      const responseKey = (selection.alias ?? selection.name).value;
      const key =
        withArguments && selection.arguments?.length
          ? `${responseKey}(${selection.arguments.map((argument) => print(argument)).join(',')})`
          : responseKey;
      writes.push(keyAt(at, key));
      // Below it, positions by response key (as plan paths name them): the arguments are the field's own.
      if (selection.selectionSet) walk(selection.selectionSet, [...at, responseKey]);
    }
  };
  if (fetch.entities.length === 0) walk(operation.selectionSet, []);
  for (const entity of fetch.entities) {
    const field = entitiesField(operation, entity.responseKey);
    const paths = entity.paths.map(plainPath);
    if (!field?.selectionSet) return null;
    for (const path of paths) {
      if (!path) {
        certain = false;
        continue;
      }
      for (const selection of field.selectionSet.selections) {
        // `... on EntityType { ... }`: the entity's own fields.
        if (selection.kind === Kind.INLINE_FRAGMENT && !selection.directives?.length)
          walk(selection.selectionSet, path);
        else certain = false;
      }
    }
  }
  return exact && !certain ? null : writes;
}

/** Everything a fetch reads: the objects at its paths, and what its `requires` select of them. */
function readsOf(fetch: FetchNode): string[] {
  const reads: string[] = [];
  for (const entity of fetch.entities)
    for (const path of entity.paths) {
      const steps = plainPath(path);
      // A type step: the fetch reads what it reads, but where is not told here; keep it in place.
      if (!steps) return ['(unknown)'];
      steps.forEach((step, index) => reads.push(keyAt(steps.slice(0, index), step)));
      const walk = (selections: readonly RequiredSelection[], at: string[]) => {
        for (const selection of selections) {
          if (selection.kind === 'InlineFragment') walk(selection.selections, at);
          else {
            reads.push(keyAt(at, selection.readKey));
            if (selection.selections) walk(selection.selections, [...at, selection.readKey]);
          }
        }
      };
      walk(entity.requires, steps);
    }
  return reads;
}

/** The fetches of one level, those to the same subgraph made one. */
function mergedBySubgraph(level: FetchNode[]): FetchNode[] {
  const bySubgraph = new Map<string, FetchNode[]>();
  for (const fetch of level) {
    const group = bySubgraph.get(fetch.serviceName);
    if (group) group.push(fetch);
    else bySubgraph.set(fetch.serviceName, [fetch]);
  }
  return [...bySubgraph.values()].map((group) =>
    group.length === 1 || group[0].entities.length === 0 ? group[0] : merged(group),
  );
}

/** One entity fetch doing what `fetches` did: their `_entities` fields aliased `_eN`, their fragments renamed apart. */
function merged(fetches: FetchNode[]): FetchNode {
  const variables = new Map<string, VariableDefinitionNode>();
  const selections: FieldNode[] = [];
  const fragments: DefinitionNode[] = [];
  const entities: EntitySelection[] = [];
  fetches.forEach((fetch, fetchIndex) => {
    const renameFragment = (name: string) => `f${fetchIndex}_${name}`;
    const document = withFragmentsRenamed(fetch.document, renameFragment);
    const operation = operationOf(document);
    const representationVariables = new Set(fetch.entities.map((entity) => entity.variableName));
    for (const definition of operation.variableDefinitions ?? [])
      if (!representationVariables.has(definition.variable.name.value))
        variables.set(definition.variable.name.value, definition);
    for (const entity of fetch.entities) {
      const field = entitiesField(operation, entity.responseKey)!;
      const responseKey = `_e${entities.length}`;
      const variableName = `__reps_${entities.length}`;
      selections.push({
        ...field,
        alias: { kind: Kind.NAME, value: responseKey },
        arguments: [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: 'representations' },
            value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variableName } },
          },
        ],
      });
      entities.push({ ...entity, responseKey, variableName });
    }
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.push(definition);
  });
  const representations = entities.map((entity): VariableDefinitionNode => ({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: entity.variableName } },
    type: {
      kind: Kind.NON_NULL_TYPE,
      type: {
        kind: Kind.LIST_TYPE,
        type: {
          kind: Kind.NON_NULL_TYPE,
          type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: '_Any' } },
        },
      },
    },
  }));
  const [first] = fetches;
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    name: first.operationName ? { kind: Kind.NAME, value: first.operationName } : undefined,
    variableDefinitions: [...variables.values(), ...representations],
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  return {
    ...first,
    operation: stripIgnoredCharacters(print(document)),
    document,
    variableUsages: [...new Set(fetches.flatMap((fetch) => fetch.variableUsages))],
    entities,
  };
}

function withFragmentsRenamed(
  document: DocumentNode,
  rename: (name: string) => string,
): DocumentNode {
  const renameIn = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.map((selection) => {
      if (selection.kind === Kind.FRAGMENT_SPREAD)
        return { ...selection, name: { ...selection.name, value: rename(selection.name.value) } };
      return selection.selectionSet
        ? { ...selection, selectionSet: renameIn(selection.selectionSet) }
        : selection;
    }),
  });
  return {
    ...document,
    definitions: document.definitions.map((definition) => {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        return {
          ...definition,
          name: { ...definition.name, value: rename(definition.name.value) },
          selectionSet: renameIn(definition.selectionSet),
        } satisfies FragmentDefinitionNode;
      if (definition.kind === Kind.OPERATION_DEFINITION)
        return { ...definition, selectionSet: renameIn(definition.selectionSet) };
      return definition;
    }),
  };
}

function operationOf(document: DocumentNode): OperationDefinitionNode {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('A fetch without an operation');
  return operation;
}

function entitiesField(
  operation: OperationDefinitionNode,
  responseKey: string,
): FieldNode | undefined {
  return operation.selectionSet.selections.find(
    (selection): selection is FieldNode =>
      selection.kind === Kind.FIELD && (selection.alias ?? selection.name).value === responseKey,
  );
}
