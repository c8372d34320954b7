/**
 * GraphQL documents for fuzzing and property tests: operations written from a schema (random
 * selections, aliases, fragments, arguments as literals or variables of every input type, of the
 * right type or, by a chosen probability, a wrong one) and broken documents (token soup,
 * truncations, unbalanced braces, deep nesting, huge alias counts).
 */
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { chosen, type Choices } from './choices';

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

export interface DocumentOptions {
  /** Probability that a value, a declared variable type or a selection is wrong (0: every document is valid). */
  wrongTypes: number;
  /** Probability that the operation is a mutation. */
  mutations: number;
  /** Deepest selection below a root field. */
  maxDepth: number;
  /** Strings that id-like arguments take half the time: real ids, SKUs, numbers, so lookups find rows. */
  knownValues: readonly string[];
  /** Fields (`Type.field`) every selection of their type includes: a row's `id` an oracle looks it up by, a connection's `edges`. */
  alwaysSelect?: ReadonlySet<string>;
  /** The root fields to select from (default: every one). */
  rootFields?: ReadonlySet<string>;
  /** Every operation is named (a persisted-operation manifest names each one). */
  named?: boolean;
}

/** An operation over `schema`, as a client would send it: document, variables, operation name. */
export function operationArbitrary(
  schema: GraphQLSchema,
  options: DocumentOptions,
): fc.Arbitrary<GeneratedOperation> {
  return chosen((choices) => new OperationWriter(schema, options, choices).write());
}

/** Declared variable types that are not the argument's (or not types at all). */
const WRONG_TYPE_NAMES = [
  'String',
  'Int',
  'Int!',
  'ID!',
  '[String]',
  '[[Int!]]!',
  'Boolean',
  'Float!',
  'DateTime',
  'NoSuchType',
  'PlaceOrderInput',
  'OrderStatus!',
];

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

class OperationWriter {
  private readonly variables: { name: string; type: string; value: unknown }[] = [];
  private readonly fragments: string[] = [];
  private counter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: DocumentOptions,
    private readonly c: Choices,
  ) {}

  write(): GeneratedOperation {
    const mutationType = this.schema.getMutationType();
    const mutation = mutationType != null && this.c.chance(this.options.mutations);
    const root = mutation ? mutationType : this.schema.getQueryType()!;
    const selection = this.selectFields(root, 0, mutation ? 1 : this.c.int(1, 3));
    const name = this.options.named || this.c.chance(0.6) ? `Op${this.c.int(1, 999)}` : undefined;
    const definitions = this.variables.map(({ name, type }) => `$${name}: ${type}`);
    const header =
      !mutation && !name && definitions.length === 0 && this.c.chance(0.5)
        ? ''
        : `${mutation ? 'mutation' : 'query'}${name ? ` ${name}` : ''}${
            definitions.length ? `(${definitions.join(', ')})` : ''
          } `;
    let query = `${header}${selection}`;
    if (this.fragments.length) query += ` ${this.fragments.join(' ')}`;
    let operationName = name && this.c.chance(0.7) ? name : undefined;
    if (this.wrong(0.1)) query += ' query Another { __typename }';
    if (this.wrong(0.05)) operationName = this.c.pick(['Nope', '', 'Another']);
    const variables: Record<string, unknown> = {};
    for (const { name, value } of this.variables) if (value !== undefined) variables[name] = value;
    if (this.wrong(0.05)) variables.undeclared = this.wrongValue(0);
    return { query, variables, ...(operationName !== undefined ? { operationName } : {}) };
  }

  /** True with `probability` scaled by how often this writer is wrong (never, for valid documents). */
  private wrong(probability = 1): boolean {
    return this.options.wrongTypes > 0 && this.c.chance(this.options.wrongTypes * probability);
  }

  private next(): number {
    return ++this.counter;
  }

  private selectFields(type: GraphQLObjectType, depth: number, count?: number): string {
    let fields = Object.values(type.getFields());
    if (depth === 0 && this.options.rootFields)
      fields = fields.filter((field) => this.options.rootFields!.has(field.name));
    if (depth >= this.options.maxDepth)
      fields = fields.filter((field) => isLeafType(getNamedType(field.type)));
    const parts: string[] = [];
    const names = new Set<string>();
    for (const field of Object.values(type.getFields()))
      if (
        this.options.alwaysSelect?.has(`${type.name}.${field.name}`) &&
        depth <= this.options.maxDepth
      ) {
        parts.push(this.field(field, depth));
        names.add(field.name);
      }
    const wanted = fields.length === 0 ? 0 : (count ?? this.c.int(1, Math.min(4, fields.length)));
    for (let i = 0; i < wanted; i++) {
      const field = this.c.pick(fields);
      // The same field twice with other arguments is a validation error: only on purpose.
      if (names.has(field.name) && !this.wrong(0.2)) continue;
      names.add(field.name);
      parts.push(this.field(field, depth));
    }
    if (parts.length === 0 || this.c.chance(0.05)) parts.push('__typename');
    const body = parts.join(' ');
    if (depth > 0 && this.c.chance(0.08)) {
      const fragment = `F${this.next()}`;
      this.fragments.push(`fragment ${fragment} on ${type.name} { ${body} }`);
      return `{ ...${fragment} }`;
    }
    if (this.c.chance(0.08)) return `{ ... on ${type.name} { ${body} } }`;
    return `{ ${body} }`;
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const alias = this.c.chance(0.1) ? `a${this.next()}: ` : '';
    const args = field.args
      .filter(
        (arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || this.c.chance(0.35),
      )
      .map((arg) => `${arg.name}: ${this.argument(arg.type)}`);
    if (this.wrong(0.02)) args.push('bogus: 1');
    const named = getNamedType(field.type);
    let selection = '';
    if (isObjectType(named)) {
      if (!this.wrong(0.02)) selection = ` ${this.selectFields(named, depth + 1)}`;
    } else if (this.wrong(0.02)) selection = ' { id }';
    return `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection}`;
  }

  /** An argument's value: a literal, or a variable declared with (mostly) the argument's type. */
  private argument(type: GraphQLInputType): string {
    const wrong = this.wrong();
    if (this.c.chance(0.35)) {
      const name = `v${this.next()}`;
      const declared = this.wrong(0.3) ? this.c.pick(WRONG_TYPE_NAMES) : String(type);
      const value = this.wrong(0.1)
        ? undefined
        : wrong
          ? this.wrongValue(0)
          : this.valueOf(type, 0);
      this.variables.push({ name, type: declared, value });
      return `$${name}`;
    }
    return printLiteral(wrong ? this.wrongValue(0) : this.valueOf(type, 0), type);
  }

  /** A value of `type` as JSON (what a variable carries; literals print it). */
  private valueOf(type: GraphQLInputType, depth: number): unknown {
    if (isNonNullType(type)) return this.presentValueOf(type.ofType, depth);
    return this.c.chance(0.08) ? null : this.presentValueOf(type, depth);
  }

  private presentValueOf(type: GraphQLInputType, depth: number): unknown {
    if (isNonNullType(type)) return this.presentValueOf(type.ofType, depth);
    if (isListType(type)) {
      const items = this.c.chance(0.02) ? this.c.int(50, 300) : this.c.int(0, 3);
      return Array.from({ length: items }, () => this.valueOf(type.ofType, depth + 1));
    }
    if (isInputObjectType(type)) {
      const value: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (required || (depth < 4 && this.c.chance(0.4)))
          value[field.name] = this.valueOf(field.type, depth + 1);
      }
      if (this.wrong(0.05)) value.extraField = 'x';
      return value;
    }
    if (isEnumType(type)) return this.c.pick(type.getValues()).name;
    return this.leafValue(type.name);
  }

  private leafValue(scalar: string): unknown {
    switch (scalar) {
      case 'Int':
        return this.c.pick([
          0,
          1,
          5,
          20,
          100,
          -1,
          this.c.int(-1000, 1000),
          2147483647,
          -2147483648,
        ]);
      case 'Float':
        return this.c.draw(fc.double({ noNaN: true, noDefaultInfinity: true }));
      case 'Boolean':
        return this.c.chance(0.5);
      case 'DateTime':
        return this.c.pick([
          '2024-01-01T00:00:00Z',
          '2025-06-30T12:00:00.000Z',
          new Date(Date.UTC(2020 + this.c.int(0, 6), this.c.int(0, 11), 1)).toISOString(),
          ...(this.options.wrongTypes > 0 ? ['2024-13-45T99:00:00Z', '', 'yesterday'] : []),
        ]);
      default:
        return this.text();
    }
  }

  private text(): string {
    if (this.options.knownValues.length && this.c.chance(0.5))
      return this.c.pick(this.options.knownValues);
    if (this.c.chance(0.02)) return 'x'.repeat(this.c.int(1_000, 60_000));
    return this.c.draw(
      fc.oneof(
        { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
        { weight: 1, arbitrary: fc.constantFrom('%', '_', "' or 1=1 --", '\u0000', '\u202e') },
      ),
    );
  }

  /** Any JSON, of whatever shape the argument does not take. */
  private wrongValue(depth: number): unknown {
    switch (this.c.int(0, depth > 2 ? 5 : 7)) {
      case 0:
        return this.c.pick([1e30, -0.5, 2147483648, 3.14, Number.MAX_SAFE_INTEGER]);
      case 1:
        return this.c.chance(0.5);
      case 2:
        return this.text();
      case 3:
        return null;
      case 4:
        return '';
      case 5:
        return this.c.int(-5, 5);
      case 6:
        return Array.from({ length: this.c.int(0, 3) }, () => this.wrongValue(depth + 1));
      default:
        return { a: this.wrongValue(depth + 1), nested: { b: this.wrongValue(depth + 1) } };
    }
  }
}

/** A JSON value as a GraphQL literal; enum names print bare when `type`'s named type is an enum. */
export function printLiteral(value: unknown, type?: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string')
    return type && isEnumType(getNamedType(type)) && NAME.test(value)
      ? value
      : JSON.stringify(value);
  const inner = type && (isNonNullType(type) ? type.ofType : type);
  if (Array.isArray(value))
    return `[${value.map((item) => printLiteral(item, inner && isListType(inner) ? inner.ofType : undefined)).join(', ')}]`;
  const fields = inner && isInputObjectType(inner) ? inner.getFields() : {};
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([key]) => NAME.test(key))
    .map(([key, item]) => `${key}: ${printLiteral(item, fields[key]?.type)}`)
    .join(', ')}}`;
}

/** Tokens for document soup: punctuation, keywords, names from the schema, odd strings. */
function tokensOf(schema: GraphQLSchema): string[] {
  const names = Object.keys(schema.getQueryType()!.getFields()).slice(0, 30);
  return [
    ...'{}()[]:$!@=|&,'.split(''),
    '...',
    'query',
    'mutation',
    'subscription',
    'fragment',
    'on',
    'true',
    'false',
    'null',
    '__typename',
    '__schema',
    '"str"',
    '"""block"""',
    '"unterminated',
    '#comment\n',
    '1',
    '-0.5e10',
    '0x1F',
    '\u0000',
    '\\',
    '\u{1F600}',
    '\ufeff',
    ...names,
  ];
}

/** Documents that are not valid: a parser, a validator or a limit must refuse them as the client's error. */
export function brokenDocumentArbitrary(
  schema: GraphQLSchema,
  valid: fc.Arbitrary<GeneratedOperation>,
): fc.Arbitrary<string> {
  const tokens = tokensOf(schema);
  const soup = chosen((c) =>
    Array.from({ length: c.int(1, 60) }, () => c.pick(tokens)).join(c.pick([' ', '', '\n'])),
  );
  const truncated = fc
    .tuple(valid, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([{ query }, at]) => query.slice(0, Math.floor(query.length * at)));
  const unbalanced = fc
    .tuple(valid, fc.nat(), fc.constantFrom('{', '}', '(', ')', '[', ']', '"'))
    .map(([{ query }, at, token]) => {
      const index = at % (query.length + 1);
      return query.slice(0, index) + token + query.slice(index);
    });
  const deep = chosen((c) => {
    const depth = c.pick([10, 100, 1_000, 10_000, c.int(1, 150_000)]);
    switch (c.int(0, 4)) {
      case 0:
        return `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`;
      case 1:
        return `{ orders(first: ${'['.repeat(depth)}1${']'.repeat(depth)}) { totalCount } }`;
      case 2:
        return `{ __typename ${'... on Query { '.repeat(depth)}${'}'.repeat(depth)} }`;
      case 3:
        return `{ order(id: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}) { id } }`;
      default:
        return `${'{'.repeat(depth)}`;
    }
  });
  const wide = chosen((c) => {
    const count = c.pick([100, 1_000, c.int(1, 30_000)]);
    const field = c.pick(['__typename', 'categories { id }', 'orders { totalCount }']);
    return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
  });
  const known = fc.constantFrom(
    'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }',
    '{ __typename @skip(if: $nope) }',
    '{ __typename @include(if: "yes") }',
    '{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }',
    '{ __type(name: "Order") { fields { name args { name } } } }',
    'subscription { __typename }',
    'query { __typename } query { __typename }',
    'mutation { __typename }',
    'query Q($a: Int = "x") { __typename }',
    '',
    '   \n\t ',
    '# only a comment',
    '{ orders(first: 100) { edges { node { lines { product { availability { warehouse { id } } } } } } } }',
  );
  return fc.oneof(
    { weight: 3, arbitrary: soup },
    { weight: 2, arbitrary: truncated },
    { weight: 2, arbitrary: unbalanced },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: wide },
    { weight: 2, arbitrary: known },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  );
}
