/**
 * Reads the requirements a supergraph declares: `@authenticated` and `@requiresScopes` on fields
 * and types (a schema owner protects a field in their own subgraph; composition keeps the
 * directives), under whatever names the supergraph's `@link`s give them.
 */
import {
  isTypeDefinitionNode,
  isTypeExtensionNode,
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
} from 'graphql';
import {
  combine,
  NO_REQUIREMENT,
  type DeclaredRequirements,
  type Requirement,
} from './requirements';

const AUTHENTICATED_SPEC = /^https:\/\/specs\.apollo\.dev\/authenticated\/v[0-9.]+$/;
const REQUIRES_SCOPES_SPEC = /^https:\/\/specs\.apollo\.dev\/requiresScopes\/v[0-9.]+$/;

/** Reads `@authenticated` / `@requiresScopes` (under whatever names the supergraph's @link gives them) from a supergraph SDL. */
export function declaredRequirementsOf(supergraphSdl: string): DeclaredRequirements {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = Object.fromEntries(
        (link.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      );
      if (typeof args.url !== 'string') continue;
      if (AUTHENTICATED_SPEC.test(args.url) && typeof args.as === 'string')
        names.authenticated = args.as;
      if (REQUIRES_SCOPES_SPEC.test(args.url) && typeof args.as === 'string')
        names.requiresScopes = args.as;
    }
  }
  const requirementOf = (
    directives: readonly ConstDirectiveNode[] | undefined,
  ): Requirement | null => {
    let requirement: Requirement | null = null;
    for (const directive of directives ?? []) {
      if (directive.name.value === names.authenticated)
        requirement = combine(requirement ?? NO_REQUIREMENT, {
          authenticated: true,
          requiresScopes: null,
        });
      if (directive.name.value === names.requiresScopes) {
        const scopes = directive.arguments?.find((arg) => arg.name.value === 'scopes');
        const sets = scopes ? valueFromASTUntyped(scopes.value) : null;
        if (
          !Array.isArray(sets) ||
          !sets.every(
            (set) => Array.isArray(set) && set.every((scope) => typeof scope === 'string'),
          )
        ) {
          throw new Error(
            `@${names.requiresScopes} must list scope sets, as [["scope", ...], ...]`,
          );
        }
        requirement = combine(requirement ?? NO_REQUIREMENT, {
          authenticated: false,
          requiresScopes: sets as string[][],
        });
      }
    }
    return requirement;
  };

  const declared: DeclaredRequirements = { fields: new Map(), types: new Map() };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const onType = requirementOf(definition.directives);
    if (onType)
      declared.types.set(typeName, combine(declared.types.get(typeName) ?? NO_REQUIREMENT, onType));
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const onField = requirementOf(field.directives);
      if (onField) declared.fields.set(`${typeName}.${field.name.value}`, onField);
    }
  }
  return declared;
}
