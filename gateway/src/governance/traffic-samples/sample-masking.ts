/**
 * What a traffic sample may keep of a subgraph request. A sample holds the request only (document,
 * variables, the forwarded identity), never an answer, so the values of guarded fields the answer
 * carried are never stored. What a request itself carries is masked where the supergraph guards
 * it: the arguments of a field under `@requiresScopes`, `@authenticated` or `@policy` (on the
 * field, its type or the type it returns), literal or through variables, and the guarded fields of
 * `_entities` representations (what `@requires` would send). A masked sample is kept for reading
 * but never replayed: its masked values would not ask what the original asked.
 */
import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import type { SupergraphDirectives } from '../../supergraph-directives';

/** What a masked value reads as in a stored sample. */
export const MASKED = '[masked]';

/** Which fields of the served supergraph are guarded: derived once per supergraph version. */
export interface FieldSensitivity {
  schema: GraphQLSchema;
  isGuarded(typeName: string, fieldName: string): boolean;
}

export function fieldSensitivityOf(
  schema: GraphQLSchema,
  directives: SupergraphDirectives,
): FieldSensitivity {
  const { fields, types } = directives.authorization;
  return {
    schema,
    isGuarded(typeName, fieldName) {
      if (types.has(typeName) || fields.has(`${typeName}.${fieldName}`)) return true;
      const parent = schema.getType(typeName);
      if (!isObjectType(parent) && !isInterfaceType(parent)) return false;
      const field = parent.getFields()[fieldName];
      return !!field && types.has(getNamedType(field.type).name);
    },
  };
}

export interface MaskedRequest {
  /** The document, with literal arguments of guarded fields replaced by MASKED. */
  document: string;
  /** The variables, those bound to guarded positions replaced by MASKED. */
  variables: Record<string, unknown> | null;
  /** What was masked, in words (`argument Customer.aging(asOf:)`, `representation Customer.creditLimit`). */
  masked: string[];
}

export function maskRequest(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  sensitivity: FieldSensitivity,
): MaskedRequest {
  const guardedArguments = new Set<ArgumentNode>();
  const maskedVariables = new Set<string>();
  const masked = new Set<string>();
  const representationVariables = new Set<string>();
  const typeInfo = new TypeInfo(sensitivity.schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node, _key, _parent, _path, ancestors) {
        const field = ancestors[ancestors.length - 1];
        if (!field || !('kind' in field) || field.kind !== Kind.FIELD) return;
        if (field.name.value === '_entities' && node.name.value === 'representations') {
          if (node.value.kind === Kind.VARIABLE) representationVariables.add(node.value.name.value);
          return;
        }
        const parent = typeInfo.getParentType();
        if (!parent || !sensitivity.isGuarded(parent.name, field.name.value)) return;
        guardedArguments.add(node);
        masked.add(`argument ${parent.name}.${field.name.value}(${node.name.value}:)`);
        for (const name of variablesIn(node.value)) maskedVariables.add(name);
      },
    }),
  );

  const maskedDocument =
    guardedArguments.size === 0
      ? document
      : visit(document, {
          Argument(node) {
            if (!guardedArguments.has(node) || node.value.kind === Kind.VARIABLE) return undefined;
            return { ...node, value: { kind: Kind.STRING, value: MASKED } };
          },
        });

  const maskedValues: Record<string, unknown> | null = variables ? { ...variables } : null;
  if (maskedValues) {
    for (const name of maskedVariables)
      if (Object.hasOwn(maskedValues, name)) maskedValues[name] = MASKED;
    for (const name of representationVariables) {
      const representations = maskedValues[name];
      if (Array.isArray(representations))
        maskedValues[name] = representations.map((representation) =>
          maskRepresentation(representation, sensitivity, masked),
        );
    }
  }
  return { document: print(maskedDocument), variables: maskedValues, masked: [...masked] };
}

/** A representation with its guarded fields masked (keys of a guarded type included: the whole object is then unreplayable). */
function maskRepresentation(
  representation: unknown,
  sensitivity: FieldSensitivity,
  masked: Set<string>,
): unknown {
  if (typeof representation !== 'object' || representation === null) return representation;
  const typeName = (representation as { __typename?: unknown }).__typename;
  const copy: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(representation)) {
    if (
      field !== '__typename' &&
      typeof typeName === 'string' &&
      sensitivity.isGuarded(typeName, field)
    ) {
      copy[field] = MASKED;
      masked.add(`representation ${typeName}.${field}`);
    } else copy[field] = value;
  }
  // A representation without a type name cannot be classified: none of its values is kept.
  if (typeof typeName !== 'string') {
    for (const field of Object.keys(copy)) copy[field] = MASKED;
    masked.add('representation without __typename');
  }
  return copy;
}

function variablesIn(value: ValueNode): string[] {
  switch (value.kind) {
    case Kind.VARIABLE:
      return [value.name.value];
    case Kind.LIST:
      return value.values.flatMap(variablesIn);
    case Kind.OBJECT:
      return value.fields.flatMap((field) => variablesIn(field.value));
    default:
      return [];
  }
}
