/**
 * A contract's API schema: the supergraph's API schema filtered by `@tag` names (read by the
 * supergraph's directive index, whatever name the supergraph gives `@tag`), following the rules
 * of Apollo GraphOS contracts (docs: "Contract reference", Dependent tags and Special cases):
 *
 * - A tag on an object or interface type counts as a tag on each of its fields.
 * - exclude: every element carrying an excluded tag is removed (types, fields, arguments, enum
 *   values, input fields, scalars). Exclusion wins over inclusion.
 * - include (when given): an object or interface field is kept only if it (or its type) carries
 *   an included tag, and a union only if it carries one; deny by default. Enums, scalars, input
 *   types and arguments are not tagged for inclusion: they stay while something kept uses them.
 * - Then the schema is repaired until it is valid, never by adding anything: a type with no
 *   field (value, member) left is removed; a field whose type is removed is removed; an argument
 *   or input field whose type is removed is removed, and with it its field or input type when it
 *   is required; an interface field an implementation lost is removed from the interface; an
 *   object no longer implements a removed interface.
 * - Types no longer reachable from the root types are removed ("hide unreachable types").
 *
 * A contract whose filter leaves `Query` without fields exposes nothing: `null`, so its consumers
 * are refused everything rather than served a schema the graph does not have.
 */
import {
  assertValidSchema,
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  Kind,
  parse,
  printSchema,
  visit,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import type { CoordinateTags } from '../../supergraph-directives';

/** A contract's filter, as the governance config declares it under `contracts`. */
export interface ContractFilter {
  /** Keep only what carries one of these tags (object and interface fields, unions). Empty or absent: keep everything not excluded. */
  include?: string[];
  /** Remove everything that carries one of these tags. */
  exclude?: string[];
}

/** What a filter removes from an API schema, by coordinate. */
interface Removals {
  types: Set<string>;
  /** `Type.field` of objects, interfaces and input types; `Enum.VALUE`. */
  members: Set<string>;
  /** `Type.field(arg:)`. */
  args: Set<string>;
  /** `Type>Interface`: Type no longer implements Interface. */
  implementations: Set<string>;
}

/**
 * The contract's API schema (see the rules above), or null when it leaves `Query` without fields.
 * Throws when the filter itself is contradictory (a tag both included and excluded).
 */
export function contractSchemaOf(
  apiSchema: GraphQLSchema,
  tags: CoordinateTags,
  filter: ContractFilter,
): GraphQLSchema | null {
  const include = new Set(filter.include ?? []);
  const exclude = new Set(filter.exclude ?? []);
  const both = [...include].filter((tag) => exclude.has(tag));
  if (both.length > 0)
    throw new Error(`a contract cannot include and exclude the same tag (${both.join(', ')})`);

  const removed: Removals = {
    types: new Set(),
    members: new Set(),
    args: new Set(),
    implementations: new Set(),
  };
  const tagsAt = (coordinate: string) => tags.get(coordinate) ?? new Set<string>();
  const carries = (wanted: Set<string>, ...coordinates: string[]) =>
    coordinates.some((coordinate) => [...tagsAt(coordinate)].some((tag) => wanted.has(tag)));
  const types = Object.values(apiSchema.getTypeMap()).filter(
    (type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type),
  );

  // The filter itself.
  for (const type of types) {
    if (carries(exclude, type.name)) removed.types.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const excluded = carries(exclude, type.name, coordinate);
        const included = include.size === 0 || carries(include, type.name, coordinate);
        if (excluded || !included) removed.members.add(coordinate);
        for (const arg of field.args)
          if (carries(exclude, `${coordinate}(${arg.name}:)`))
            removeArgument(removed, coordinate, arg);
      }
    } else if (isUnionType(type)) {
      if (include.size > 0 && !carries(include, type.name)) removed.types.add(type.name);
    } else if (isEnumType(type)) {
      for (const value of type.getValues())
        if (carries(exclude, `${type.name}.${value.name}`))
          removed.members.add(`${type.name}.${value.name}`);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (carries(exclude, `${type.name}.${field.name}`))
          removeInputField(removed, type.name, field);
    }
  }

  // Repairs, until nothing changes: each pass only removes, so it ends.
  const alive = (type: GraphQLType) => !removed.types.has(getNamedType(type).name);
  for (let changed = true; changed;) {
    const before = size(removed);
    for (const type of types) {
      if (removed.types.has(type.name)) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          const coordinate = `${type.name}.${field.name}`;
          if (removed.members.has(coordinate)) continue;
          if (!alive(field.type)) removed.members.add(coordinate);
          for (const arg of field.args)
            if (!alive(arg.type)) removeArgument(removed, coordinate, arg);
        }
        if (
          Object.keys(type.getFields()).every((field) =>
            removed.members.has(`${type.name}.${field}`),
          )
        ) {
          removed.types.add(type.name);
          continue;
        }
        for (const implemented of type.getInterfaces()) {
          if (removed.types.has(implemented.name)) {
            removed.implementations.add(`${type.name}>${implemented.name}`);
            continue;
          }
          // An implementation must have every field of its interface: what a kept one lost, the interface loses.
          for (const field of Object.keys(implemented.getFields()))
            if (removed.members.has(`${type.name}.${field}`))
              removed.members.add(`${implemented.name}.${field}`);
        }
      } else if (isUnionType(type)) {
        if (type.getTypes().every((member) => removed.types.has(member.name)))
          removed.types.add(type.name);
      } else if (isEnumType(type)) {
        if (type.getValues().every((value) => removed.members.has(`${type.name}.${value.name}`)))
          removed.types.add(type.name);
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields()))
          if (!alive(field.type)) removeInputField(removed, type.name, field);
        if (
          Object.keys(type.getFields()).every((field) =>
            removed.members.has(`${type.name}.${field}`),
          )
        )
          removed.types.add(type.name);
      }
    }
    changed = size(removed) !== before;
  }

  const queryType = apiSchema.getQueryType();
  if (!queryType || removed.types.has(queryType.name)) return null;
  for (const type of unreachableTypes(apiSchema, types, removed)) removed.types.add(type);
  const schema = buildASTSchema(
    filteredDocument(parse(printSchema(apiSchema), { noLocation: true }), removed),
    { assumeValidSDL: false },
  );
  assertValidSchema(schema);
  return schema;
}

function size(removed: Removals): number {
  return (
    removed.types.size + removed.members.size + removed.args.size + removed.implementations.size
  );
}

/** An argument goes; a required one (non-null, no default) takes its field with it, which cannot be called without it. */
function removeArgument(removed: Removals, field: string, arg: GraphQLArgument): void {
  if (isNonNullType(arg.type) && arg.defaultValue === undefined) removed.members.add(field);
  else removed.args.add(`${field}(${arg.name}:)`);
}

/** An input field goes; a required one takes its input type with it, which can no longer be written. */
function removeInputField(removed: Removals, typeName: string, field: GraphQLInputField): void {
  removed.members.add(`${typeName}.${field.name}`);
  if (isNonNullType(field.type) && field.defaultValue === undefined) removed.types.add(typeName);
}

/** Types that are kept but that nothing kept leads to from the root types. */
function unreachableTypes(
  schema: GraphQLSchema,
  types: GraphQLNamedType[],
  removed: Removals,
): string[] {
  const reached = new Set<string>();
  const implementations = new Map<string, string[]>();
  for (const type of types) {
    if (!(isObjectType(type) || isInterfaceType(type)) || removed.types.has(type.name)) continue;
    for (const implemented of type.getInterfaces()) {
      if (removed.implementations.has(`${type.name}>${implemented.name}`)) continue;
      implementations.set(implemented.name, [
        ...(implementations.get(implemented.name) ?? []),
        type.name,
      ]);
    }
  }
  const pending = [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ].flatMap((root) => (root ? [root.name] : []));
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name) || removed.types.has(name)) continue;
    reached.add(name);
    const type = schema.getType(name)!;
    const reach = (next: GraphQLType) => pending.push(getNamedType(next).name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (removed.members.has(`${name}.${field.name}`)) continue;
        reach(field.type);
        for (const arg of field.args)
          if (!removed.args.has(`${name}.${field.name}(${arg.name}:)`)) reach(arg.type);
      }
      for (const implemented of type.getInterfaces()) reach(implemented);
      for (const implementation of implementations.get(name) ?? []) pending.push(implementation);
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) reach(member);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (!removed.members.has(`${name}.${field.name}`)) reach(field.type);
    }
  }
  return types
    .filter((type) => !removed.types.has(type.name) && !reached.has(type.name))
    .map((type) => type.name);
}

/** The printed API schema without what `removed` names. */
function filteredDocument(document: DocumentNode, removed: Removals): DocumentNode {
  const gone = (name: string) => removed.types.has(name);
  const withoutRemovedFields = <T extends ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode>(
    node: T,
  ): T | null =>
    gone(node.name.value)
      ? null
      : {
          ...node,
          interfaces: node.interfaces?.filter(
            (named) =>
              !gone(named.name.value) &&
              !removed.implementations.has(`${node.name.value}>${named.name.value}`),
          ),
          fields: node.fields
            ?.filter((field) => !removed.members.has(`${node.name.value}.${field.name.value}`))
            .map((field) => ({
              ...field,
              arguments: field.arguments?.filter(
                (arg) =>
                  !removed.args.has(`${node.name.value}.${field.name.value}(${arg.name.value}:)`),
              ),
            })),
        };
  return visit(document, {
    // Objects and interfaces lose the same things: removed fields, arguments and implemented interfaces.
    ObjectTypeDefinition: withoutRemovedFields,
    InterfaceTypeDefinition: withoutRemovedFields,
    UnionTypeDefinition: (node) =>
      gone(node.name.value)
        ? null
        : { ...node, types: node.types?.filter((member) => !gone(member.name.value)) },
    EnumTypeDefinition: (node) =>
      gone(node.name.value)
        ? null
        : {
            ...node,
            values: node.values?.filter(
              (value) => !removed.members.has(`${node.name.value}.${value.name.value}`),
            ),
          },
    InputObjectTypeDefinition: (node) =>
      gone(node.name.value)
        ? null
        : {
            ...node,
            fields: node.fields?.filter(
              (field) => !removed.members.has(`${node.name.value}.${field.name.value}`),
            ),
          },
    ScalarTypeDefinition: (node) => (gone(node.name.value) ? null : undefined),
    SchemaDefinition: (node) => ({
      ...node,
      operationTypes: node.operationTypes.filter((operation) => !gone(operation.type.name.value)),
    }),
    // A directive the API schema declares is dropped when one of its arguments' types is.
    DirectiveDefinition: (node) =>
      node.arguments?.some((arg) => gone(namedTypeOf(arg.type))) ? null : undefined,
  });
}

function namedTypeOf(type: { kind: Kind; type?: unknown; name?: { value: string } }): string {
  return type.kind === Kind.NAMED_TYPE ? type.name!.value : namedTypeOf(type.type as never);
}
