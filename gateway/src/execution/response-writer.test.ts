import {
  GraphQLError,
  Kind,
  buildSchema,
  isCompositeType,
  isObjectType,
  parse,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileResponseShape, type ObjectShape, type TypeShape } from './response-shape';
import { writeResponse } from './response-writer';

const schema = buildSchema(`
  scalar JSON
  enum Status { OPEN SHIPPED }
  interface Node { id: ID! }
  type Customer implements Node { id: ID! name: String! tags: [String] }
  type Order implements Node {
    id: ID!
    status: Status!
    total: Float
    count: Int
    paid: Boolean
    note: String
    meta: JSON
    customer: Customer
    lines: [Line!]!
    grid: [[Int!]]
  }
  type Line { sku: String! quantity: Int! owner: Customer! }
  union Result = Order | Customer
  type Query {
    order(id: ID): Order
    orders: [Order!]
    mustOrder: Order!
    node: Node
    results: [Result]
    matrix: [[String]]
    text: String
  }
`);

const shapeOf = (query: string, conditions: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  return compileResponseShape(
    schema,
    { selectionSet: operation.selectionSet, fragments, rootType: schema.getQueryType()! },
    conditions,
  );
};

/** The writer's text and errors beside JSON.stringify of the object the previous walk built. */
function both(query: string, input: Record<string, unknown>) {
  const shape = shapeOf(query);
  const written = writeResponse(schema, shape, input);
  const shaped = shapedObject(schema, shape, input);
  return {
    written: { text: textOf(written.bytes), errors: written.errors.map((error) => error.toJSON()) },
    shaped: {
      text: JSON.stringify(shaped.data),
      errors: shaped.errors.map((error) => error.toJSON()),
    },
  };
}

/** Nothing written: a null reached the root. */
const textOf = (bytes: Buffer | null) => (bytes ? bytes.toString('utf8') : 'null');

const ORDER_QUERY = `{
  order(id: "1") {
    __typename id status total count paid note meta
    customer { name tags ... on Node { id } }
    lines { sku quantity owner { name } }
    grid
  }
}`;

describe('the response written as JSON text, byte for byte what JSON.stringify wrote of the shaped object', () => {
  test.each<[string, string, Record<string, unknown>]>([
    [
      'keys in the order asked, fetched-only keys left out',
      ORDER_QUERY,
      {
        order: {
          customer: { id: 'C1', name: 'Ann', tags: ['a'], extra: 1 },
          id: '1',
          status: 'OPEN',
          total: 12.5,
          count: 3,
          paid: false,
          note: 'n',
          meta: { nested: [1, 'x', null, { deep: true }] },
          lines: [{ sku: 'S', quantity: 2, owner: { name: 'Bo' }, weight: 3 }],
          grid: [[1, 2], null, []],
          __typename: 'Order',
        },
      },
    ],
    [
      'escapes, unicode, lone surrogates and control characters in strings',
      '{ text order(id: "1") { note customer { name tags } } }',
      {
        text: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f',
        order: {
          note: 'héllo wörld ✓ 😀 \u2028\u2029',
          customer: { name: 'lone \ud800 high and \udfff low', tags: ['</script>', '', '\u001f'] },
        },
      },
    ],
    [
      'numbers as JSON writes them',
      '{ orders { id total count } }',
      {
        orders: [
          { id: 7, total: -0, count: 0 },
          { id: 'x', total: 1e21, count: -5 },
          { id: '2', total: 1.5e-7, count: 2147483647 },
        ],
      },
    ],
    [
      'a non-null field without value nulls its nearest nullable parent',
      ORDER_QUERY,
      {
        order: {
          id: '1',
          status: 'OPEN',
          lines: [{ sku: 'S', quantity: 1, owner: { name: null } }],
        },
      },
    ],
    [
      'a null in a non-null list element nulls the list, and every element is still checked',
      '{ orders { id status } }',
      { orders: [{ id: '1', status: 'OPEN' }, null, { id: '3', status: 'LOST' }, { id: null }] },
    ],
    [
      'a null reaching the root nulls data',
      '{ text mustOrder { id } }',
      { text: 'kept?', mustOrder: { id: null } },
    ],
    [
      'lists of lists with nulls and wrong values',
      '{ matrix order(id: "1") { id status grid } }',
      {
        matrix: [['a', null], null, [], [5, 'b']],
        order: { id: '1', status: 'OPEN', grid: [[1, null], [2]] },
      },
    ],
    [
      'values of the wrong type',
      '{ order(id: "1") { id status total count paid customer { name } lines { sku quantity owner { name } } } }',
      {
        order: {
          id: true,
          status: 'UNKNOWN',
          total: 'NaN',
          count: 1.5,
          paid: 'yes',
          customer: [],
          lines: { sku: 'x' },
        },
      },
    ],
    [
      'abstract types by __typename, an unknown __typename, and an abstract type without one',
      '{ results { __typename ... on Order { id status } ... on Customer { id name } } node { id ... on Customer { name } } }',
      {
        results: [
          { __typename: 'Customer', id: 'C1', name: 'Ann', status: 'leftover' },
          { __typename: 'Order', id: 'O1', status: 'SHIPPED' },
          { __typename: 'Nope', id: 'X' },
          { __typename: 'Status' },
          { id: 'no typename' },
          null,
        ],
        node: { id: 'N1', name: 'no typename: only Node fields' },
      },
    ],
    [
      'response keys named as Object.prototype members read own properties only',
      '{ order(id: "1") { constructor: note toString: id __proto__: note hasOwnProperty: customer { name } valueOf: total } }',
      { order: { __proto__: 'own', toString: '1' } },
    ],
    [
      'fragments, aliases and repeated fields merged',
      '{ a: order(id: "1") { ...F id } b: order(id: "2") { id } } fragment F on Order { id customer { name } customer { tags } }',
      {
        a: { id: '1', customer: { name: 'Ann', tags: null } },
        b: { id: '2', extra: 'x' },
      },
    ],
    [
      'custom scalar values of any JSON shape',
      '{ orders { meta } }',
      {
        orders: [{ meta: 'str' }, { meta: [1, [2, { a: 'b"c' }]] }, { meta: true }, { meta: null }],
      },
    ],
    ['nothing fetched at all', '{ order(id: "1") { id } text }', {}],
  ])('%s', (_name, query, input) => {
    const { written, shaped } = both(query, input);
    expect(written).toEqual(shaped);
  });

  test('an own __proto__ key is written as any other key', () => {
    const input = JSON.parse('{"order":{"__proto__":"own","id":"1"}}') as Record<string, unknown>;
    const { bytes } = writeResponse(
      schema,
      shapeOf('{ order(id: "1") { __proto__: note id } }'),
      input,
    );
    expect(textOf(bytes)).toBe('{"order":{"__proto__":"own","id":"1"}}');
  });

  test('errors are worded and placed as computeResponse places them', () => {
    const { errors } = writeResponse(schema, shapeOf('{ orders { id status } }'), {
      orders: [
        { id: '1', status: 'OPEN' },
        { id: null, status: 'OPEN' },
      ],
    });
    expect(errors.map(({ message, path }) => ({ message, path }))).toEqual([
      { message: 'Cannot return null for non-nullable field Order.id.', path: ['orders', 1, 'id'] },
    ]);
  });

  test('random merged data: the same text and errors as the object walk (seeded, 500 cases)', () => {
    const random = seeded(18);
    const query = `{
      order(id: "1") { __typename id status total count paid note meta customer { name tags } lines { sku quantity owner { name } } grid }
      orders { id status lines { sku } }
      results { __typename ... on Order { id status } ... on Customer { id name } }
      matrix text
    }`;
    const shape = shapeOf(query);
    for (let run = 0; run < 500; run++) {
      const input = randomValue(random, 4) as Record<string, unknown>;
      const object = (
        input && typeof input === 'object' && !Array.isArray(input) ? input : {}
      ) as Record<string, unknown>;
      for (const key of ['order', 'orders', 'results', 'matrix', 'text'])
        if (random() < 0.8) object[key] = plausible(random, key);
      const written = writeResponse(schema, shape, object);
      const shaped = shapedObject(schema, shape, object);
      expect(textOf(written.bytes)).toBe(JSON.stringify(shaped.data));
      expect(written.errors.map((error) => error.toJSON())).toEqual(
        shaped.errors.map((error) => error.toJSON()),
      );
    }
  });
});

/** A small deterministic generator (mulberry32), so a failure replays. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELD_NAMES = [
  '__typename',
  'id',
  'status',
  'total',
  'count',
  'paid',
  'note',
  'meta',
  'customer',
  'name',
  'tags',
  'lines',
  'sku',
  'quantity',
  'owner',
  'grid',
  'constructor',
];
const TYPENAMES = ['Order', 'Customer', 'Line', 'Node', 'Result', 'Status', 'Nope'];

function randomString(random: () => number): string {
  let text = '';
  const length = Math.floor(random() * 6);
  for (let index = 0; index < length; index++) {
    const pick = random();
    text +=
      pick < 0.5
        ? String.fromCharCode(97 + Math.floor(random() * 26))
        : pick < 0.7
          ? String.fromCharCode(Math.floor(random() * 0x30))
          : pick < 0.85
            ? String.fromCharCode(0xd7f0 + Math.floor(random() * 0x830))
            : ['"', '\\', 'é', '😀', '\u2028'][Math.floor(random() * 5)];
  }
  return text;
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (pick < 0.12) return null;
  if (pick < 0.17) return undefined;
  if (pick < 0.27) return randomString(random);
  if (pick < 0.37) return ['OPEN', 'SHIPPED', 'Order', 'Customer'][Math.floor(random() * 4)];
  if (pick < 0.45) return [0, 1, -3, 2.5, 1e21, -0][Math.floor(random() * 6)];
  if (pick < 0.5) return random() < 0.5;
  if (depth === 0) return randomString(random);
  if (pick < 0.7) {
    const length = Math.floor(random() * 4);
    return Array.from({ length }, () => randomValue(random, depth - 1));
  }
  const object: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    if (random() < 0.5) continue;
    object[name] =
      name === '__typename' && random() < 0.8
        ? TYPENAMES[Math.floor(random() * TYPENAMES.length)]
        : randomValue(random, depth - 1);
  }
  return object;
}

/** Values near what the field wants, so the walk goes deep more often than not. */
function plausible(random: () => number, key: string): unknown {
  const order = () => ({
    __typename: random() < 0.9 ? 'Order' : TYPENAMES[Math.floor(random() * TYPENAMES.length)],
    id: random() < 0.9 ? String(Math.floor(random() * 100)) : randomValue(random, 1),
    status: random() < 0.8 ? 'OPEN' : randomValue(random, 0),
    total: random() < 0.8 ? random() * 100 : randomValue(random, 0),
    note: randomString(random),
    meta: randomValue(random, 2),
    customer:
      random() < 0.8
        ? { name: randomString(random), tags: [randomString(random)] }
        : randomValue(random, 2),
    lines: Array.from({ length: Math.floor(random() * 3) }, () =>
      random() < 0.85
        ? { sku: randomString(random), quantity: 1, owner: { name: random() < 0.9 ? 'x' : null } }
        : randomValue(random, 2),
    ),
    grid: random() < 0.7 ? [[1, 2], [random() < 0.8 ? 3 : null]] : randomValue(random, 2),
  });
  switch (key) {
    case 'order':
      return random() < 0.9 ? order() : randomValue(random, 3);
    case 'orders':
    case 'results':
      return Array.from({ length: Math.floor(random() * 4) }, () =>
        random() < 0.8 ? order() : randomValue(random, 3),
      );
    case 'matrix':
      return [[randomString(random), null], random() < 0.8 ? [] : randomValue(random, 2)];
    default:
      return randomValue(random, 1);
  }
}

const INVALID = Symbol('null to propagate');

/**
 * The object walk the writer replaced (response-shape.ts before it wrote text), kept as the
 * reference: it builds the shaped object, which JSON.stringify then wrote. Reads own properties
 * and defines its keys, as the response must.
 */
function shapedObject(
  schema: GraphQLSchema,
  shape: { root: ObjectShape },
  input: Record<string, unknown>,
): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  const path: (string | number)[] = [];
  const describe = (parent: GraphQLCompositeType, leafType: string) => {
    const last = path[path.length - 1];
    return typeof last === 'string'
      ? `field ${parent.name}.${last}`
      : `array element of type ${leafType} at index ${last}`;
  };
  const fail = (message: string) =>
    errors.push(
      new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } }),
    );
  const put = (output: Record<string, unknown>, key: string, value: unknown) =>
    Object.defineProperty(output, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });

  function shapeObject(
    shape: ObjectShape,
    value: Record<string, unknown>,
    parent: GraphQLCompositeType,
  ): Record<string, unknown> | null | typeof INVALID {
    let type = shape.parent;
    const typename = value.__typename;
    if (typeof typename === 'string') {
      const named = schema.getType(typename);
      if (!named || !isCompositeType(named)) {
        fail(`Invalid __typename found for object at ${describe(parent, shape.parent.name)}.`);
        return null;
      }
      type = named;
    }
    const output: Record<string, unknown> = {};
    for (const field of shape.fieldsFor(type)) {
      if (field.isTypename) {
        if (!isObjectType(type)) return INVALID;
        put(output, field.key, type.name);
        continue;
      }
      path.push(field.key);
      const own = Object.hasOwn(value, field.key) ? value[field.key] : undefined;
      const shaped = shapeValue(field.type, own, field.parent);
      path.pop();
      if (shaped === INVALID) return INVALID;
      put(output, field.key, shaped);
    }
    return output;
  }

  let reported = false;
  function shapeValue(type: TypeShape, value: unknown, parent: GraphQLCompositeType): unknown {
    reported = false;
    switch (type.kind) {
      case 'nonNull': {
        const inner = shapeValue(type.of, value, parent);
        if (inner === null || inner === INVALID) {
          if (!reported)
            fail(`Cannot return null for non-nullable ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return INVALID;
        }
        return inner;
      }
      case 'list': {
        if (value === null || value === undefined) return null;
        if (!Array.isArray(value)) {
          fail(`Invalid non-list value found for ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return null;
        }
        const output = new Array(value.length);
        let invalid = false;
        let anyReported = false;
        for (let index = 0; index < value.length; index++) {
          path.push(index);
          const element = shapeValue(type.of, value[index], parent);
          path.pop();
          anyReported ||= reported;
          if (element === INVALID) invalid = true;
          output[index] = element;
        }
        reported = anyReported;
        return invalid ? null : output;
      }
      case 'object': {
        if (value === null || value === undefined) return null;
        if (typeof value !== 'object' || Array.isArray(value)) {
          fail(`Invalid non-object value found for ${describe(parent, type.shape.parent.name)}.`);
          reported = true;
          return null;
        }
        const output = shapeObject(type.shape, value as Record<string, unknown>, parent);
        if (output === INVALID || output === null) {
          reported = true;
          return null;
        }
        return output;
      }
      case 'leaf': {
        if (value === null || value === undefined) return null;
        if (type.accepts(value)) return value;
        fail(`Invalid value found for ${describe(parent, type.name)}.`);
        reported = true;
        return null;
      }
    }
  }

  const data = shapeObject(shape.root, input, shape.root.parent);
  return { data: data === INVALID ? null : data, errors };
}

function typeNameOf(type: TypeShape): string {
  switch (type.kind) {
    case 'nonNull':
      return `${typeNameOf(type.of)}!`;
    case 'list':
      return `[${typeNameOf(type.of)}]`;
    case 'leaf':
      return type.name;
    case 'object':
      return type.shape.parent.name;
  }
}
