/// <reference types="jest" />
import { fieldDirectiveIndex, readSdl } from './schema-sdl';

// Defaults and directive arguments whose strings hold `)`, `{`, `}` and `"`: a pattern that stops
// at the first `)` or `}` cuts these fields short or loses the rest of the type.
const SDL = `
"""
Orders, with a description holding ) and { too.
"""
type Query {
  "one line description with ) and }"
  orders(
    filter: OrderFilter = { status: OPEN, note: "a ) and a { in a default" }
    first: Int = 20
  ): [Order!]! @cost(weight: 5) @listSize(slicingArguments: ["first"])
  search(text: String = "x) {y}"): [Order!]! @deprecated(reason: "Use orders(filter: {text: ...})")
  me: Customer @authenticated
}

input OrderFilter {
  status: OrderStatus = OPEN
  note: String = "}"
}

enum OrderStatus {
  OPEN
  HELD @deprecated
}

type Customer @key(fields: "id") {
  id: ID!
  creditLimit: Money @requiresScopes(scopes: [["credit:read", "x)y"]]) @tag(name: "internal")
  name: String
}

scalar Money
`;

test('arguments, defaults and directive arguments holding ) and { are read whole from the AST', () => {
  const types = readSdl(SDL);
  expect(types.map((t) => `${t.kind} ${t.name}`)).toEqual([
    'type Customer',
    'scalar Money',
    'input OrderFilter',
    'enum OrderStatus',
    'type Query',
  ]);
  const query = types.find((t) => t.name === 'Query')!;
  expect(query.fields.map((f) => f.name)).toEqual(['orders', 'search', 'me']);
  const [orders, search, me] = query.fields;
  expect(orders.arguments).toEqual([
    {
      name: 'filter',
      type: 'OrderFilter',
      defaultValue: '{status: OPEN, note: "a ) and a { in a default"}',
    },
    { name: 'first', type: 'Int', defaultValue: '20' },
  ]);
  expect(orders.directives.map((d) => d.text)).toEqual([
    '@cost(weight: 5)',
    '@listSize(slicingArguments: ["first"])',
  ]);
  expect(orders.line).toBe(
    'orders(filter: OrderFilter = {status: OPEN, note: "a ) and a { in a default"}, first: Int = 20): [Order!]! @cost(weight: 5) @listSize(slicingArguments: ["first"])',
  );
  expect(search.arguments).toEqual([{ name: 'text', type: 'String', defaultValue: '"x) {y}"' }]);
  expect(search.deprecationReason).toBe('Use orders(filter: {text: ...})');
  expect(search.line).not.toContain('description');
  expect(me.directives).toEqual([{ name: 'authenticated', text: '@authenticated' }]);
  expect(orders.deprecationReason).toBeNull();

  const customer = types.find((t) => t.name === 'Customer')!;
  expect(customer.fields.map((f) => f.name)).toEqual(['id', 'creditLimit', 'name']);
  expect(customer.fields[1].directives.map((d) => d.text)).toEqual([
    '@requiresScopes(scopes: [["credit:read", "x)y"]])',
    '@tag(name: "internal")',
  ]);

  const filter = types.find((t) => t.name === 'OrderFilter')!;
  expect(filter.fields.map((f) => f.line)).toEqual([
    'status: OrderStatus = OPEN',
    'note: String = "}"',
  ]);
  const status = types.find((t) => t.name === 'OrderStatus')!;
  expect(status.fields.map((f) => [f.name, f.deprecationReason])).toEqual([
    ['OPEN', null],
    ['HELD', 'No longer supported'],
  ]);
  expect(types.find((t) => t.name === 'Money')).toMatchObject({ fields: [], text: 'scalar Money' });
});

test("a type's extensions add their fields to it", () => {
  const [query] = readSdl('type Query { a: Int }\nextend type Query { b(x: String = ")"): Int }');
  expect(query.fields.map((f) => f.name)).toEqual(['a', 'b']);
  expect(query.text).toContain('extend type Query');
});

test('the governance directives are indexed per field coordinate, others left out', () => {
  const index = fieldDirectiveIndex(SDL);
  expect(Object.fromEntries(index)).toEqual({
    'Query.orders': ['@cost(weight: 5)', '@listSize(slicingArguments: ["first"])'],
    'Query.me': ['@authenticated'],
    'Customer.creditLimit': ['@requiresScopes(scopes: [["credit:read", "x)y"]])'],
  });
});

test('text that is not SDL is refused with the parser’s located error', () => {
  expect(() => readSdl('type Query { a(x: Int = ): Int }')).toThrow(/Syntax Error/);
});
