import type { RequiredSelection } from './planning/plan';
import {
  mergeInto,
  objectsAt,
  pathsAt,
  selectRepresentation,
  type ResultObject,
} from './result-tree';

const data = () => ({
  products: [
    { upc: '1', seller: { id: 's1' }, variants: [{ sku: 'a' }, null, { sku: 'b' }] },
    null,
    { upc: '3', seller: null, variants: [] },
    { upc: '4', seller: { id: 's2' }, variants: [{ sku: 'c' }] },
  ],
  me: { id: 'u1' },
  tags: ['x', 'y'],
});

describe('objectsAt', () => {
  test('the empty path is the value itself', () => {
    const root = data();
    expect(objectsAt(root, [])).toEqual([root]);
    expect(objectsAt(root, [])[0]).toBe(root);
  });

  test('a field step, then `@` through a list, nulls left out', () => {
    const root = data();
    expect(objectsAt(root, ['me'])).toEqual([{ id: 'u1' }]);
    expect(objectsAt(root, ['products', '@']).map((product) => product.upc)).toEqual([
      '1',
      '3',
      '4',
    ]);
    expect(objectsAt(root, ['products', '@'])[0]).toBe(root.products[0]);
  });

  test('nested lists and fields under them, in document order', () => {
    const root = data();
    expect(objectsAt(root, ['products', '@', 'variants', '@'])).toEqual([
      { sku: 'a' },
      { sku: 'b' },
      { sku: 'c' },
    ]);
    expect(objectsAt(root, ['products', '@', 'seller'])).toEqual([{ id: 's1' }, { id: 's2' }]);
  });

  test('a path ending on a list (no trailing `@`) yields its non-null elements', () => {
    expect(objectsAt({ list: [{ a: 1 }, null, { a: 2 }] }, ['list'])).toEqual([{ a: 1 }, { a: 2 }]);
  });

  test('missing, null and mismatched steps yield nothing', () => {
    const root = data();
    expect(objectsAt(root, ['nope'])).toEqual([]);
    expect(objectsAt(null, ['products'])).toEqual([]);
    expect(objectsAt(undefined, [])).toEqual([]);
    expect(objectsAt(root, ['products', 'upc'])).toEqual([]); // a field step on a list
    expect(objectsAt(root, ['me', '@'])).toEqual([]); // `@` on an object
  });

  test('only own properties are followed', () => {
    expect(objectsAt({}, ['constructor'])).toEqual([]);
    expect(objectsAt({}, ['__proto__'])).toEqual([]);
    expect(objectsAt({ a: {} }, ['a', 'toString'])).toEqual([]);
    // A key `__proto__` in JSON is an own property, and is the data.
    expect(objectsAt(JSON.parse('{"__proto__": {"id": 1}}'), ['__proto__'])).toEqual([{ id: 1 }]);
  });

  test('appends to the array it is given', () => {
    const into: ResultObject[] = [{ first: true }];
    expect(objectsAt({ a: { b: 1 } }, ['a'], undefined, 0, into)).toBe(into);
    expect(into).toEqual([{ first: true }, { b: 1 }]);
  });
});

describe('type steps (Hive plans `{TypeCondition}` after `@`)', () => {
  const media = {
    media: [
      { __typename: 'Book', id: 'b1' },
      { __typename: 'Movie', id: 'm1' },
      null,
      { __typename: 'Book', id: 'b2' },
    ],
  };
  const isOfType = (typename: unknown, condition: string) =>
    typename === condition || (condition === 'Media' && typeof typename === 'string');

  test("only the objects of the step's types go on, with their response paths", () => {
    const path = ['media', '@', { types: ['Book'] }];
    expect(objectsAt(media, path, isOfType).map((object) => object.id)).toEqual(['b1', 'b2']);
    expect(pathsAt(media, path, isOfType)).toEqual([
      ['media', 0],
      ['media', 3],
    ]);
  });

  test('an abstract type in the step matches its implementations', () => {
    expect(objectsAt(media, ['media', '@', { types: ['Media'] }], isOfType)).toHaveLength(3);
    expect(objectsAt(media, ['media', '@', { types: ['Song', 'Movie'] }], isOfType)).toEqual([
      { __typename: 'Movie', id: 'm1' },
    ]);
  });
});

describe('pathsAt', () => {
  test('one response path per object objectsAt finds, in the same order, `@` as the index', () => {
    const root = data();
    for (const path of [
      [],
      ['me'],
      ['products', '@'],
      ['products', '@', 'seller'],
      ['products', '@', 'variants', '@'],
    ]) {
      expect(pathsAt(root, path)).toHaveLength(objectsAt(root, path).length);
    }
    expect(pathsAt(root, [])).toEqual([[]]);
    expect(pathsAt(root, ['me'])).toEqual([['me']]);
    expect(pathsAt(root, ['products', '@'])).toEqual([
      ['products', 0],
      ['products', 2],
      ['products', 3],
    ]);
    expect(pathsAt(root, ['products', '@', 'seller'])).toEqual([
      ['products', 0, 'seller'],
      ['products', 3, 'seller'],
    ]);
    expect(pathsAt(root, ['products', '@', 'variants', '@'])).toEqual([
      ['products', 0, 'variants', 0],
      ['products', 0, 'variants', 2],
      ['products', 3, 'variants', 0],
    ]);
  });

  test('each path leads back to its object', () => {
    const root = data();
    const path = ['products', '@', 'variants', '@'];
    const objects = objectsAt(root, path);
    pathsAt(root, path).forEach((responsePath, index) => {
      const found = responsePath.reduce<unknown>(
        (value, key) => (value as Record<string | number, unknown>)[key],
        root,
      );
      expect(found).toBe(objects[index]);
    });
  });

  test('a path ending on a list gives the element indexes', () => {
    expect(pathsAt({ list: [{ a: 1 }, null, { a: 2 }] }, ['list'])).toEqual([
      ['list', 0],
      ['list', 2],
    ]);
  });

  test('missing, null and mismatched steps give no path; the prefix is prepended', () => {
    const root = data();
    expect(pathsAt(root, ['nope'])).toEqual([]);
    expect(pathsAt(root, ['products', 'upc'])).toEqual([]);
    expect(pathsAt({}, ['constructor'])).toEqual([]);
    expect(pathsAt(root.products, ['@'], undefined, 0, ['products'])).toEqual([
      ['products', 0],
      ['products', 2],
      ['products', 3],
    ]);
  });
});

describe('selectRepresentation', () => {
  const field = (name: string, selections?: RequiredSelection[]): RequiredSelection => ({
    kind: 'Field',
    readKey: name,
    writeKey: name,
    selections,
  });
  const on = (typeCondition: string, selections: RequiredSelection[]): RequiredSelection => ({
    kind: 'InlineFragment',
    typeCondition,
    selections,
  });
  const MEDIA = new Set(['Book', 'Movie']);
  const isOfType = (typename: unknown, condition: string) =>
    typename === condition || (condition === 'Media' && MEDIA.has(typename as string));

  test('the required fields, in the order required, extra fields left out', () => {
    const source = { name: 'Hammer', upc: '1', __typename: 'Product', weight: 2, price: 10 };
    const representation = selectRepresentation(
      source,
      [on('Product', [field('__typename'), field('upc'), field('weight')])],
      isOfType,
    );
    expect(representation).toEqual({ __typename: 'Product', upc: '1', weight: 2 });
    expect(Object.keys(representation!)).toEqual(['__typename', 'upc', 'weight']);
  });

  test('nested selections, lists and nulls', () => {
    const source = {
      __typename: 'Product',
      upc: '1',
      dimensions: { size: 3, unit: 'cm', extra: true },
      variants: [{ sku: 'a', color: 'red' }, null, { sku: 'b', color: 'blue' }],
      seller: null,
    };
    const requires = [
      on('Product', [
        field('__typename'),
        field('upc'),
        field('dimensions', [field('size'), field('unit')]),
        field('variants', [field('sku')]),
        field('seller', [field('id')]),
      ]),
    ];
    expect(selectRepresentation(source, requires, isOfType)).toEqual({
      __typename: 'Product',
      upc: '1',
      dimensions: { size: 3, unit: 'cm' },
      variants: [{ sku: 'a' }, null, { sku: 'b' }],
      seller: null,
    });
  });

  test('an inline fragment applies when the object is of its type (or implements it)', () => {
    const requires = [
      on('Book', [field('__typename'), field('id')]),
      on('Media', [field('title')]),
    ];
    expect(
      selectRepresentation({ __typename: 'Book', id: 'b1', title: 'Dune' }, requires, isOfType),
    ).toEqual({ __typename: 'Book', id: 'b1', title: 'Dune' });
    // A Movie is Media but not a Book: no __typename selected, so the fetch sends nothing for it.
    expect(
      selectRepresentation({ __typename: 'Movie', id: 'm1', title: 'Alien' }, requires, isOfType),
    ).toEqual({ title: 'Alien' });
    expect(
      selectRepresentation({ __typename: 'Song', id: 's1', title: 'Heroes' }, requires, isOfType),
    ).toEqual({});
  });

  test('a missing or undefined required field means no representation (a null is a value)', () => {
    const requires = [field('__typename'), field('upc'), field('weight')];
    expect(
      selectRepresentation({ __typename: 'Product', upc: '1' }, requires, isOfType),
    ).toBeNull();
    expect(
      selectRepresentation(
        { __typename: 'Product', upc: '1', weight: undefined },
        requires,
        isOfType,
      ),
    ).toBeNull();
    expect(
      selectRepresentation({ __typename: 'Product', upc: '1', weight: null }, requires, isOfType),
    ).toEqual({ __typename: 'Product', upc: '1', weight: null });
  });

  test('a missing field inside a fragment drops that fragment: no __typename, so the entity is not sent (as @apollo/gateway)', () => {
    const requires = [on('Product', [field('__typename'), field('upc'), field('weight')])];
    expect(selectRepresentation({ __typename: 'Product', upc: '1' }, requires, isOfType)).toEqual(
      {},
    );
    expect(
      selectRepresentation({ __typename: 'Product', upc: '1', weight: 2 }, requires, isOfType),
    ).toEqual({ __typename: 'Product', upc: '1', weight: 2 });
  });

  test('a missing nested field nulls that nested object only', () => {
    const requires = [field('__typename'), field('dimensions', [field('size')])];
    expect(
      selectRepresentation(
        { __typename: 'Product', dimensions: { unit: 'cm' } },
        requires,
        isOfType,
      ),
    ).toEqual({ __typename: 'Product', dimensions: null });
  });

  test('only own properties are read', () => {
    const requires = [field('__typename'), field('constructor')];
    expect(selectRepresentation({ __typename: 'Product' }, requires, isOfType)).toBeNull();
    expect(
      selectRepresentation(
        JSON.parse('{"__typename": "Product", "constructor": "own"}'),
        requires,
        isOfType,
      ),
    ).toEqual({ __typename: 'Product', constructor: 'own' });
  });
});

describe("selectRepresentation with the planner's aliases and conditions", () => {
  const isOfType = (typename: unknown, condition: string) => typename === condition;

  test('a required field fetched under an alias is read under it and sent under its own name', () => {
    const source = {
      __typename: 'Order',
      id: 'o1',
      _internal_qp_alias_0: [{ weight: 9 }],
      lines: [],
    };
    const requires: RequiredSelection[] = [
      {
        kind: 'InlineFragment',
        typeCondition: 'Order',
        selections: [
          { kind: 'Field', readKey: '__typename', writeKey: '__typename' },
          { kind: 'Field', readKey: 'id', writeKey: 'id' },
          {
            kind: 'Field',
            readKey: '_internal_qp_alias_0',
            writeKey: 'lines',
            selections: [{ kind: 'Field', readKey: 'weight', writeKey: 'weight' }],
          },
        ],
      },
    ];
    expect(selectRepresentation(source, requires, isOfType)).toEqual({
      __typename: 'Order',
      id: 'o1',
      lines: [{ weight: 9 }],
    });
  });

  test('skipIf and includeIf of a required fragment read the request variables', () => {
    const source = { __typename: 'Product', upc: '1', weight: 2 };
    const requires: RequiredSelection[] = [
      {
        kind: 'InlineFragment',
        typeCondition: 'Product',
        selections: [
          { kind: 'Field', readKey: '__typename', writeKey: '__typename' },
          { kind: 'Field', readKey: 'upc', writeKey: 'upc' },
        ],
      },
      {
        kind: 'InlineFragment',
        selections: [{ kind: 'Field', readKey: 'weight', writeKey: 'weight' }],
        includeIf: 'withWeight',
      },
      {
        kind: 'InlineFragment',
        selections: [{ kind: 'Field', readKey: 'weight', writeKey: 'heft' }],
        skipIf: 'noHeft',
      },
    ];
    expect(
      selectRepresentation(source, requires, isOfType, { withWeight: true, noHeft: true }),
    ).toEqual({
      __typename: 'Product',
      upc: '1',
      weight: 2,
    });
    expect(
      selectRepresentation(source, requires, isOfType, { withWeight: false, noHeft: false }),
    ).toEqual({
      __typename: 'Product',
      upc: '1',
      heft: 2,
    });
  });
});

describe('mergeInto', () => {
  test('merges objects deeply, keeping the target key order and appending new keys', () => {
    const target: ResultObject = { upc: '1', seller: { id: 's1' }, name: 'Hammer' };
    mergeInto(target, { seller: { name: 'Acme', id: 's1' }, price: 10, upc: '1' });
    expect(target).toEqual({
      upc: '1',
      seller: { id: 's1', name: 'Acme' },
      name: 'Hammer',
      price: 10,
    });
    expect(Object.keys(target)).toEqual(['upc', 'seller', 'name', 'price']);
    expect(Object.keys(target.seller as object)).toEqual(['id', 'name']);
  });

  test('keeps the identity of merged objects (later fetches hold references to them)', () => {
    const seller = { id: 's1' };
    const target: ResultObject = { seller };
    mergeInto(target, { seller: { name: 'Acme' } });
    expect(target.seller).toBe(seller);
    expect(seller).toEqual({ id: 's1', name: 'Acme' });
  });

  test('lists of the same length merge element by element; otherwise the source list replaces', () => {
    const first = { upc: '1' };
    const target: ResultObject = { products: [first, null, { upc: '3' }], tags: ['a'] };
    mergeInto(target, { products: [{ price: 10 }, { upc: '2' }, null], tags: ['b', 'c'] });
    expect(target.products).toEqual([{ upc: '1', price: 10 }, { upc: '2' }, null]);
    expect((target.products as unknown[])[0]).toBe(first);
    expect(target.tags).toEqual(['b', 'c']);

    const nested: ResultObject = { matrix: [[1], [2]] };
    mergeInto(nested, { matrix: [[3, 4], [5]] });
    expect(nested.matrix).toEqual([[3, 4], [5]]);
  });

  test('scalars and nulls in the source replace; undefined values and a null source are skipped', () => {
    const target: ResultObject = { a: 1, b: { c: 2 }, d: 'keep', e: [1] };
    mergeInto(target, { a: 2, b: null, d: undefined, e: { not: 'a list' } });
    expect(target).toEqual({ a: 2, b: null, d: 'keep', e: { not: 'a list' } });
    mergeInto(target, null);
    mergeInto(target, undefined);
    expect(target).toEqual({ a: 2, b: null, d: 'keep', e: { not: 'a list' } });
  });

  test('an object replaces a scalar or a list, and fills a missing key', () => {
    const target: ResultObject = { a: 'scalar', b: [1, 2] };
    mergeInto(target, { a: { x: 1 }, b: { y: 2 }, c: { z: 3 } });
    expect(target).toEqual({ a: { x: 1 }, b: { y: 2 }, c: { z: 3 } });
  });

  test('a `__proto__` key in merged JSON is kept as data: it does not change the prototype or pollute Object.prototype', () => {
    const target: ResultObject = { id: '1', nested: {} };
    const source = JSON.parse(
      '{"__proto__": {"polluted": true}, "name": "x", "nested": {"__proto__": {"polluted": true}, "ok": 1}}',
    );
    expect(Object.hasOwn(source, '__proto__')).toBe(true);
    mergeInto(target, source);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(target.nested)).toBe(Object.prototype);
    expect((target as { polluted?: unknown }).polluted).toBeUndefined();
    expect((target.nested as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(target, '__proto__')).toBe(true);
    expect(Object.keys(target)).toEqual(['id', 'nested', '__proto__', 'name']);
    expect(JSON.stringify(target)).toBe(
      '{"id":"1","nested":{"__proto__":{"polluted":true},"ok":1},"__proto__":{"polluted":true},"name":"x"}',
    );
  });

  test('a `__proto__` key in merged JSON does not change the prototype of a prototype-less target', () => {
    const target: ResultObject = Object.create(null);
    mergeInto(target, JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(Object.getPrototypeOf(target)).toBeNull();
    expect(Object.keys(target)).toEqual(['__proto__', 'a']);
  });

  test('a `__proto__` key inside a merged list element is kept as data too', () => {
    const element = { id: '1' };
    const target: ResultObject = { list: [element] };
    mergeInto(target, JSON.parse('{"list": [{"__proto__": {"polluted": true}, "name": "x"}]}'));
    expect(Object.getPrototypeOf(element)).toBe(Object.prototype);
    expect(Object.keys(element)).toEqual(['id', '__proto__', 'name']);
    expect((element as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('keys named like Object.prototype members are merged as data', () => {
    const target: ResultObject = {};
    mergeInto(target, JSON.parse('{"constructor": {"name": "c"}, "toString": "s"}'));
    expect(Object.hasOwn(target, 'constructor')).toBe(true);
    expect(target.constructor).toEqual({ name: 'c' });
    expect(target.toString).toBe('s');
  });
});
