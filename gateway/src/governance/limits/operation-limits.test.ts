import { createHash } from 'node:crypto';
import path from 'node:path';
import { getOperationAST, parse } from 'graphql';
import { REPO_ROOT } from '../../config';
import type { GatewayContext } from '../../context';
import { SupergraphSource } from '../../supergraph-manager';
import { composeSupergraph, loadSupergraph } from '../../supergraph-config';
import type { Consumer } from '../consumer';
import { GovernanceError } from '../errors';
import {
  countTokens,
  createOperationLimitsModule,
  operationShape,
  type OperationLimitsModule,
} from './operation-limits';
import { governancePlugin } from '../operation-plugin';

const shapeOf = (query: string) => {
  const document = parse(query);
  return operationShape(document, getOperationAST(document)!);
};

describe('operation shape', () => {
  test('depth counts nested fields, through fragments and inline fragments', () => {
    expect(shapeOf('{ a }').depth).toBe(1);
    expect(shapeOf('{ a { b { c } } d }').depth).toBe(3);
    expect(shapeOf('{ a { ...F } } fragment F on T { b { ... on U { c { d } } } }').depth).toBe(4);
  });

  test('aliases count every aliased field, once per spread of the fragment holding it', () => {
    expect(shapeOf('{ x: a y: a { z: b } c }').aliases).toBe(3);
    expect(shapeOf('{ a { ...F } b { ...F } } fragment F on T { p: c q: c }').aliases).toBe(4);
  });

  test('root fields count the operation’s top-level fields, fragments expanded, a fragment spread twice counted once', () => {
    expect(shapeOf('{ a b c { d e } }').rootFields).toBe(3);
    expect(
      shapeOf('{ a ...R ...R ... on Query { d } } fragment R on Query { b c }').rootFields,
    ).toBe(4);
  });

  test('introspection adds no depth', () => {
    expect(
      shapeOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } a }').depth,
    ).toBe(1);
  });
});

describe('token count', () => {
  test('counts lexer tokens, not comments, and stops at a syntax error', () => {
    expect(countTokens('{ a }')).toBe(3);
    // query Q ( $ n : Int = 5 ) { a ( first : $ n ) }
    expect(countTokens('query Q($n: Int = 5) { a(first: $n) }')).toBe(19);
    expect(countTokens('# a comment\n{ a }')).toBe(3);
    expect(countTokens('{ a "unterminated }')).toBe(2);
  });
});

describe('operation limits module', () => {
  const supergraph = new SupergraphSource(loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')));
  const limits = createOperationLimitsModule(
    {
      tiers: {
        bronze: { depth: 4, aliases: 2, rootFields: 2, tokens: 60, cost: 100 },
        gold: { depth: 10, aliases: 30, rootFields: 10, tokens: 1000, cost: 5000 },
      },
    },
    { supergraph },
  );
  const consumer = (tier: string): Consumer => ({
    id: `test-${tier}`,
    name: tier,
    kind: 'internal',
    scopes: [],
    tenant: null,
    tier,
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  });

  /** Runs a request through the module's hooks as the gateway does; returns its context. */
  async function run(
    module: OperationLimitsModule,
    tier: string | null,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    const context: GatewayContext = {
      correlationId: 'test',
      startedAt: 0,
      consumer: tier ? consumer(tier) : null,
      client: { name: null, version: null },
      governance: {},
    };
    await module.onRequest!({
      method: 'POST',
      headers: {},
      body: { query, variables },
      context,
      responseHeaders: {},
    });
    const document = parse(query);
    const operation = getOperationAST(document)!;
    const listener = await governancePlugin([module])!.requestDidStart!({} as never);
    await listener!.didResolveOperation!({
      document,
      operation,
      source: query,
      queryHash: createHash('sha256').update(query).digest('hex'),
      operationName: operation.name?.value ?? null,
      request: { query, variables },
      contextValue: context,
    } as never);
    return context;
  }

  async function refusal(
    tier: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GovernanceError> {
    const error = await run(limits, tier, query, variables).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof GovernanceError))
      throw new Error(`expected a GovernanceError, got ${error}`);
    return error;
  }

  const deep = '{ orders(first: 1) { edges { node { customer { name } } } } }'; // depth 5, cost 1 + 1 × (1 + 1 + 1)
  test('an operation within its tier’s limits passes, with its cost in the context', async () => {
    const context = await run(limits, 'gold', deep);
    expect(context.governance.cost).toBe(4);
  });

  test.each([
    [
      'depth',
      deep,
      {},
      { max: 4, actual: 5 },
      /nested 5 fields deep; the limit of tier bronze is 4/,
    ],
    [
      'aliases',
      '{ a: customers(first: 1) { totalCount } b: customers(first: 1) { totalCount } c: products(first: 1) { totalCount } }',
      {},
      { max: 2, actual: 3 },
      /uses 3 aliases/,
    ],
    [
      'rootFields',
      '{ customers(first: 1) { totalCount } products(first: 1) { totalCount } orders(first: 1) { totalCount } }',
      {},
      { max: 2, actual: 3 },
      /selects 3 root fields/,
    ],
    [
      'cost',
      'query($n: Int) { products(first: $n) { edges { node { sku } } } }',
      { n: 60 },
      { max: 100, actual: 1 + 60 * 2 },
      /costs 121; the limit of tier bronze is 100/,
    ],
  ])(
    '%s over the tier’s limit is OPERATION_LIMIT_EXCEEDED with the figures',
    async (limit, query, variables, figures, message) => {
      const error = await refusal('bronze', query, variables);
      expect(error.status).toBe(400);
      expect(error.extensions).toMatchObject({
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit,
        ...figures,
      });
      expect(error.message).toMatch(message);
    },
  );

  test('tokens over the limit are refused before parsing, even when the document would not parse', async () => {
    const query = `{ ${'a '.repeat(100)}`;
    const context: GatewayContext = {
      correlationId: 't',
      startedAt: 0,
      consumer: consumer('bronze'),
      client: { name: null, version: null },
      governance: {},
    };
    let error: unknown;
    try {
      await limits.onRequest!({
        method: 'POST',
        headers: {},
        body: { query },
        context,
        responseHeaders: {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GovernanceError);
    expect((error as GovernanceError).extensions).toMatchObject({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'tokens',
      max: 60,
      actual: 101,
    });
  });

  test('the same document costs according to its variables each time, though its analysis is cached', async () => {
    const query =
      'query($n: Int) { products(first: $n) { edges { node { price(quantity: 1) { rule } } } } }';
    expect((await run(limits, 'gold', query, { n: 10 })).governance.cost).toBe(1 + 10 * 7);
    expect((await run(limits, 'gold', query, { n: 2 })).governance.cost).toBe(1 + 2 * 7);
    expect((await run(limits, 'gold', query, { n: 10 })).governance.cost).toBe(1 + 10 * 7);
  });

  test('a consumer of another tier, or of a tier without limits, is not held to bronze’s', async () => {
    await expect(refusal('bronze', deep)).resolves.toBeInstanceOf(GovernanceError);
    await expect(run(limits, 'gold', deep)).resolves.toBeDefined();
    expect((await run(limits, 'platinum', deep)).governance.cost).toBe(4);
    expect((await run(limits, null, deep)).governance.cost).toBe(4);
  });

  test('cost counts @cost and @listSize under the names a subgraph imports them as, and the new ones after a swap', async () => {
    const priced = (weight: number) =>
      composeSupergraph([
        {
          name: 'catalog',
          url: 'http://127.0.0.1:9/catalog',
          sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", {name: "@cost", as: "@price"}, {name: "@listSize", as: "@pageSize"}])
type Query { products(first: Int = 5): [Product!]! @pageSize(slicingArguments: ["first"]) }
type Product @key(fields: "id") { id: ID! unitPrice: Int @price(weight: ${weight}) }`,
        },
      ]);
    const catalog = new SupergraphSource(priced(7));
    expect(catalog.current).toContain('{name: "@cost", as: "@price"}');
    const module = createOperationLimitsModule({ tiers: {} }, { supergraph: catalog });
    const query = 'query($n: Int) { products(first: $n) { unitPrice } }';
    // products: n × (Product 1 + unitPrice's weight)
    expect((await run(module, 'gold', query, { n: 10 })).governance.cost).toBe(10 * (1 + 7));
    expect((await run(module, 'gold', query)).governance.cost).toBe(5 * (1 + 7));
    catalog.update(priced(3));
    expect((await run(module, 'gold', query, { n: 10 })).governance.cost).toBe(10 * (1 + 3));
  });

  test('a negative or fractional limit in the config is refused when the module is built', () => {
    expect(() =>
      createOperationLimitsModule({ tiers: { bronze: { depth: -1 } } }, { supergraph }),
    ).toThrow('limits.tiers.bronze.depth must be a whole number');
    expect(() =>
      createOperationLimitsModule({ tiers: { bronze: { cost: 1.5 } } }, { supergraph }),
    ).toThrow('limits.tiers.bronze.cost');
  });
});
