/**
 * The scopes a composed supergraph asks for, read from its SDL with graphql-js alone (not through
 * the gateway's own directive index, which is what the authorization property checks).
 */
import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode } from 'graphql';

/** `@requiresScopes`: OR of AND-sets of scopes, at `Type` and at `Type.field`. */
export interface DeclaredScopes {
  types: ReadonlyMap<string, string[][]>;
  fields: ReadonlyMap<string, string[][]>;
}

const REQUIRES_SCOPES = /^https:\/\/specs\.apollo\.dev\/requiresScopes\/v/;

export function declaredScopesOf(supergraphSdl: string): DeclaredScopes {
  const document = parse(supergraphSdl);
  const name = requiresScopesName(document.definitions);
  const scopesOf = (directives: readonly ConstDirectiveNode[] = []) => {
    const applied = directives.filter((directive) => directive.name.value === name);
    // Several applications all apply: their OR-of-ANDs are combined by AND, one set per pair.
    return applied.reduce<string[][] | null>((required, directive) => {
      const argument = directive.arguments?.find((arg) => arg.name.value === 'scopes');
      const sets = argument ? (valueFromASTUntyped(argument.value) as string[][]) : [];
      return required === null
        ? sets
        : required.flatMap((left) => sets.map((right) => [...left, ...right]));
    }, null);
  };
  const types = new Map<string, string[][]>();
  const fields = new Map<string, string[][]>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION
    )
      continue;
    const onType = scopesOf(definition.directives);
    if (onType) types.set(definition.name.value, onType);
    if (
      definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
      definition.kind === Kind.ENUM_TYPE_DEFINITION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const onField = scopesOf(field.directives);
      if (onField) fields.set(`${definition.name.value}.${field.name.value}`, onField);
    }
  }
  return { types, fields };
}

/** The name the supergraph gives `@requiresScopes` (its `@link`'s `as:` or import rename, else the spec's). */
function requiresScopesName(definitions: ReturnType<typeof parse>['definitions']): string {
  for (const definition of definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const link of definition.directives ?? []) {
      const args = Object.fromEntries(
        (link.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      );
      if (link.name.value !== 'link' || !REQUIRES_SCOPES.test(String(args.url))) continue;
      for (const entry of (args.import as unknown[]) ?? [])
        if (typeof entry === 'object' && entry && (entry as any).name === '@requiresScopes')
          return String((entry as any).as).replace(/^@/, '');
      // The feature's own directive takes the feature's name (renamed by `as:`), imported or not.
      return String(args.as ?? 'requiresScopes');
    }
  }
  return 'requiresScopes';
}

/** Whether `scopes` satisfy one of the AND-sets of `required`. */
export const satisfies = (scopes: readonly string[], required: string[][]) =>
  required.some((set) => set.every((scope) => scopes.includes(scope)));
