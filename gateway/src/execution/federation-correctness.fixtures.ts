/**
 * The correctness cases of issue 18, each a small supergraph (subgraph SDL and in-process
 * resolvers), operations, and the answer the Federation specification implies. Shared by
 * federation-correctness.test.ts (both gateways answer them) and bench's planner evaluation
 * (both planners plan them).
 */

import { composeServices } from '@apollo/composition';
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@requires", "@external", "@interfaceObject"])';

export interface CaseResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export interface CaseOperation {
  title: string;
  query: string;
  /** The exact answer, or for an answer that must carry errors, its data and that it has errors. */
  expected: CaseResult | { data: CaseResult['data']; someErrors: true };
  /**
   * What stock @apollo/gateway 2.14 answers when it is wrong (and why); absent where stock is
   * right, so the case is also a differential test against it.
   */
  stockWrong?: { answer: CaseResult; because: string };
}

export interface CorrectnessCase {
  /** The number for the case (1 to 5) and its name. */
  number: number;
  name: string;
  subgraphs: Record<string, { typeDefs: string; resolvers: Record<string, unknown> }>;
  operations: CaseOperation[];
}

const sdl = (body: string) => `${FEDERATION}\n${body}`;

// 1. A freight charge @requires the weights of the first 10 lines; the client asks for 2 lines.
const orderLines = Array.from({ length: 12 }, (_, index) => ({
  sku: `L${index + 1}`,
  weight: index + 1,
}));
const requiresWithArguments: CorrectnessCase = {
  number: 1,
  name: '@requires with arguments',
  subgraphs: {
    orders: {
      typeDefs: sdl(`
        type Query { order: Order }
        type Order @key(fields: "id") { id: ID! lines(first: Int!): [Line!]! }
        type Line @shareable { sku: ID! weight: Int! }`),
      resolvers: {
        Query: { order: () => ({ id: 'o1' }) },
        Order: {
          __resolveReference: (ref: { id: string }) => ref,
          lines: (_: unknown, { first }: { first: number }) => orderLines.slice(0, first),
        },
      },
    },
    shipping: {
      typeDefs: sdl(`
        type Order @key(fields: "id") {
          id: ID!
          lines(first: Int!): [Line!]! @external
          freight: Int! @requires(fields: "lines(first: 10) { weight }")
        }
        type Line @shareable { weight: Int! @external }`),
      resolvers: {
        Order: {
          __resolveReference: (ref: unknown) => ref,
          // 10 per weight unit of the lines it was given (the first 10 weigh 55).
          freight: ({ lines }: { lines: { weight: number }[] }) =>
            10 * lines.reduce((sum, line) => sum + line.weight, 0),
        },
      },
    },
  },
  operations: [
    {
      title: 'the client selects lines(first: 2) beside freight',
      query: '{ order { lines(first: 2) { sku weight } freight } }',
      expected: {
        data: {
          order: {
            lines: [
              { sku: 'L1', weight: 1 },
              { sku: 'L2', weight: 2 },
            ],
            freight: 550,
          },
        },
      },
      stockWrong: {
        // The planner merges the @requires selection into the client's `lines(first: 2)` and sends
        // shipping the client's 2 lines as `lines`: the freight of 3 weight units.
        answer: {
          data: {
            order: {
              lines: [
                { sku: 'L1', weight: 1 },
                { sku: 'L2', weight: 2 },
              ],
              freight: 30,
            },
          },
        },
        because: 'freight computed from the 2 lines the client asked for, not the 10 required',
      },
    },
    {
      title: 'freight alone (control)',
      query: '{ order { freight } }',
      expected: { data: { order: { freight: 550 } } },
    },
  ],
};

// 2. Two quotes each @require the carrier's rate for another service.
const rates: Record<string, number> = { GROUND: 5, EXPRESS: 12 };
const twoRequiresOfOneField: CorrectnessCase = {
  number: 2,
  name: 'two @requires of one field with different arguments',
  subgraphs: {
    carriers: {
      typeDefs: sdl(`
        enum Service { GROUND EXPRESS }
        type Query { shipment: Shipment }
        type Shipment @key(fields: "id") { id: ID! rate(service: Service!): Int! }`),
      resolvers: {
        Query: { shipment: () => ({ id: 's1' }) },
        Shipment: {
          __resolveReference: (ref: { id: string }) => ref,
          rate: (_: unknown, { service }: { service: string }) => rates[service],
        },
      },
    },
    quotes: {
      typeDefs: sdl(`
        enum Service { GROUND EXPRESS }
        type Shipment @key(fields: "id") {
          id: ID!
          rate(service: Service!): Int! @external
          groundQuote: String! @requires(fields: "rate(service: GROUND)")
          expressQuote: String! @requires(fields: "rate(service: EXPRESS)")
        }`),
      resolvers: {
        Shipment: {
          __resolveReference: (ref: unknown) => ref,
          groundQuote: ({ rate }: { rate: number }) => `ground at ${rate}`,
          expressQuote: ({ rate }: { rate: number }) => `express at ${rate}`,
        },
      },
    },
  },
  operations: [
    {
      title: 'both quotes in one operation',
      query: '{ shipment { groundQuote expressQuote } }',
      expected: {
        data: { shipment: { groundQuote: 'ground at 5', expressQuote: 'express at 12' } },
      },
      stockWrong: {
        // The planner keeps one `rate` in the representation (EXPRESS's) and drops GROUND's.
        answer: {
          data: { shipment: { groundQuote: 'ground at 12', expressQuote: 'express at 12' } },
        },
        because: "both quotes computed from EXPRESS's rate; GROUND's input is dropped",
      },
    },
    {
      title: 'the ground quote alone (control)',
      query: '{ shipment { groundQuote } }',
      expected: { data: { shipment: { groundQuote: 'ground at 5' } } },
    },
  ],
};

// 3. Products known by several keys; warehouse resolves them only by `id code { number batch }`.
const products = [
  { id: 'p1', sku: 'SKU-1', code: { region: 'EU', number: '7', batch: 'b1' }, name: 'Hammer' },
  { id: 'p2', sku: 'SKU-2', code: { region: 'US', number: '9', batch: 'b4' }, name: 'Rake' },
];
type ProductReference = { id?: string; name?: string };
const severalKeys: CorrectnessCase = {
  number: 3,
  name: 'keys that are not resolvable',
  subgraphs: {
    catalog: {
      typeDefs: sdl(`
        type Product
          @key(fields: "id")
          @key(fields: "sku", resolvable: false)
          @key(fields: "code { region number }", resolvable: false)
          @key(fields: "id code { number batch }", resolvable: false) {
          id: ID!
          sku: ID!
          code: Code!
          name: String!
        }
        type Code @shareable { region: ID! number: ID! batch: ID! }`),
      resolvers: {
        Product: {
          __resolveReference: (ref: ProductReference) =>
            products.find((product) => product.id === ref.id) ?? null,
        },
      },
    },
    warehouse: {
      typeDefs: sdl(`
        type Query { bin: Bin }
        type Bin @key(fields: "id") { id: ID! products: [Product!]! }
        type Product
          @key(fields: "code { region number }", resolvable: false)
          @key(fields: "id code { number batch }")
          @key(fields: "sku", resolvable: false)
          @key(fields: "id", resolvable: false) {
          id: ID!
          sku: ID!
          code: Code!
          name: String! @external
          label: String @requires(fields: "name")
        }
        type Code @shareable { region: ID! number: ID! batch: ID! }`),
      resolvers: {
        Query: { bin: () => ({ id: 'b1' }) },
        Bin: {
          __resolveReference: (ref: { id: string }) => ref,
          products: () => products.map(({ id, sku, code }) => ({ id, sku, code })),
        },
        Product: {
          // Its only resolvable key is `id code { number batch }`: without an id it finds nothing.
          __resolveReference: (ref: ProductReference) => {
            const product = products.find((candidate) => candidate.id === ref.id);
            return product ? { ...product, name: ref.name } : null;
          },
          label: ({ name, code }: { name: string; code: { number: string } }) =>
            `${name} #${code.number}`,
        },
      },
    },
  },
  operations: [
    {
      title: 'a field of warehouse that requires a field of catalog',
      query: '{ bin { id products { id name label } } }',
      expected: {
        data: {
          bin: {
            id: 'b1',
            products: [
              { id: 'p1', name: 'Hammer', label: 'Hammer #7' },
              { id: 'p2', name: 'Rake', label: 'Rake #9' },
            ],
          },
        },
      },
      stockWrong: {
        // The planner comes back to warehouse with `code { region number }`, a key warehouse
        // declares `resolvable: false`; warehouse cannot find the products and label is null.
        answer: {
          data: {
            bin: {
              id: 'b1',
              products: [
                { id: 'p1', name: 'Hammer', label: null },
                { id: 'p2', name: 'Rake', label: null },
              ],
            },
          },
        },
        because: 'the hop back to warehouse uses its non-resolvable key `code { region number }`',
      },
    },
  ],
};

// 4. catalog declares the Listing interface without implementing it; reviews holds it as an
// @interfaceObject. Nothing can resolve a Listing from catalog's root fields.
const interfaceObjectWithoutPath: CorrectnessCase = {
  number: 4,
  name: '@interfaceObject with no resolvable path',
  subgraphs: {
    catalog: {
      typeDefs: sdl(`
        type Query { featured: Listing pinned: Listing! }
        interface Listing @key(fields: "id") { id: ID! }`),
      resolvers: {
        Query: { featured: () => ({ id: 'l1' }), pinned: () => ({ id: 'l1' }) },
      },
    },
    reviews: {
      typeDefs: sdl(`
        type Query { reviewed: Listing }
        type Listing @key(fields: "id") @interfaceObject { id: ID! rating: Int }`),
      resolvers: {
        Query: { reviewed: () => ({ id: 'l1', rating: 4 }) },
        Listing: { __resolveReference: (ref: { id: string }) => ({ ...ref, rating: 4 }) },
      },
    },
  },
  operations: [
    {
      title: 'a nullable root field',
      query: '{ featured { rating } }',
      expected: { data: { featured: null }, someErrors: true },
      stockWrong: {
        answer: { data: { featured: null } },
        because: 'an empty plan: featured is null without an error',
      },
    },
    {
      title: 'a non-null root field',
      query: '{ pinned { rating } }',
      expected: { data: null, someErrors: true },
      stockWrong: {
        // The non-null violation is only reported in extensions.valueCompletion, not in errors.
        answer: {
          extensions: {
            valueCompletion: [
              {
                message: 'Cannot return null for non-nullable field Query.pinned.',
                path: ['pinned'],
                extensions: { code: 'INVALID_GRAPHQL' },
              },
            ],
          },
          data: null,
        },
        because: 'an empty plan: data is null with no error (only extensions.valueCompletion)',
      },
    },
    {
      title: 'the interface object from its own subgraph (control)',
      query: '{ reviewed { id rating } }',
      expected: { data: { reviewed: { id: 'l1', rating: 4 } } },
    },
  ],
};

// 5a. Plans with data rewrites: @interfaceObject's __typename rewrites.
const listings = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { __typename: 'Film', id: 'f1', title: 'Alien', minutes: 117 },
];
const ratings: Record<string, number> = { b1: 5, f1: 4 };
const findListing = (ref: { id: string }) => listings.find((item) => item.id === ref.id) ?? null;
const interfaceObjectRewrites: CorrectnessCase = {
  number: 5,
  name: '@interfaceObject __typename rewrites',
  subgraphs: {
    catalog: {
      typeDefs: sdl(`
        type Query { listings: [Listing!]! }
        interface Listing @key(fields: "id") { id: ID! title: String! }
        type Book implements Listing @key(fields: "id") { id: ID! title: String! pages: Int }
        type Film implements Listing @key(fields: "id") { id: ID! title: String! minutes: Int }`),
      resolvers: {
        Query: { listings: () => listings },
        Listing: {
          __resolveReference: findListing,
          __resolveType: (item: { __typename: string }) => item.__typename,
        },
        Book: { __resolveReference: findListing },
        Film: { __resolveReference: findListing },
      },
    },
    reviews: {
      typeDefs: sdl(`
        type Query { topRated: [Listing!]! }
        type Listing @key(fields: "id") @interfaceObject { id: ID! rating: Int }`),
      resolvers: {
        Query: { topRated: () => [{ id: 'f1' }, { id: 'b1' }] },
        Listing: {
          __resolveReference: (ref: { id: string }) => ref,
          rating: ({ id }: { id: string }) => ratings[id],
        },
      },
    },
  },
  operations: [
    {
      title: 'implementations sent to the interface object as Listing',
      query: '{ listings { __typename title rating } }',
      expected: {
        data: {
          listings: [
            { __typename: 'Book', title: 'Dune', rating: 5 },
            { __typename: 'Film', title: 'Alien', rating: 4 },
          ],
        },
      },
    },
    {
      title: "the interface object's entities typed by their subgraph",
      query: '{ topRated { __typename id rating ... on Book { pages } ... on Film { minutes } } }',
      expected: {
        data: {
          topRated: [
            { __typename: 'Film', id: 'f1', rating: 4, minutes: 117 },
            { __typename: 'Book', id: 'b1', rating: 5, pages: 412 },
          ],
        },
      },
    },
  ],
};

// 5b. A field typed differently between subgraphs: `Tool.size` is `Int!` in catalog, `Int` in
// sizes (so `Int` in the supergraph), and `Seed.size` is `Int`: in catalog's document the two
// `size` selections cannot merge, so the planner aliases one and renames it back.
const typeMismatch: CorrectnessCase = {
  number: 5,
  name: 'a field whose type differs between subgraphs',
  subgraphs: {
    catalog: {
      typeDefs: sdl(`
        type Query { items: [Item!]! }
        interface Item { id: ID! }
        type Tool implements Item @key(fields: "id") { id: ID! size: Int! @shareable }
        type Seed implements Item { id: ID! size: Int }`),
      resolvers: {
        Query: {
          items: () => [
            { __typename: 'Tool', id: 't1', size: 3 },
            { __typename: 'Seed', id: 's1', size: null },
            { __typename: 'Seed', id: 's2', size: 8 },
          ],
        },
        Item: { __resolveType: (item: { __typename: string }) => item.__typename },
        Tool: { __resolveReference: (ref: { id: string }) => ({ ...ref, size: 3 }) },
      },
    },
    sizes: {
      typeDefs: sdl(`type Tool @key(fields: "id") { id: ID! size: Int @shareable }`),
      resolvers: { Tool: { __resolveReference: (ref: { id: string }) => ({ ...ref, size: 3 }) } },
    },
  },
  operations: [
    {
      title: 'the same response key on both implementations',
      query: '{ items { id ... on Tool { size } ... on Seed { size } } }',
      expected: {
        data: {
          items: [
            { id: 't1', size: 3 },
            { id: 's1', size: null },
            { id: 's2', size: 8 },
          ],
        },
      },
    },
  ],
};

// 5c. Introspection and response keys named like Object.prototype members, over 5a's supergraph.
const introspectionAndPrototypeKeys: CorrectnessCase = {
  number: 5,
  name: 'introspection and Object.prototype response keys',
  subgraphs: interfaceObjectRewrites.subgraphs,
  operations: [
    {
      title: '__schema',
      query: '{ __schema { queryType { name } mutationType { name } } }',
      expected: { data: { __schema: { queryType: { name: 'Query' }, mutationType: null } } },
    },
    {
      title: '__type',
      query: '{ __type(name: "Listing") { kind possibleTypes { name } } }',
      expected: {
        data: {
          __type: { kind: 'INTERFACE', possibleTypes: [{ name: 'Book' }, { name: 'Film' }] },
        },
      },
    },
    {
      title: '__type beside planned fields',
      query: '{ listings { title } __type(name: "Film") { name } topRated { id } }',
      expected: {
        data: {
          listings: [{ title: 'Dune' }, { title: 'Alien' }],
          __type: { name: 'Film' },
          topRated: [{ id: 'f1' }, { id: 'b1' }],
        },
      },
    },
    {
      title: 'aliases constructor, __proto__, toString, hasOwnProperty',
      query:
        '{ listings { constructor: title __proto__: id toString: rating hasOwnProperty: __typename } }',
      expected: {
        data: {
          listings: [
            // A computed key: a literal `__proto__:` would set the prototype, not a key.
            { constructor: 'Dune', ['__proto__']: 'b1', toString: 5, hasOwnProperty: 'Book' },
            { constructor: 'Alien', ['__proto__']: 'f1', toString: 4, hasOwnProperty: 'Film' },
          ],
        },
      },
    },
  ],
};

export const correctnessCases: readonly CorrectnessCase[] = [
  requiresWithArguments,
  twoRequiresOfOneField,
  severalKeys,
  interfaceObjectWithoutPath,
  interfaceObjectRewrites,
  typeMismatch,
  introspectionAndPrototypeKeys,
];

/** The case's supergraph SDL, composed as the registry composes (subgraph URLs are placeholders). */
export function supergraphOf(correctnessCase: CorrectnessCase): string {
  const composed = composeServices(
    Object.entries(correctnessCase.subgraphs).map(([name, { typeDefs }]) => ({
      name,
      typeDefs: parse(typeDefs),
      url: `http://${name}.local/graphql`,
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  return composed.supergraphSdl;
}

/** The case's subgraphs served in process: `buildService` for a gateway over them. */
export function buildServiceOf(
  correctnessCase: CorrectnessCase,
): (definition: { name: string }) => LocalGraphQLDataSource {
  const services = Object.fromEntries(
    Object.entries(correctnessCase.subgraphs).map(([name, { typeDefs, resolvers }]) => [
      name,
      new LocalGraphQLDataSource(
        buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never }),
      ),
    ]),
  );
  return ({ name }) => services[name];
}

/** Whether a client's answer (read through JSON) is the one `operation` expects, key order included. */
export function isExpectedAnswer(actual: CaseResult, expected: CaseOperation['expected']): boolean {
  if ('someErrors' in expected)
    return JSON.stringify(actual.data) === JSON.stringify(expected.data) && !!actual.errors?.length;
  return JSON.stringify(actual) === JSON.stringify(expected);
}
