/**
 * SDL read with graphql-js's parser, not patterns: the explorer's types, fields, arguments and
 * directives come from the document's AST, so an argument default or a directive argument holding
 * `)`, `{` or `"` is read as the grammar says. Only `parse` (no schema build): a supergraph's
 * join__/link__ directives and a contract's printed SDL need no definitions to be read.
 */
import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type StringValueNode,
} from 'graphql';

export interface SdlArgument {
  name: string;
  /** The argument's type as written (`[ID!]!`). */
  type: string;
  /** The default value as GraphQL literal text, or null when none is declared. */
  defaultValue: string | null;
}

export interface SdlField {
  name: string;
  /** The field (enum value, input field) as one line of SDL, description left out. */
  line: string;
  arguments: SdlArgument[];
  /** Each directive written on the field: its name and its printed text (`@cost(weight: 5)`). */
  directives: { name: string; text: string }[];
  /** The @deprecated reason (graphql-js's default when none is given), or null when not deprecated. */
  deprecationReason: string | null;
}

export interface SdlType {
  kind: 'type' | 'interface' | 'enum' | 'input' | 'union' | 'scalar';
  name: string;
  /** The definition printed without descriptions (header and fields). */
  text: string;
  fields: SdlField[];
}

const KINDS: Partial<Record<Kind, SdlType['kind']>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'type',
  [Kind.OBJECT_TYPE_EXTENSION]: 'type',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'interface',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'interface',
  [Kind.ENUM_TYPE_DEFINITION]: 'enum',
  [Kind.ENUM_TYPE_EXTENSION]: 'enum',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'input',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'input',
  [Kind.UNION_TYPE_DEFINITION]: 'union',
  [Kind.UNION_TYPE_EXTENSION]: 'union',
  [Kind.SCALAR_TYPE_DEFINITION]: 'scalar',
  [Kind.SCALAR_TYPE_EXTENSION]: 'scalar',
};

/** graphql-js's reason for a bare @deprecated (DEFAULT_DEPRECATION_REASON). */
const DEFAULT_DEPRECATION_REASON = 'No longer supported';

type MemberNode = FieldDefinitionNode | InputValueDefinitionNode | EnumValueDefinitionNode;

/** `node` printed without its descriptions (and its members'), which the explorer does not show. */
function printPlain(node: ASTNode): string {
  return print(
    visit(node, {
      enter: (n) =>
        'description' in n && n.description ? { ...n, description: undefined } : undefined,
    }),
  );
}

function deprecationReason(directives: readonly ConstDirectiveNode[] | undefined): string | null {
  const deprecated = directives?.find((d) => d.name.value === 'deprecated');
  if (!deprecated) return null;
  const reason = deprecated.arguments?.find((a) => a.name.value === 'reason')?.value;
  return reason?.kind === Kind.STRING
    ? (reason as StringValueNode).value
    : DEFAULT_DEPRECATION_REASON;
}

function readMember(member: MemberNode): SdlField {
  const args = member.kind === Kind.FIELD_DEFINITION ? (member.arguments ?? []) : [];
  return {
    name: member.name.value,
    line: printPlain(member),
    arguments: args.map((arg) => ({
      name: arg.name.value,
      type: print(arg.type),
      defaultValue: arg.defaultValue ? print(arg.defaultValue) : null,
    })),
    directives: (member.directives ?? []).map((d) => ({ name: d.name.value, text: print(d) })),
    deprecationReason: deprecationReason(member.directives),
  };
}

function membersOf(definition: DefinitionNode): readonly MemberNode[] {
  switch (definition.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      return definition.fields ?? [];
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
      return definition.values ?? [];
    default:
      return [];
  }
}

/**
 * The named types of `sdl`, sorted by name; a type's extensions are merged into it. Throws
 * graphql-js's GraphQLError (with its line and column) when the text is not SDL.
 */
export function readSdl(sdl: string): SdlType[] {
  const types = new Map<string, SdlType>();
  for (const definition of parse(sdl, { noLocation: true }).definitions) {
    const kind = KINDS[definition.kind];
    if (!kind || !('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    const fields = membersOf(definition).map(readMember);
    const text = printPlain(definition);
    const known = types.get(name);
    if (known) {
      known.fields.push(...fields);
      known.text += `\n\n${text}`;
    } else types.set(name, { kind, name, text, fields });
  }
  return [...types.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The directives the Schema page shows beside a field: who may read it and what it costs. */
export const GOVERNANCE_DIRECTIVES = ['requiresScopes', 'authenticated', 'cost', 'listSize'];

/**
 * Per field coordinate (`Type.field`), the directives among `names` written on it in `sdl` (a
 * supergraph), printed; coordinates with none are absent.
 */
export function fieldDirectiveIndex(
  sdl: string,
  names: readonly string[] = GOVERNANCE_DIRECTIVES,
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const type of readSdl(sdl)) {
    for (const field of type.fields) {
      const shown = field.directives.filter((d) => names.includes(d.name)).map((d) => d.text);
      if (shown.length === 0) continue;
      const coordinate = `${type.name}.${field.name}`;
      index.set(coordinate, [...(index.get(coordinate) ?? []), ...shown]);
    }
  }
  return index;
}
