/**
 * Which of a set of watched coordinates one operation uses: fields it selects (`Order.status`),
 * arguments it passes (`Query.orders(status:)`), enum values and input fields written in its
 * literals (`OrderStatus.OPEN`, `PlaceOrderInput.note`), and, for its variables whose type can hold
 * a watched enum value or input field, the same in the values a request sends.
 *
 * The document part is derived once per operation; the variable part is the only per-request work,
 * and only for operations that declare such a variable.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  separateOperations,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/** What an operation uses of the watched coordinates. */
export interface OperationCoordinates {
  /** Watched coordinates written in the document, sorted. */
  inDocument: string[];
  /** Variables whose values may hold a watched enum value or input field, with their types. */
  variables: { name: string; type: GraphQLInputType }[];
}

/**
 * The watched coordinates the operation named `operationName` of `document` uses (with the fragments
 * it spreads), typed against `schema`. A field counts under the type it is selected on, as usage counts it,
 * and under each interface of that type declaring it.
 */
export function operationCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string,
  watched: ReadonlySet<string>,
): OperationCoordinates {
  const operationDocument = separateOperations(document)[operationName] ?? document;
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  const note = (coordinate: string) => {
    if (watched.has(coordinate)) found.add(coordinate);
  };
  const watchedTypes = new Set([...watched].map((coordinate) => coordinate.split('.')[0]));
  const variables: OperationCoordinates['variables'] = [];
  visit(
    operationDocument,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const parent = typeInfo.getParentType();
        if (!parent || !typeInfo.getFieldDef()) return;
        const name = node.name.value;
        note(`${parent.name}.${name}`);
        // A field deprecated on an interface is deprecated on every type implementing it.
        if (isObjectType(parent) || isInterfaceType(parent))
          for (const iface of parent.getInterfaces())
            if (iface.getFields()[name]) note(`${iface.name}.${name}`);
      },
      [Kind.ARGUMENT](node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        // Directive arguments (@include(if:)) are not the schema's to deprecate here.
        if (parent && field && !typeInfo.getDirective() && typeInfo.getArgument())
          note(`${parent.name}.${field.name}(${node.name.value}:)`);
      },
      [Kind.ENUM](node) {
        const type = typeInfo.getInputType();
        if (type) note(`${getNamedType(type).name}.${node.value}`);
      },
      [Kind.OBJECT_FIELD](node) {
        const parent = typeInfo.getParentInputType();
        if (parent) note(`${getNamedType(parent).name}.${node.name.value}`);
      },
      [Kind.VARIABLE_DEFINITION](node) {
        const type = typeFromAST(schema, node.type) as GraphQLInputType | undefined;
        if (type && reaches(type, watchedTypes, new Set()))
          variables.push({ name: node.variable.name.value, type });
      },
    }),
  );
  return { inDocument: [...found].sort(), variables };
}

/** Whether a value of `type` can hold an enum value or input field of one of `typeNames`. */
function reaches(
  type: GraphQLInputType,
  typeNames: ReadonlySet<string>,
  seen: Set<string>,
): boolean {
  const named = getNamedType(type);
  if (typeNames.has(named.name)) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => reaches(field.type, typeNames, seen));
}

/** Adds to `found` the watched enum values and input fields in one variable's value (as sent, before coercion). */
export function coordinatesInValue(
  type: GraphQLInputType,
  value: unknown,
  watched: ReadonlySet<string>,
  found: Set<string>,
): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return coordinatesInValue(type.ofType, value, watched, found);
  if (isListType(type)) {
    // A single value stands for a list of one (input coercion).
    for (const item of Array.isArray(value) ? value : [value])
      coordinatesInValue(type.ofType, item, watched, found);
    return;
  }
  if (isEnumType(type)) {
    if (typeof value === 'string' && watched.has(`${type.name}.${value}`))
      found.add(`${type.name}.${value}`);
    return;
  }
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = type.getFields();
    for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (!field) continue;
      if (watched.has(`${type.name}.${name}`)) found.add(`${type.name}.${name}`);
      coordinatesInValue(field.type, fieldValue, watched, found);
    }
  }
}
