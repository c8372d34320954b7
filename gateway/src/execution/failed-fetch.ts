import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { FetchNode } from './planning/plan';

/**
 * A fetch the subgraph never answered (unreachable, past its deadline, its circuit open, a non-2xx)
 * costs exactly the fields that fetch was to fill: they stay null, and each gets the error at its
 * client-facing path (`["orders","edges",0,"node","invoices"]`: the object that failed and the field,
 * never the plan's `_entities` or `@`), with the subgraph's name and the failure's code.
 */
export function failedFetchErrors(
  error: unknown,
  serviceName: string,
  objects: readonly { path: (string | number)[]; keys: readonly string[] }[],
): GraphQLError[] {
  const failure = error instanceof Error ? error : new Error(String(error));
  const extensions = {
    ...(failure instanceof GraphQLError ? failure.extensions : {}),
    serviceName,
  };
  const errors: GraphQLError[] = [];
  for (const object of objects)
    for (const key of object.keys)
      errors.push(
        new GraphQLError(failure.message, {
          path: [...object.path, key],
          extensions,
          originalError: failure,
        }),
      );
  // A fetch that fills nothing the client sees (only keys for a later fetch) still reports its failure, without a path.
  if (errors.length === 0)
    errors.push(new GraphQLError(failure.message, { extensions, originalError: failure }));
  return errors;
}

/** The response keys a fetch fills in the objects it is sent for, by their type. */
export interface FetchedFields {
  keysFor(typename: unknown): readonly string[];
}

const fetchedFields = new WeakMap<FetchNode, Map<string | null, FetchedFields>>();

/**
 * The fields `fetch` selects: the root selections of a root fetch (`entityKey` null), or those of
 * its `_entities` field under `entityKey` whose type condition the object's type meets
 * (`__typename` left out: the gateway answers it). Worked out once per plan node, per type.
 */
export function fieldsOf(
  fetch: FetchNode,
  entityKey: string | null,
  isOfType: (typename: unknown, condition: string) => boolean,
): FetchedFields {
  let byKey = fetchedFields.get(fetch);
  if (!byKey) fetchedFields.set(fetch, (byKey = new Map()));
  let fields = byKey.get(entityKey);
  if (fields) return fields;
  const fragments = new Map<string, FragmentDefinitionNode>();
  let selectionSet: SelectionSetNode | undefined;
  for (const definition of fetch.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) selectionSet = definition.selectionSet;
  }
  const entities = entityKey !== null;
  if (entities && selectionSet) {
    const field = selectionSet.selections.find(
      (selection) =>
        selection.kind === Kind.FIELD && (selection.alias ?? selection.name).value === entityKey,
    );
    selectionSet = field?.kind === Kind.FIELD ? field.selectionSet : undefined;
  }
  const byType = new Map<unknown, string[]>();
  const collect = (set: SelectionSetNode, typename: unknown, into: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename')
          into.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (!condition || !entities || isOfType(typename, condition))
          collect(selection.selectionSet, typename, into);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && (!entities || isOfType(typename, fragment.typeCondition.name.value)))
          collect(fragment.selectionSet, typename, into);
      }
    }
  };
  fields = {
    keysFor(typename) {
      let keys = byType.get(typename);
      if (!keys) {
        const into = new Set<string>();
        if (selectionSet) collect(selectionSet, typename, into);
        keys = [...into];
        byType.set(typename, keys);
      }
      return keys;
    },
  };
  byKey.set(entityKey, fields);
  return fields;
}
