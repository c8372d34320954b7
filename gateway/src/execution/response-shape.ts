import {
  GraphQLError,
  Kind,
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
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

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

type TypeShape =
  | { kind: 'nonNull'; of: TypeShape }
  | { kind: 'list'; of: TypeShape }
  | { kind: 'leaf'; name: string; accepts: (value: unknown) => boolean }
  | { kind: 'object'; shape: ObjectShape };

interface FieldShape {
  key: string;
  /** `__typename` (answered from the object's runtime type, never from what a subgraph said of a root type). */
  isTypename: boolean;
  type: TypeShape;
  /** The type errors name the field's parent by: the type condition of the fragment it is first selected in, else the object's type (as computeResponse). */
  parent: GraphQLCompositeType;
}

interface ObjectShape {
  parent: GraphQLCompositeType;
  /** Fields by runtime type name, compiled the first time that type is met here. */
  fieldsFor(type: GraphQLCompositeType): FieldShape[];
}

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
      if (name === '__typename') {
        fields.push({
          key,
          isTypename: true,
          type: { kind: 'leaf', name: 'String', accepts: isString },
          parent,
        });
        continue;
      }
      // An abstract type met without a __typename: only its own fields can be known (as in computeResponse).
      const definition = fieldDefinition(type, name);
      if (!definition) continue;
      const subSelections = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
      fields.push({
        key,
        isTypename: false,
        type: typeShape(definition.type, subSelections),
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

function fieldDefinition(type: GraphQLCompositeType, name: string) {
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

const INVALID = Symbol('null to propagate');
type Path = (string | number)[];

/**
 * Shapes the merged data of a plan's fetches into the response: `data` (null when a null reached
 * the root) and the value-completion errors (a non-null field without value, a value of the wrong
 * type, an unknown `__typename`), worded as computeResponse words them.
 */
export function shapeResponse(
  schema: GraphQLSchema,
  shape: ResponseShape,
  input: Record<string, unknown>,
): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  const path: Path = [];

  function describe(parent: GraphQLCompositeType, leafType: string): string {
    const last = path[path.length - 1];
    return typeof last === 'string'
      ? `field ${parent.name}.${last}`
      : `array element of type ${leafType} at index ${last}`;
  }

  function fail(message: string): void {
    errors.push(
      new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } }),
    );
  }

  /** The object for `shape`, or null (already reported), or INVALID when a non-null field of it had no value. */
  function shapeObject(
    shape: ObjectShape,
    value: Record<string, unknown>,
    parent: GraphQLCompositeType,
  ): Record<string, unknown> | null | typeof INVALID {
    let type = shape.parent;
    const typename = value.__typename;
    if (typeof typename === 'string') {
      const named = schema.getType(typename);
      if (!named || !isCompositeType(named)) {
        fail(`Invalid __typename found for object at ${describe(parent, shape.parent.name)}.`);
        return null;
      }
      type = named;
    }
    const output: Record<string, unknown> = {};
    for (const field of shape.fieldsFor(type)) {
      if (field.isTypename) {
        if (!isObjectType(type)) return INVALID;
        output[field.key] = type.name;
        continue;
      }
      path.push(field.key);
      const shaped = shapeValue(field.type, value[field.key], field.parent);
      path.pop();
      if (shaped === INVALID) return INVALID;
      output[field.key] = shaped;
    }
    return output;
  }

  /** Reports before returning null, unless the null was reported deeper (`reported`). */
  let reported = false;

  function shapeValue(type: TypeShape, value: unknown, parent: GraphQLCompositeType): unknown {
    reported = false;
    switch (type.kind) {
      case 'nonNull': {
        const inner = shapeValue(type.of, value, parent);
        if (inner === null || inner === INVALID) {
          if (!reported)
            fail(`Cannot return null for non-nullable ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return INVALID;
        }
        return inner;
      }
      case 'list': {
        if (value === null || value === undefined) return null;
        if (!Array.isArray(value)) {
          fail(`Invalid non-list value found for ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return null;
        }
        const output = new Array(value.length);
        let invalid = false;
        let anyReported = false;
        for (let index = 0; index < value.length; index++) {
          path.push(index);
          const element = shapeValue(type.of, value[index], parent);
          path.pop();
          anyReported ||= reported;
          if (element === INVALID) invalid = true;
          output[index] = element;
        }
        reported = anyReported;
        return invalid ? null : output;
      }
      case 'object': {
        if (value === null || value === undefined) return null;
        if (typeof value !== 'object' || Array.isArray(value)) {
          fail(`Invalid non-object value found for ${describe(parent, type.shape.parent.name)}.`);
          reported = true;
          return null;
        }
        const output = shapeObject(type.shape, value as Record<string, unknown>, parent);
        if (output === INVALID || output === null) {
          reported = true;
          return null;
        }
        return output;
      }
      case 'leaf': {
        if (value === null || value === undefined) return null;
        if (type.accepts(value)) return value;
        fail(`Invalid value found for ${describe(parent, type.name)}.`);
        reported = true;
        return null;
      }
    }
  }

  const data = shapeObject(shape.root, input, shape.root.parent);
  return { data: data === INVALID ? null : data, errors };
}

function typeNameOf(type: TypeShape): string {
  switch (type.kind) {
    case 'nonNull':
      return `${typeNameOf(type.of)}!`;
    case 'list':
      return `[${typeNameOf(type.of)}]`;
    case 'leaf':
      return type.name;
    case 'object':
      return type.shape.parent.name;
  }
}
