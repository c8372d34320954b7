/**
 * What `@authenticated` and `@requiresScopes` ask of a caller, and how requirements combine: a
 * field asks its own, its parent type's and its result type's requirement at once, and a caller
 * either meets a requirement or misses a part of it (named in the error the response carries).
 */
import {
  getNamedType,
  isInterfaceType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

/** What a field or type asks of a consumer; both parts must hold. */
export interface Requirement {
  authenticated: boolean;
  /** OR of AND-sets (as `@requiresScopes(scopes:)`), or null when no scope is needed. */
  requiresScopes: string[][] | null;
}

/** The requirements declared in a supergraph, by field coordinate (`Type.field`) and by type name. */
export interface DeclaredRequirements {
  fields: ReadonlyMap<string, Requirement>;
  types: ReadonlyMap<string, Requirement>;
}

/** Who is asking, as far as authorization cares. */
export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

export const NO_REQUIREMENT: Requirement = { authenticated: false, requiresScopes: null };

/** Both requirements at once: authenticated if either is; scopes as the product of the two OR-of-AND sets. */
export function combine(a: Requirement, b: Requirement): Requirement {
  let requiresScopes: string[][] | null;
  if (!a.requiresScopes) requiresScopes = b.requiresScopes;
  else if (!b.requiresScopes) requiresScopes = a.requiresScopes;
  else
    requiresScopes = a.requiresScopes.flatMap((left) =>
      b.requiresScopes!.map((right) => [...new Set([...left, ...right])].sort()),
    );
  return {
    authenticated: a.authenticated || b.authenticated,
    requiresScopes: requiresScopes && minimalSets(requiresScopes),
  };
}

/** Drops duplicate sets and those that hold another set (holding the smaller one suffices). */
function minimalSets(sets: string[][]): string[][] {
  const unique = [
    ...new Map(sets.map((set) => [JSON.stringify([...set].sort()), [...set].sort()])).values(),
  ];
  return unique.filter(
    (set, i) =>
      !unique.some(
        (other, j) =>
          j !== i && other.length < set.length && other.every((scope) => set.includes(scope)),
      ),
  );
}

/** The part of `requirement` the caller does not meet, or null when it meets all of it. */
export function missingRequirement(requirement: Requirement, caller: Caller): Requirement | null {
  const authenticated = requirement.authenticated && !caller.authenticated;
  const scopesMissing =
    requirement.requiresScopes !== null &&
    !requirement.requiresScopes.some((set) => set.every((scope) => caller.scopes.has(scope)));
  if (!authenticated && !scopesMissing) return null;
  return { authenticated, requiresScopes: scopesMissing ? requirement.requiresScopes : null };
}

/** `@authenticated and @requiresScopes(scopes: [["credit:read"]])`: the requirement as the schema spells it. */
export function describeRequirement(requirement: Requirement): string {
  const parts: string[] = [];
  if (requirement.authenticated) parts.push('@authenticated');
  if (requirement.requiresScopes)
    parts.push(`@requiresScopes(scopes: ${JSON.stringify(requirement.requiresScopes)})`);
  return parts.join(' and ');
}

/** The requirement in an error's extensions: `authenticated: true` and/or `requiresScopes: [[...]]`. */
export function requirementExtensions(requirement: Requirement): Record<string, unknown> {
  return {
    ...(requirement.authenticated ? { authenticated: true } : {}),
    ...(requirement.requiresScopes ? { requiresScopes: requirement.requiresScopes } : {}),
  };
}

/**
 * Everything reading `parent.field` asks: the field's own requirement, its parent type's and its
 * result type's; on an interface, also every implementation's (any of them may answer).
 */
export function fieldRequirement(
  schema: GraphQLSchema,
  declared: DeclaredRequirements,
  parent: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
): Requirement {
  const owners = isInterfaceType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
  let requirement = NO_REQUIREMENT;
  for (const owner of owners) {
    for (const part of [
      declared.fields.get(`${owner.name}.${field.name}`),
      declared.types.get(owner.name),
    ])
      if (part) requirement = combine(requirement, part);
  }
  const result = declared.types.get(getNamedType(field.type).name);
  return result ? combine(requirement, result) : requirement;
}
