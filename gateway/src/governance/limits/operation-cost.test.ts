import path from 'node:path';
import { buildSchema as buildCoreSchema } from '@apollo/federation-internals';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { REPO_ROOT } from '../../config';
import { SupergraphSource } from '../../supergraph-manager';
import { loadSupergraph } from '../../supergraph-config';
import { supergraphDirectivesOf } from '../../supergraph-directives';
import { costVariablesOf, operationCost, type CostOptions } from './operation-cost';

const SDL = /* GraphQL */ `
  schema
    @link(url: "https://specs.apollo.dev/link/v1.0")
    @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) {
    query: Query
    mutation: Mutation
  }
  directive @link(url: String, as: String, import: [link__Import]) repeatable on SCHEMA
  directive @cost(
    weight: Int!
  ) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(
    assumedSize: Int
    slicingArguments: [String!]
    sizedFields: [String!]
    requireOneSlicingArgument: Boolean = true
  ) on FIELD_DEFINITION
  scalar link__Import

  type Query {
    customer(id: ID!): Customer
    customers(first: Int, after: String): CustomerConnection!
      @listSize(
        slicingArguments: ["first"]
        sizedFields: ["edges"]
        requireOneSlicingArgument: false
      )
    tags: [String!]!
    featured: [Product!]! @listSize(assumedSize: 3)
    search(text: String!, exhaustive: Boolean @cost(weight: 50)): [SearchResult!]!
      @listSize(assumedSize: 10)
  }
  type Mutation {
    placeOrder(sku: String!): Order
  }
  union SearchResult = Customer | Product
  type CustomerConnection {
    edges: [CustomerEdge!]!
    totalCount: Int!
  }
  type CustomerEdge {
    cursor: String!
    node: Customer!
  }
  type Customer {
    id: ID!
    name: String!
    parent: Customer
    creditExposure: Money! @cost(weight: 5)
    orders(first: Int = 10): [Order!]! @listSize(slicingArguments: ["first"])
  }
  type Order {
    id: ID!
    lines: [OrderLine!]!
  }
  type OrderLine {
    sku: String!
  }
  type Product @cost(weight: 3) {
    sku: String!
    price: Money! @cost(weight: 5)
  }
  type Money {
    amount: String!
  }
`;

const schema = buildSchema(SDL, { assumeValidSDL: true });
const directives = supergraphDirectivesOf(buildCoreSchema(SDL));

function costOf(
  query: string,
  variables: Record<string, unknown> = {},
  options: CostOptions = {},
): number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return operationCost(schema, document, operation, variables, directives, options);
}

describe('operation cost', () => {
  test('an object costs 1 and its scalars nothing', () => {
    expect(costOf('{ customer(id: 1) { id name } }')).toBe(1);
  });

  test('@cost on a field replaces the weight of the type it returns', () => {
    expect(costOf('{ customer(id: 1) { creditExposure { amount } } }')).toBe(1 + 5);
  });

  test('@cost on a type weighs every field returning it, and a field weight wins over it', () => {
    expect(costOf('{ featured { sku } }')).toBe(3 * 3);
    expect(costOf('{ featured { price { amount } } }')).toBe(3 * (3 + 5));
  });

  test('a connection sizes its edges by `first`, given literally or through a variable', () => {
    const query = 'query($n: Int) { customers(first: $n) { totalCount edges { node { name } } } }';
    expect(costOf('{ customers(first: 5) { totalCount edges { node { name } } } }')).toBe(
      1 + 5 * (1 + 1),
    );
    expect(costOf(query, { n: 50 })).toBe(1 + 50 * 2);
    expect(costOf('query($n: Int = 7) { customers(first: $n) { edges { node { id } } } }')).toBe(
      1 + 7 * 2,
    );
    // A variable not sent takes its default, even when its name is an Object.prototype member.
    expect(
      costOf(
        'query($constructor: Int = 7) { customers(first: $constructor) { edges { node { id } } } }',
      ),
    ).toBe(1 + 7 * 2);
  });

  test('without a slicing argument a list takes the configured default size', () => {
    expect(costOf('{ customers { edges { node { id } } } }')).toBe(1 + 20 * 2);
    expect(costOf('{ customers { edges { node { id } } } }', {}, { defaultListSize: 3 })).toBe(
      1 + 3 * 2,
    );
    expect(
      costOf(
        '{ customer(id: 1) { parent { orders { lines { sku } } } } }',
        {},
        { defaultListSize: 4 },
      ),
    ).toBe(1 + 1 + 10 * (1 + 4 * 1));
  });

  test('nested lists multiply: customers(first: n) of orders(first: m) of lines', () => {
    const query =
      'query($n: Int, $m: Int) { customers(first: $n) { edges { node { orders(first: $m) { id lines { sku } } } } } }';
    const orders = (m: number) => m * (1 + 20 * 1);
    expect(costOf(query, { n: 10, m: 5 })).toBe(1 + 10 * (1 + 1 + orders(5)));
    // `orders` without a value for $m falls back to the argument's schema default (10).
    expect(costOf(query, { n: 10 })).toBe(1 + 10 * (1 + 1 + orders(10)));
  });

  test('fragments count where they are spread, once per selection set', () => {
    const query = `
      query { customers(first: 2) { ...Page ...Page } }
      fragment Page on CustomerConnection { edges { node { ...Credit } } }
      fragment Credit on Customer { creditExposure { amount } }`;
    expect(costOf(query)).toBe(1 + 2 * (1 + 1 + 5));
  });

  test('on a union the most expensive member counts, and a weighted argument adds its weight when given', () => {
    const query =
      '{ search(text: "x") { ... on Customer { creditExposure { amount } } ... on Product { price { amount } } } }';
    expect(costOf(query)).toBe(10 * Math.max(1 + 5, 3 + 5));
    expect(costOf(query.replace('text: "x"', 'text: "x", exhaustive: true'))).toBe(10 * 8 + 50);
  });

  test('a mutation root field costs at least the mutation weight', () => {
    expect(costOf('mutation { placeOrder(sku: "x") { id } }')).toBe(10);
    expect(costOf('mutation { placeOrder(sku: "x") { id } }', {}, { mutationWeight: 25 })).toBe(25);
  });

  test('@skip and @include leave out what they exclude, from literals or variables', () => {
    const query =
      'query($s: Boolean!) { customer(id: 1) { creditExposure @skip(if: $s) { amount } } }';
    expect(costOf(query, { s: true })).toBe(1);
    expect(costOf(query, { s: false })).toBe(6);
    expect(costOf('{ customer(id: 1) { creditExposure @include(if: false) { amount } } }')).toBe(1);
  });

  test('introspection is free', () => {
    expect(costOf('{ __schema { types { name fields { name } } } __typename }')).toBe(0);
  });

  test('a fragment bomb is measured in linear time and reports its full expansion', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Customer { id }`
        : `fragment F${i} on Customer { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }`,
    );
    // F(i) = 2 × (1 + F(i + 1)), F(last) = 0, so F(0) = 2^levels − 2.
    expect(costOf(`{ customer(id: 1) { ...F0 } } ${fragments.join('\n')}`)).toBe(
      1 + 2 ** levels - 2,
    );
  });

  test('only variables given to slicing arguments or @skip/@include change the cost', () => {
    const document = parse(`
      query($n: Int, $id: ID!, $s: Boolean!, $text: String!) { customer(id: $id) { orders(first: $n) { id } name @skip(if: $s) } ...Search }
      fragment Search on Query { search(text: $text) { __typename } customers(first: $n) { totalCount } }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(costVariablesOf(document, operation, directives).names).toEqual(['n', 's']);
  });

  test('renamed cost directives are found through the @link that renames them', () => {
    const renamed = SDL.replace('import: ["@listSize"]', 'as: "demand"')
      .replace(/@cost\b/g, '@demand')
      .replace(/@listSize\b/g, '@demand__listSize');
    const found = supergraphDirectivesOf(buildCoreSchema(renamed));
    expect(found.costs.get('Customer.creditExposure')).toBe(5);
    expect(found.costs.get('Product')).toBe(3);
    expect(found.listSizes.get('Query.featured')).toEqual({
      assumedSize: 3,
      requireOneSlicingArgument: true,
    });
  });
});

describe('operation cost on the Switchyard supergraph', () => {
  const supergraph = new SupergraphSource(loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')));
  const real = supergraph.directives;

  test('composition keeps the subgraphs’ @cost and @listSize', () => {
    expect(real.costs.get('Product.price')).toBe(5);
    expect(real.costs.get('Customer.creditExposure')).toBe(5);
    expect(real.costs.get('Customer.aging')).toBe(5);
    expect(real.listSizes.get('Query.orders')).toMatchObject({
      slicingArguments: ['first'],
      sizedFields: ['edges'],
      assumedSize: 20,
    });
    expect(real.listSizes.get('Customer.orders')).toMatchObject({
      slicingArguments: ['first'],
      sizedFields: ['edges'],
    });
  });

  test('pricing a page of products costs per product', () => {
    const query =
      'query($n: Int) { products(first: $n) { edges { node { sku price(quantity: 1) { unitPrice { amount } } } } } }';
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const cost = (n: number) =>
      operationCost(supergraph.apiSchema(), document, operation, { n }, real);
    // products 1 + n × (edge 1 + node 1 + price 5 + unitPrice 1)
    expect(cost(10)).toBe(1 + 10 * 8);
    expect(cost(100)).toBe(1 + 100 * 8);
  });
});
