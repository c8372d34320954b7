import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The operation `definition` of `document` with only the root fields `keep` accepts (through
 * inline fragments and fragment spreads at the root too), or null when none is left. Splits an
 * operation into what the subgraphs answer (planned) and what the gateway answers itself
 * (introspection, the root `__typename`).
 */
export function withRootFields(
  document: DocumentNode,
  definition: OperationDefinitionNode,
  keep: (field: FieldNode) => boolean,
): DocumentNode | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const node of document.definitions)
    if (node.kind === Kind.FRAGMENT_DEFINITION) fragments.set(node.name.value, node);
  const filtered = new Map<string, FragmentDefinitionNode | null>();

  const filterSet = (set: SelectionSetNode): SelectionSetNode | null => {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (keep(selection)) selections.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = filterSet(selection.selectionSet);
        if (inner) selections.push({ ...selection, selectionSet: inner });
      } else if (filterFragment(selection.name.value)) selections.push(selection);
    }
    return selections.length > 0 ? { ...set, selections } : null;
  };
  const filterFragment = (name: string): FragmentDefinitionNode | null => {
    if (filtered.has(name)) return filtered.get(name)!;
    const fragment = fragments.get(name);
    filtered.set(name, null); // a cycle is invalid GraphQL: the spread is dropped
    const inner = fragment && filterSet(fragment.selectionSet);
    const result = fragment && inner ? { ...fragment, selectionSet: inner } : null;
    filtered.set(name, result);
    return result;
  };

  const selectionSet = filterSet(definition.selectionSet);
  if (!selectionSet) return null;
  const definitions: DocumentNode['definitions'][number][] = [{ ...definition, selectionSet }];
  for (const [name, fragment] of fragments)
    if (!filtered.has(name)) definitions.push(fragment);
    else if (filtered.get(name)) definitions.push(filtered.get(name)!);
  return { kind: Kind.DOCUMENT, definitions };
}

/** Root fields the gateway answers from its API schema, never planned. */
export const isIntrospectionField = (field: FieldNode) =>
  field.name.value === '__schema' || field.name.value === '__type';
