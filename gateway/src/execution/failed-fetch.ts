import type { FetchNode } from '@apollo/query-planner';
import {
  GraphQLError,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * A fetch the subgraph never answered (unreachable, past its deadline, its circuit open, a non-2xx)
 * costs exactly the fields that fetch was to fill: they stay null, and each gets the error at its
 * client-facing path (`["orders","edges",0,"node","invoices"]`: the object that failed and the field,
 * never the plan's `_entities` or `@`), with the subgraph's name and the failure's code.
 */
export function failedFetchErrors(
  error: unknown,
  serviceName: string,
  fields: FetchedFields,
  objects: readonly { path: (string | number)[]; typename: unknown }[],
): GraphQLError[] {
  const failure = error instanceof Error ? error : new Error(String(error));
  const extensions = {
    ...(failure instanceof GraphQLError ? failure.extensions : {}),
    serviceName,
  };
  const errors: GraphQLError[] = [];
  for (const object of objects)
    for (const key of fields.keysFor(object.typename))
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

const fetchedFields = new WeakMap<FetchNode, FetchedFields>();

/**
 * The fields `fetch` selects: the root selections of a root fetch, or those of `_entities` whose type
 * condition the object's type meets for an entity fetch (`__typename` left out: the gateway answers it).
 * Worked out once per plan node, per type.
 */
export function fieldsOf(
  fetch: FetchNode,
  isOfType: (typename: unknown, condition: string) => boolean,
): FetchedFields {
  let fields = fetchedFields.get(fetch);
  if (fields) return fields;
  const document = fetch.operationDocumentNode ?? parse(fetch.operation);
  const fragments = new Map<string, FragmentDefinitionNode>();
  let selectionSet: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) selectionSet = definition.selectionSet;
  }
  if (fetch.requires && selectionSet) {
    const entities = selectionSet.selections.find(
      (selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities',
    );
    selectionSet = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
  }
  const byType = new Map<unknown, string[]>();
  const collect = (set: SelectionSetNode, typename: unknown, into: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename')
          into.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (!condition || !fetch.requires || isOfType(typename, condition))
          collect(selection.selectionSet, typename, into);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && (!fetch.requires || isOfType(typename, fragment.typeCondition.name.value)))
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
  fetchedFields.set(fetch, fields);
  return fields;
}
