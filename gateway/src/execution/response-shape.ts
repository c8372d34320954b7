import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLEnumType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { bytesOf } from './json-bytes';
import { writeResponse } from './response-writer';
import { writtenData } from './written-data';

/**
 * The response an operation asks for, compiled once per operation (and per value of the variables
 * its `@skip`/`@include` read): for each concrete type met at a position, the ordered response keys
 * with their types. Shaping the merged subgraph data is then one walk that keeps what was asked, in
 * the order asked, drops what the plan fetched only for keys and `@requires`, and propagates nulls as
 * GraphQL does. What @apollo/gateway's `computeResponse` works out per request from the operation.
 */
export interface ResponseShape {
  readonly root: ObjectShape;
}

export interface LeafShape {
  kind: 'leaf';
  name: string;
  accepts: (value: unknown) => boolean;
}

export type TypeShape =
  | { kind: 'nonNull'; of: TypeShape }
  | { kind: 'list'; of: TypeShape }
  | LeafShape
  | { kind: 'object'; shape: ObjectShape };

export interface FieldShape {
  key: string;
  /** What the field's JSON text starts with, as UTF-8: `{` (the first field) or `,`, then the quoted key and `:`. */
  prefix: Uint8Array;
  /** The key names an Object.prototype member (`constructor`, `__proto__`): read as an own property only. */
  inherited: boolean;
  /** `__typename` (answered from the object's runtime type, never from what a subgraph said of a root type). */
  isTypename: boolean;
  /** A `__typename` field's JSON text with its prefix (the fields are compiled per runtime type). */
  typenameText: Uint8Array;
  type: TypeShape;
  /** The leaf type of a scalar or enum field, nullable or not: a valid value of it is written without the general walk. */
  leaf: LeafShape | null;
  /** The type errors name the field's parent by: the type condition of the fragment it is first selected in, else the object's type (as computeResponse). */
  parent: GraphQLCompositeType;
}

export interface ObjectShape {
  parent: GraphQLCompositeType;
  /** Fields by runtime type name, compiled the first time that type is met here. */
  fieldsFor(type: GraphQLCompositeType): FieldShape[];
}

const NO_BYTES = new Uint8Array(0);

export interface OperationSource {
  selectionSet: SelectionSetNode;
  fragments: Record<string, FragmentDefinitionNode>;
  rootType: GraphQLCompositeType;
}

export function compileResponseShape(
  schema: GraphQLSchema,
  source: OperationSource,
  conditions: Record<string, unknown>,
): ResponseShape {
  const included = (node: FieldNode | { directives?: FieldNode['directives'] }) =>
    isIncluded(node, conditions);

  function objectShape(
    parent: GraphQLCompositeType,
    selectionSets: SelectionSetNode[],
  ): ObjectShape {
    const byType = new Map<string, FieldShape[]>();
    return {
      parent,
      fieldsFor(type) {
        let fields = byType.get(type.name);
        if (!fields) {
          fields = compileFields(type, selectionSets);
          byType.set(type.name, fields);
        }
        return fields;
      },
    };
  }

  function compileFields(
    type: GraphQLCompositeType,
    selectionSets: SelectionSetNode[],
  ): FieldShape[] {
    const grouped = new Map<string, FieldNode[]>();
    const parents = new Map<string, string>();
    const visited = new Set<string>();
    const collect = (selectionSet: SelectionSetNode, parent: string) => {
      for (const selection of selectionSet.selections) {
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const group = grouped.get(key);
          if (group) group.push(selection);
          else {
            grouped.set(key, [selection]);
            parents.set(key, parent);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (
            !selection.typeCondition ||
            conditionApplies(schema, selection.typeCondition.name.value, type)
          )
            collect(selection.selectionSet, selection.typeCondition?.name.value ?? parent);
        } else {
          const name = selection.name.value;
          const fragment = source.fragments[name];
          if (
            visited.has(name) ||
            !fragment ||
            !conditionApplies(schema, fragment.typeCondition.name.value, type)
          )
            continue;
          visited.add(name);
          collect(fragment.selectionSet, fragment.typeCondition.name.value);
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet, type.name);

    const fields: FieldShape[] = [];
    for (const [key, nodes] of grouped) {
      const name = nodes[0].name.value;
      const parentType = schema.getType(parents.get(key)!);
      const parent = parentType && isCompositeType(parentType) ? parentType : type;
      const written = {
        key,
        prefix: bytesOf(`${fields.length === 0 ? '{' : ','}${JSON.stringify(key)}:`),
        inherited: key in Object.prototype,
      };
      if (name === '__typename') {
        fields.push({
          ...written,
          isTypename: true,
          typenameText: bytesOf(
            `${fields.length === 0 ? '{' : ','}${JSON.stringify(key)}:${JSON.stringify(type.name)}`,
          ),
          type: TYPENAME,
          leaf: TYPENAME,
          parent,
        });
        continue;
      }
      // An abstract type met without a __typename: only its own fields can be known (as in computeResponse).
      const definition = fieldDefinition(schema, type, name);
      if (!definition) continue;
      const subSelections = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
      const shaped = typeShape(definition.type, subSelections);
      fields.push({
        ...written,
        isTypename: false,
        typenameText: NO_BYTES,
        type: shaped,
        leaf:
          shaped.kind === 'leaf'
            ? shaped
            : shaped.kind === 'nonNull' && shaped.of.kind === 'leaf'
              ? shaped.of
              : null,
        parent,
      });
    }
    return fields;
  }

  function typeShape(type: GraphQLOutputType, selectionSets: SelectionSetNode[]): TypeShape {
    if (isNonNullType(type)) return { kind: 'nonNull', of: typeShape(type.ofType, selectionSets) };
    if (isListType(type)) return { kind: 'list', of: typeShape(type.ofType, selectionSets) };
    if (isCompositeType(type)) return { kind: 'object', shape: objectShape(type, selectionSets) };
    return { kind: 'leaf', name: type.name, accepts: leafCheck(type) };
  }

  return { root: objectShape(source.rootType, [source.selectionSet]) };
}

/** The field's definition; on the query root also the introspection fields (their answer is put in the merged data). */
function fieldDefinition(schema: GraphQLSchema, type: GraphQLCompositeType, name: string) {
  if (type === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return 'getFields' in type ? type.getFields()[name] : undefined;
}

function conditionApplies(
  schema: GraphQLSchema,
  condition: string,
  type: GraphQLCompositeType,
): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return (
    !!conditionType &&
    isAbstractType(conditionType) &&
    isObjectType(type) &&
    schema.isSubType(conditionType, type)
  );
}

function isIncluded(
  node: { directives?: FieldNode['directives'] },
  conditions: Record<string, unknown>,
): boolean {
  if (!node.directives?.length) return true;
  for (const directive of node.directives) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((arg) => arg.name.value === 'if');
    if (!argument) continue;
    const value =
      argument.value.kind === Kind.VARIABLE
        ? conditions[argument.value.name.value] === true
        : argument.value.kind === Kind.BOOLEAN && argument.value.value;
    if (name === 'skip' ? value : !value) return false;
  }
  return true;
}

/** The variables whose values decide an `@skip`/`@include`: a shape is compiled per combination of their values. */
export function conditionVariablesOf(source: OperationSource): string[] {
  const names = new Set<string>();
  for (const selection of selectionsOf(source)) {
    for (const directive of selection.directives ?? []) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
      for (const argument of directive.arguments ?? [])
        if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
    }
  }
  return [...names].sort();
}

/** Every selection of the operation, nested ones included, each named fragment's once. */
export function* selectionsOf(
  source: OperationSource,
  selectionSet = source.selectionSet,
  seen = new Set<string>(),
): Generator<SelectionNode> {
  for (const selection of selectionSet.selections) {
    yield selection;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = source.fragments[selection.name.value];
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      yield* selectionsOf(source, fragment.selectionSet, seen);
    } else if (selection.selectionSet) yield* selectionsOf(source, selection.selectionSet, seen);
  }
}

// Leaf values as @apollo/federation-internals' isValidLeafValue accepts them.
const isString = (value: unknown) => typeof value === 'string';
const TYPENAME: LeafShape = { kind: 'leaf', name: 'String', accepts: isString };
const isInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21;
const BUILT_IN_LEAVES: Record<string, (value: unknown) => boolean> = {
  String: isString,
  ID: (value) => typeof value === 'string' || isInteger(value),
  Int: isInteger,
  Float: (value) => typeof value === 'number' && Number.isFinite(value),
  Boolean: (value) => typeof value === 'boolean',
};

function leafCheck(type: GraphQLNamedType): (value: unknown) => boolean {
  if (isEnumType(type)) {
    const values = new Set((type as GraphQLEnumType).getValues().map((value) => value.name));
    return (value) => typeof value === 'string' && values.has(value);
  }
  return BUILT_IN_LEAVES[type.name] ?? (() => true);
}

/**
 * Shapes the merged data of a plan's fetches into the response: `data` (null when a null reached
 * the root) and the value-completion errors (response-writer.ts). The data is written as JSON text
 * at once, which the server sends as it is; the object is built from that text only if something
 * reads it before (written-data.ts).
 */
export function shapeResponse(
  schema: GraphQLSchema,
  shape: ResponseShape,
  input: Record<string, unknown>,
): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
  const { bytes, errors } = writeResponse(schema, shape, input);
  return { data: bytes && writtenData(bytes), errors };
}
