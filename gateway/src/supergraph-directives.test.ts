import { buildSchema, Supergraph } from '@apollo/federation-internals';
import { supergraphForExecution } from './security-features';
import { composeSupergraph } from './supergraph-config';
import { supergraphDirectivesOf } from './supergraph-directives';
import { SupergraphSource } from './supergraph-manager';

/** One subgraph linking Federation 2.9 with `imports`, composed into a real supergraph. */
function composed(imports: string, body: (name: (directive: string) => string) => string) {
  const aliases = new Map<string, string>();
  for (const match of imports.matchAll(/\{name: "@(\w+)", as: "@(\w+)"\}/g))
    aliases.set(match[1], match[2]);
  const prefix = /^, as: "(\w+)"/.exec(imports)?.[1];
  const name = (directive: string) =>
    aliases.get(directive) ?? (prefix ? `${prefix}__${directive}` : directive);
  return composeSupergraph([
    {
      name: 'orders',
      url: 'http://127.0.0.1:9/orders',
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9"${imports})
${body(name)}`,
    },
  ]);
}

/** The same governed schema whatever the directives are called. */
const ORDERS = (d: (directive: string) => string) => `
type Query {
  orders(first: Int, status: String @${d('tag')}(name: "partner")): [Order!]!
    @${d('listSize')}(slicingArguments: ["first"], requireOneSlicingArgument: false)
    @${d('tag')}(name: "stage:capture") @${d('tag')}(name: "partner")
  secret: String @${d('requiresScopes')}(scopes: [["orders:read", "credit:read"], ["admin"]]) @${d('authenticated')}
  ruled: String @${d('policy')}(policies: [["credit-controller"]])
}
type Order @key(fields: "id") @${d('requiresScopes')}(scopes: [["orders:read"]]) @${d('cost')}(weight: 2) {
  id: ID!
  total: Int @${d('cost')}(weight: 5)
  status: Status
}
enum Status { OPEN HELD @${d('tag')}(name: "internal") }
input Filter { note: String @${d('tag')}(name: "internal") }
type Mutation { hold(filter: Filter): Order }
`;

const EVERY_DIRECTIVE = [
  'requiresScopes',
  'authenticated',
  'policy',
  'tag',
  'cost',
  'listSize',
] as const;

function expectTheOrdersSchema(sdl: string) {
  const directives = supergraphDirectivesOf(
    Supergraph.build(sdl, { supportedFeatures: null }).schema,
  );
  expect(directives.authorization.fields.get('Query.secret')).toEqual({
    authenticated: true,
    requiresScopes: [['orders:read', 'credit:read'], ['admin']],
    policies: null,
  });
  expect(directives.authorization.fields.get('Query.ruled')).toEqual({
    authenticated: false,
    requiresScopes: null,
    policies: [['credit-controller']],
  });
  expect(directives.authorization.types.get('Order')?.requiresScopes).toEqual([['orders:read']]);
  expect(Object.fromEntries([...directives.tags].map(([at, names]) => [at, [...names]]))).toEqual({
    'Query.orders': ['stage:capture', 'partner'],
    'Query.orders(status:)': ['partner'],
    'Status.HELD': ['internal'],
    'Filter.note': ['internal'],
  });
  expect(Object.fromEntries(directives.costs)).toEqual({ Order: 2, 'Order.total': 5 });
  expect(directives.listSizes.get('Query.orders')).toEqual({
    slicingArguments: ['first'],
    requireOneSlicingArgument: false,
  });
  expect([...directives.slicingArgumentNames]).toEqual(['first']);
  for (const feature of Object.values(directives.features)) expect(feature.problems).toEqual([]);
  return directives;
}

describe('supergraph directive index', () => {
  test('reads every governance directive under its default name, with the linked feature and version', () => {
    const directives = expectTheOrdersSchema(
      composed(`, import: ["@key", ${EVERY_DIRECTIVE.map((d) => `"@${d}"`).join(', ')}]`, ORDERS),
    );
    expect(directives.features.requiresScopes).toMatchObject({
      url: 'https://specs.apollo.dev/requiresScopes/v0.1',
      identity: 'https://specs.apollo.dev/requiresScopes',
      version: 'v0.1',
      directiveNames: { requiresScopes: 'requiresScopes' },
    });
    expect(directives.features.cost?.directiveNames).toEqual({
      cost: 'cost',
      listSize: 'listSize',
    });
  });

  test('reads directives a subgraph imported under another name (import: [{name, as}])', () => {
    const sdl = composed(
      ', import: ["@key", {name: "@requiresScopes", as: "@scopes"}, {name: "@authenticated", as: "@signedIn"}, {name: "@policy", as: "@rule"}, {name: "@tag", as: "@label"}, {name: "@cost", as: "@price"}, {name: "@listSize", as: "@pageSize"}]',
      ORDERS,
    );
    expect(sdl).toContain('import: [{name: "@requiresScopes", as: "@scopes"}]');
    const directives = expectTheOrdersSchema(sdl);
    expect(directives.features.requiresScopes?.directiveNames).toEqual({
      requiresScopes: 'scopes',
    });
    expect(directives.features.cost?.directiveNames).toEqual({
      cost: 'price',
      listSize: 'pageSize',
    });
  });

  test('reads directives of a federation link renamed with as: (@fed__tag ...)', () => {
    const sdl = composed(', as: "fed", import: ["@key"]', ORDERS);
    expect(sdl).toContain('@fed__requiresScopes(scopes:');
    expectTheOrdersSchema(sdl);
  });

  test('reads a feature the supergraph links under another prefix (@link(as:))', () => {
    // Composition writes imports; a supergraph may as well link a feature under a prefix of its own.
    let sdl = composed(
      `, import: ["@key", ${EVERY_DIRECTIVE.map((d) => `"@${d}"`).join(', ')}]`,
      ORDERS,
    );
    for (const [from, to] of [
      [
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "access", for: SECURITY)',
      ],
      ['@requiresScopes(', '@access('],
      ['requiresScopes__Scope', 'access__Scope'],
      [
        '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
        '@link(url: "https://specs.apollo.dev/cost/v0.1", as: "demand")',
      ],
      ['@cost(', '@demand('],
      ['@listSize(', '@demand__listSize('],
    ]) {
      expect(sdl).toContain(from);
      sdl = sdl.replaceAll(from, to);
    }
    const directives = expectTheOrdersSchema(sdl);
    expect(directives.features.requiresScopes?.directiveNames).toEqual({
      requiresScopes: 'access',
    });
    expect(directives.features.cost?.directiveNames).toEqual({
      cost: 'demand',
      listSize: 'demand__listSize',
    });
  });

  test('a directive of another feature that has the same name does not count', () => {
    // Federation's @tag is imported as @label, and a custom @tag (another spec) is composed in.
    const sdl = composeSupergraph([
      {
        name: 'orders',
        url: 'http://127.0.0.1:9/orders',
        sdl: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective", {name: "@tag", as: "@label"}])
  @link(url: "https://specs.example.com/labels/v1.0", import: ["@tag", "@requiresScopes"])
  @composeDirective(name: "@tag") @composeDirective(name: "@requiresScopes")
directive @tag(name: String!) on FIELD_DEFINITION
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
type Query {
  orders: [Int!]! @label(name: "stage:capture") @tag(name: "stage:fulfil") @requiresScopes(scopes: [["x"]])
}`,
      },
    ]);
    expect(sdl).toContain('@tag(name: "stage:fulfil")');
    expect(sdl).toContain('@requiresScopes(scopes: [["x"]])');
    const directives = supergraphDirectivesOf(
      Supergraph.build(sdl, { supportedFeatures: null }).schema,
    );
    expect(Object.fromEntries([...directives.tags].map(([at, names]) => [at, [...names]]))).toEqual(
      { 'Query.orders': ['stage:capture'] },
    );
    expect(directives.features.requiresScopes).toBeUndefined();
    expect(directives.authorization.fields.size).toBe(0);
  });

  test('an unknown version, a definition not of the spec and misshapen arguments are problems, left out of the index', () => {
    const base = composed(
      `, import: ["@key", ${EVERY_DIRECTIVE.map((d) => `"@${d}"`).join(', ')}]`,
      ORDERS,
    );
    const read = (sdl: string) =>
      supergraphDirectivesOf(Supergraph.build(sdl, { supportedFeatures: null }).schema);

    const unknownVersion = read(base.replace('requiresScopes/v0.1', 'requiresScopes/v0.9'));
    expect(unknownVersion.features.requiresScopes?.version).toBe('v0.9');
    expect(unknownVersion.features.requiresScopes?.problems).toEqual([
      expect.stringContaining('version v0.9 is not one this gateway reads (v0.1)'),
    ]);

    const extraArgument = read(
      base.replace(
        'directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!)',
        'directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!, unless: String)',
      ),
    );
    expect(extraArgument.features.requiresScopes?.problems).toEqual([
      expect.stringContaining('unknown/unsupported argument "unless"'),
    ]);
    expect(extraArgument.authorization.fields.get('Query.secret')?.requiresScopes).toBeNull();

    // graphql-js accepts a lone string for a list of lists (input coercion): so does the index.
    const lone = read(base.replace('[["orders:read"]]', '"orders:read"'));
    expect(lone.authorization.types.get('Order')?.requiresScopes).toEqual([['orders:read']]);
  });

  test('reads a linked schema that is not a supergraph (a core schema built by federation-internals)', () => {
    const directives = supergraphDirectivesOf(
      buildSchema(`
        schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/cost/v0.1", as: "demand") { query: Query }
        directive @link(url: String, as: String, import: [link__Import]) repeatable on SCHEMA
        scalar link__Import
        directive @demand(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
        directive @demand__listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
        type Query { products(first: Int): [Int!]! @demand__listSize(slicingArguments: "first") @demand(weight: 3) }
      `),
    );
    expect(directives.costs.get('Query.products')).toBe(3);
    expect(directives.listSizes.get('Query.products')).toEqual({
      slicingArguments: ['first'],
      requireOneSlicingArgument: true,
    });
  });
});

describe('the directive index of the supergraph served', () => {
  const withScopes = (scopes: string) =>
    composed(
      ', import: ["@key", {name: "@requiresScopes", as: "@scopes"}]',
      (d) => `type Query { secret: String @${d('requiresScopes')}(scopes: [["${scopes}"]]) }`,
    );

  test('is rebuilt when the supergraph is swapped', () => {
    const source = new SupergraphSource(withScopes('a'));
    expect(source.directives.authorization.fields.get('Query.secret')?.requiresScopes).toEqual([
      ['a'],
    ]);
    source.update(withScopes('b'));
    expect(source.directives.authorization.fields.get('Query.secret')?.requiresScopes).toEqual([
      ['b'],
    ]);
  });

  test('a guard that refuses a supergraph keeps the current one served, and listeners untold', () => {
    const source = new SupergraphSource(withScopes('a'));
    const swaps: string[] = [];
    source.onUpdate((updated) => swaps.push(updated.current));
    source.guard((directives) => {
      if (directives.authorization.fields.get('Query.secret')?.requiresScopes?.[0][0] === 'z')
        throw new Error('scope z is not enforceable');
    });
    expect(() => source.update(withScopes('z'))).toThrow('scope z is not enforceable');
    expect(() => source.update('not a supergraph')).toThrow();
    expect(source.current).toBe(withScopes('a'));
    expect(swaps).toEqual([]);
    expect(() =>
      source.guard(() => {
        throw new Error('refused now');
      }),
    ).toThrow('refused now');
  });

  test('the executor loads a supergraph whose security features are imported under other names', () => {
    const sdl = withScopes('a');
    expect(() => Supergraph.build(sdl)).toThrow(/requiresScopes\/v0.1 is for: SECURITY/);
    expect(() => Supergraph.build(supergraphForExecution(sdl, 'governance'))).not.toThrow();
  });
});
