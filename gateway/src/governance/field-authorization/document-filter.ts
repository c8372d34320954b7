/**
 * Authorizes one operation for one caller: finds the fields it may not see (through aliases,
 * fragments and abstract types), their response paths, and the document without them. Each
 * selection set that lost a field gets a type marker, so the response patch knows which objects
 * the field was removed from; the filtered document gets its own query hash, so the executor's
 * plan cache (keyed by queryHash and operationName) never serves one caller's plan to another.
 */
import { createHash } from 'node:crypto';
import {
  getOperationAST,
  isAbstractType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  fieldRequirement,
  missingRequirement,
  type Caller,
  type DeclaredRequirements,
  type Requirement,
} from './requirements';

/** A field removed from the operation, with what a response needs to put null in its place. */
export interface RemovedField {
  coordinate: string;
  /** The part of the field's requirement the caller does not meet. */
  missing: Requirement;
  /** The fields leading to it from the root: response key and type (list levels are expanded when patching). */
  ancestors: { key: string; type: GraphQLOutputType }[];
  key: string;
  type: GraphQLOutputType;
  /** The concrete types whose objects selected it (the selection may sit in a type-narrowing fragment). */
  parentTypes: string[];
}

/** The outcome of authorizing one operation for one scope set; null when nothing is removed. */
export interface FieldAuthorization {
  removed: RemovedField[];
  /** The operation without the removed fields (and with a type marker where they were). */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Distinct per (original document, removed set), so a plan cached for it fits only it. */
  queryHash: string;
}

/** Response key of the `__typename` added next to removed fields: tells which objects they were removed from; stripped from the response. */
export const TYPE_MARKER = '_switchyardAuthzTypename';

/**
 * Authorizes `operationName` of a validated `document` for `caller`: which fields it may not see,
 * at which response paths, and the document without them. Null when it may see everything.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  declared: DeclaredRequirements,
  document: DocumentNode,
  operationName: string | null | undefined,
  caller: Caller,
  queryHash: string,
): FieldAuthorization | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || (declared.fields.size === 0 && declared.types.size === 0)) return null;

  // Every field node is decided once, wherever its fragment is spread: its requirement depends only on its parent type.
  const denied = new Map<
    FieldNode,
    {
      index: number;
      coordinate: string;
      missing: Requirement;
      type: GraphQLOutputType;
      parentTypes: string[];
    }
  >();
  const fieldTypes = new Map<FieldNode, GraphQLOutputType>();
  const requirements = new Map<string, Requirement>();
  const typeInfo = new TypeInfo(schema);
  let index = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        index++;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || node.name.value.startsWith('__')) return;
        fieldTypes.set(node, field.type);
        const coordinate = `${parent.name}.${field.name}`;
        let requirement = requirements.get(coordinate);
        if (!requirement)
          requirements.set(
            coordinate,
            (requirement = fieldRequirement(schema, declared, parent, field)),
          );
        const missing = missingRequirement(requirement, caller);
        if (missing) {
          const parentTypes = isAbstractType(parent)
            ? schema.getPossibleTypes(parent).map((type) => type.name)
            : [parent.name];
          denied.set(node, { index, coordinate, missing, type: field.type, parentTypes });
        }
      },
    }),
  );
  if (denied.size === 0) return null;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const removed = removedPaths(operation.selectionSet, fragments, denied, fieldTypes);
  if (removed.length === 0) return null;

  const filtered = withoutFields(document, new Set(denied.keys()));
  const removedSet = [...denied.values()].map((d) => d.index).join(',');
  return {
    removed,
    document: filtered,
    operation: getOperationAST(filtered, operationName)!,
    queryHash: createHash('sha256')
      .update(`${queryHash}\0authorization\0${removedSet}`)
      .digest('hex'),
  };
}

/** The response paths of the denied fields the operation reaches, fragments expanded (skipping those that hold none). */
function removedPaths(
  root: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  denied: Map<
    FieldNode,
    { coordinate: string; missing: Requirement; type: GraphQLOutputType; parentTypes: string[] }
  >,
  fieldTypes: Map<FieldNode, GraphQLOutputType>,
): RemovedField[] {
  const removed: RemovedField[] = [];
  const holdsDenied = new Map<string, boolean>();
  const fragmentHoldsDenied = (name: string, visiting: Set<string>): boolean => {
    let holds = holdsDenied.get(name);
    if (holds === undefined) {
      const fragment = fragments.get(name);
      holds =
        !!fragment &&
        !visiting.has(name) &&
        selectionHoldsDenied(fragment.selectionSet, new Set([...visiting, name]));
      holdsDenied.set(name, holds);
    }
    return holds;
  };
  const selectionHoldsDenied = (selectionSet: SelectionSetNode, visiting: Set<string>): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD)
        return (
          denied.has(selection) ||
          (!!selection.selectionSet && selectionHoldsDenied(selection.selectionSet, visiting))
        );
      if (selection.kind === Kind.INLINE_FRAGMENT)
        return selectionHoldsDenied(selection.selectionSet, visiting);
      return fragmentHoldsDenied(selection.name.value, visiting);
    });

  const walk = (
    selectionSet: SelectionSetNode,
    ancestors: RemovedField['ancestors'],
    spread: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const denial = denied.get(selection);
        if (denial)
          removed.push({
            coordinate: denial.coordinate,
            missing: denial.missing,
            ancestors,
            key,
            type: denial.type,
            parentTypes: denial.parentTypes,
          });
        else if (selection.selectionSet && fieldTypes.has(selection))
          walk(
            selection.selectionSet,
            [...ancestors, { key, type: fieldTypes.get(selection)! }],
            spread,
          );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, ancestors, spread);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !spread.has(name) && fragmentHoldsDenied(name, new Set()))
          walk(fragment.selectionSet, ancestors, new Set([...spread, name]));
      }
    }
  };
  walk(root, [], new Set());
  // A field reached twice at one path (two fragments selecting it) is one removal.
  const unique = new Map<string, RemovedField>();
  for (const field of removed)
    unique.set(
      JSON.stringify([field.ancestors.map((a) => a.key), field.key, field.parentTypes]),
      field,
    );
  return [...unique.values()];
}

/** `document` without `fields`; each selection set that lost one gets the type marker, which also keeps it from being empty. */
function withoutFields(document: DocumentNode, fields: Set<FieldNode>): DocumentNode {
  const marker: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: TYPE_MARKER },
    name: { kind: Kind.NAME, value: '__typename' },
  };
  return visit(document, {
    SelectionSet(node) {
      if (
        !node.selections.some((selection) => selection.kind === Kind.FIELD && fields.has(selection))
      )
        return undefined;
      return { ...node, selections: [...node.selections, marker] };
    },
    Field(node) {
      return fields.has(node) ? null : undefined;
    },
  });
}
