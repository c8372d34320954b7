import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { catalogSubgraph, type CatalogDB, type CatalogStore } from './index';
import { daysFromNow, insertFixtures, productId, skuOf } from './testing/fixtures';

let subgraph: RunningSubgraph<CatalogDB, CatalogStore>;

beforeAll(async () => {
  subgraph = await openSubgraph(catalogSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

const query = (text: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(subgraph.server, text, variables);
const usd = (amount: string) => ({ amount, currency: 'USD' });
const ids = (connection: any) => connection.edges.map((e: any) => e.node.id);
const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => productId(from + k * step));

describe('Product entities', () => {
  test('resolve by id and by sku, one statement per kind of lookup, unknown keys as null', async () => {
    const byId = Array.from({ length: 25 }, (_, i) => ({
      __typename: 'Product',
      id: productId(i + 1),
    }));
    const bySku = Array.from({ length: 25 }, (_, i) => ({
      __typename: 'Product',
      sku: skuOf(i + 26),
    }));
    const unknown = [
      { __typename: 'Product', id: 'PRD-99999' },
      { __typename: 'Product', sku: 'NOPE-1' },
    ];
    subgraph.database.statements.count = 0;
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
        id sku name unitOfMeasure status listPrice { amount currency } costPrice { amount }
        category { id name parent { name } } quantityBreaks { minQuantity unitPrice { amount } } } } }`,
      { r: [...byId, ...bySku, ...unknown] },
    );
    expect(result.errors).toBeUndefined();
    const entities = result.data._entities;
    expect(entities).toHaveLength(52);
    expect(entities[4]).toEqual({
      id: 'PRD-00005',
      sku: 'FAS-10005',
      name: 'Hex Bolt 5',
      unitOfMeasure: 'BX',
      status: 'ACTIVE',
      listPrice: usd('10.50'),
      costPrice: { amount: '6.05' },
      category: { id: 'CAT-FAS-BLT', name: 'Bolts', parent: { name: 'Fasteners' } },
      quantityBreaks: [
        { minQuantity: 10, unitPrice: { amount: '8.50' } },
        { minQuantity: 50, unitPrice: { amount: '8.00' } },
      ],
    });
    expect(entities[44]).toMatchObject({
      id: 'PRD-00045',
      sku: 'ELE-10045',
      unitOfMeasure: 'FT',
      category: { name: 'Wire & Cable', parent: { name: 'Electrical' } },
    });
    expect(entities[29]).toMatchObject({
      id: 'PRD-00030',
      sku: 'FAS-10030',
      status: 'DISCONTINUED',
      quantityBreaks: [],
    });
    expect(entities.slice(50)).toEqual([null, null]);
    // products by id, products by sku, leaf categories, their parents, quantity breaks
    expect(subgraph.database.statements.count).toBe(5);
  });

  test('price 50 products for one customer in a handful of statements', async () => {
    const representations = Array.from({ length: 50 }, (_, i) => ({
      __typename: 'Product',
      id: productId(i + 1),
    }));
    subgraph.database.statements.count = 0;
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
        id price(customerId: "CUS-0001", quantity: 10) { rule unitPrice { amount } extendedPrice { amount } minQuantity priceList { code } } } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    const prices = new Map(result.data._entities.map((e: any) => [e.id, e.price]));
    expect(prices.get('PRD-00001')).toEqual({
      rule: 'CONTRACT',
      unitPrice: { amount: '7.00' },
      extendedPrice: { amount: '70.00' },
      minQuantity: null,
      priceList: null,
    });
    expect(prices.get('PRD-00002')).toEqual({
      rule: 'PRICE_LIST',
      unitPrice: { amount: '9.20' },
      extendedPrice: { amount: '92.00' },
      minQuantity: null,
      priceList: { code: 'WHOLESALE-A' },
    });
    expect(prices.get('PRD-00005')).toEqual({
      rule: 'QUANTITY_BREAK',
      unitPrice: { amount: '8.50' },
      extendedPrice: { amount: '85.00' },
      minQuantity: 10,
      priceList: null,
    });
    expect(prices.get('PRD-00045')).toEqual({
      rule: 'LIST',
      unitPrice: { amount: '14.50' },
      extendedPrice: { amount: '145.00' },
      minQuantity: null,
      priceList: null,
    });
    // products, quantity breaks, the customer's price list, its contracts, its price-list items, the price list itself
    expect(subgraph.database.statements.count).toBe(6);
  });
});

describe('pricing rules through the graph', () => {
  const PRICE = `query ($id: ID!, $c: ID, $q: Int) { product(id: $id) { price(customerId: $c, quantity: $q) {
    rule quantity unitPrice { amount currency } extendedPrice { amount } minQuantity priceList { code } } } }`;

  test.each([
    [
      'CONTRACT: a contract valid today wins over price list and breaks',
      1,
      'CUS-0001',
      3,
      'CONTRACT',
      '7.00',
      '21.00',
      null,
      null,
    ],
    [
      'an expired contract does not apply: the price list does',
      2,
      'CUS-0001',
      1,
      'PRICE_LIST',
      '9.20',
      '9.20',
      null,
      'WHOLESALE-A',
    ],
    [
      'a contract that starts in the future does not apply yet',
      3,
      'CUS-0001',
      1,
      'PRICE_LIST',
      '9.30',
      '9.30',
      null,
      'WHOLESALE-A',
    ],
    [
      'QUANTITY_BREAK: a break cheaper than the price-list price',
      5,
      'CUS-0001',
      10,
      'QUANTITY_BREAK',
      '8.50',
      '85.00',
      10,
      null,
    ],
    [
      'the cheapest break the quantity reaches',
      5,
      'CUS-0001',
      60,
      'QUANTITY_BREAK',
      '8.00',
      '480.00',
      50,
      null,
    ],
    [
      'below the first break the price list applies',
      5,
      'CUS-0001',
      9,
      'PRICE_LIST',
      '9.50',
      '85.50',
      null,
      'WHOLESALE-A',
    ],
    [
      'a break dearer than the price-list price is ignored',
      6,
      'CUS-0001',
      10,
      'PRICE_LIST',
      '9.60',
      '96.00',
      null,
      'WHOLESALE-A',
    ],
    [
      'without a customer, the same break beats the list price',
      6,
      null,
      10,
      'QUANTITY_BREAK',
      '10.00',
      '100.00',
      10,
      null,
    ],
    ['LIST: without a customer, below any break', 5, null, 9, 'LIST', '10.50', '94.50', null, null],
    [
      'LIST: a product missing from the customer price list',
      45,
      'CUS-0001',
      1,
      'LIST',
      '14.50',
      '14.50',
      null,
      null,
    ],
    [
      'LIST: a customer without a price list',
      2,
      'CUS-0003',
      1,
      'LIST',
      '10.20',
      '10.20',
      null,
      null,
    ],
    [
      'LIST: a customer whose price list lacks the product',
      1,
      'CUS-0002',
      1,
      'LIST',
      '10.10',
      '10.10',
      null,
      null,
    ],
  ])(
    '%s',
    async (_name, product, customerId, quantity, rule, unit, extended, minQuantity, priceList) => {
      const result = await query(PRICE, { id: productId(product), c: customerId, q: quantity });
      expect(result.errors).toBeUndefined();
      expect(result.data.product.price).toEqual({
        rule,
        quantity,
        unitPrice: usd(unit),
        extendedPrice: { amount: extended },
        minQuantity,
        priceList: priceList && { code: priceList },
      });
    },
  );

  test('quantity defaults to 1', async () => {
    const result = await query(
      `{ product(id: "PRD-00001") { price { rule quantity extendedPrice { amount } } } }`,
    );
    expect(result.data.product.price).toEqual({
      rule: 'LIST',
      quantity: 1,
      extendedPrice: { amount: '10.10' },
    });
  });

  test.each([0, -5])('quantity %i is BAD_USER_INPUT', async (quantity) => {
    const result = await query(PRICE, { id: productId(1), c: 'CUS-0001', q: quantity });
    expect(result.data.product).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].path).toEqual(['product', 'price']);
  });
});

describe('Customer pricing terms', () => {
  test('price list and contract prices of many customers, batched', async () => {
    const representations = ['CUS-0001', 'CUS-0002', 'CUS-0003'].map((id) => ({
      __typename: 'Customer',
      id,
    }));
    subgraph.database.statements.count = 0;
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
        id priceList { id code name currency }
        contractPrices { id active product { sku } unitPrice { amount currency } validFrom validTo }
        current: contractPrices(active: true) { id }
        notCurrent: contractPrices(active: false) { id } } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    const [first, second, third] = result.data._entities;
    expect(first).toEqual({
      id: 'CUS-0001',
      priceList: {
        id: 'PL-WHOLESALE-A',
        code: 'WHOLESALE-A',
        name: 'Wholesale Tier A',
        currency: 'USD',
      },
      contractPrices: [
        {
          id: 'CP-000001',
          active: true,
          product: { sku: 'FAS-10001' },
          unitPrice: usd('7.00'),
          validFrom: daysFromNow(-30),
          validTo: daysFromNow(30),
        },
        {
          id: 'CP-000002',
          active: false,
          product: { sku: 'FAS-10002' },
          unitPrice: usd('6.00'),
          validFrom: daysFromNow(-100),
          validTo: daysFromNow(-10),
        },
        {
          id: 'CP-000003',
          active: false,
          product: { sku: 'FAS-10003' },
          unitPrice: usd('6.50'),
          validFrom: daysFromNow(10),
          validTo: daysFromNow(100),
        },
      ],
      current: [{ id: 'CP-000001' }],
      notCurrent: [{ id: 'CP-000002' }, { id: 'CP-000003' }],
    });
    expect(second).toMatchObject({
      id: 'CUS-0002',
      priceList: { code: 'STANDARD' },
      contractPrices: [],
    });
    expect(third).toEqual({
      id: 'CUS-0003',
      priceList: null,
      contractPrices: [],
      current: [],
      notCurrent: [],
    });
    // price-list assignments, price lists, contract prices, their products
    expect(subgraph.database.statements.count).toBe(4);
  });
});

describe('root queries', () => {
  test('a product by id or by sku', async () => {
    const bySku = await query(`{ product(sku: "FAS-10007") { id name } }`);
    expect(bySku.data.product).toEqual({ id: 'PRD-00007', name: 'Stainless Wedge Anchor' });
    const byId = await query(`{ product(id: "PRD-00031") { sku category { id } } }`);
    expect(byId.data.product).toEqual({ sku: 'ELE-10031', category: { id: 'CAT-ELE-WIR' } });
  });

  test('products page by cursor', async () => {
    const first = await query(
      `{ products(first: 25) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }`,
    );
    expect(ids(first.data.products)).toEqual(range(1, 25));
    expect(first.data.products.totalCount).toBe(60);
    expect(first.data.products.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const PAGE = `query ($after: String) { products(first: 25, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    const second = await query(PAGE, { after: first.data.products.pageInfo.endCursor });
    expect(ids(second.data.products)).toEqual(range(26, 50));
    const last = await query(PAGE, { after: second.data.products.pageInfo.endCursor });
    expect(ids(last.data.products)).toEqual(range(51, 60));
    expect(last.data.products.pageInfo.hasNextPage).toBe(false);
  });

  test('products filter by status, by category with its subcategories, and by name or sku', async () => {
    const discontinued = await query(
      `{ products(status: DISCONTINUED) { edges { node { id } } totalCount } }`,
    );
    expect(ids(discontinued.data.products)).toEqual(range(10, 60, 10));
    expect(discontinued.data.products.totalCount).toBe(6);
    const fasteners = await query(
      `{ products(categoryId: "CAT-FAS", first: 100) { edges { node { id } } totalCount } }`,
    );
    expect(ids(fasteners.data.products)).toEqual(range(1, 30));
    const bolts = await query(
      `{ products(categoryId: "CAT-FAS-BLT", first: 100) { edges { node { id } } totalCount } }`,
    );
    expect(ids(bolts.data.products)).toEqual(range(1, 29, 2));
    expect(bolts.data.products.totalCount).toBe(15);
    const retiredWire = await query(
      `{ products(categoryId: "CAT-ELE", status: DISCONTINUED) { edges { node { id } } } }`,
    );
    expect(ids(retiredWire.data.products)).toEqual(range(40, 60, 10));
    const anchor = await query(`{ products(search: "ANCHOR") { edges { node { name } } } }`);
    expect(anchor.data.products.edges).toEqual([{ node: { name: 'Stainless Wedge Anchor' } }]);
    const bySku = await query(`{ products(search: "ele-10045") { edges { node { sku } } } }`);
    expect(bySku.data.products.edges).toEqual([{ node: { sku: 'ELE-10045' } }]);
    const wire = await query(
      `{ products(search: "thhn", first: 5) { edges { node { id } } totalCount } }`,
    );
    expect(ids(wire.data.products)).toEqual(range(31, 35));
    expect(wire.data.products.totalCount).toBe(30);
  });

  test('price lists by code and the category tree', async () => {
    const result = await query(`{ priceLists { code name } categories { id name parent { id } } }`);
    expect(result.data.priceLists).toEqual([
      { code: 'STANDARD', name: 'Standard Price List' },
      { code: 'WHOLESALE-A', name: 'Wholesale Tier A' },
    ]);
    expect(result.data.categories).toEqual([
      { id: 'CAT-ELE', name: 'Electrical', parent: null },
      { id: 'CAT-ELE-WIR', name: 'Wire & Cable', parent: { id: 'CAT-ELE' } },
      { id: 'CAT-FAS', name: 'Fasteners', parent: null },
      { id: 'CAT-FAS-BLT', name: 'Bolts', parent: { id: 'CAT-FAS' } },
      { id: 'CAT-FAS-NUT', name: 'Nuts & Washers', parent: { id: 'CAT-FAS' } },
    ]);
  });
});

describe('bad input', () => {
  test.each([
    ['id', `{ product(id: "PRD-99999") { id } }`],
    ['sku', `{ product(sku: "NOPE-1") { id } }`],
  ])('an unknown %s is null with NOT_FOUND', async (_key, text) => {
    const result = await query(text);
    expect(result.data.product).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(result.errors?.[0].path).toEqual(['product']);
  });

  test.each([
    ['neither id nor sku', `{ product { id } }`],
    ['both id and sku', `{ product(id: "PRD-00001", sku: "FAS-10001") { id } }`],
    ['a negative first', `{ products(first: -1) { totalCount } }`],
    ['a first over 100', `{ products(first: 101) { totalCount } }`],
    ['a forged cursor', `{ products(after: "bm9wZQ") { totalCount } }`],
  ])('%s is BAD_USER_INPUT', async (_name, text) => {
    const result = await query(text);
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

test('a product shows its shipping weight (kg) and carton size (cm), null while not measured', async () => {
  const result = await query(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
      id shippingWeightKg shippingLengthCm shippingWidthCm shippingHeightCm } } }`,
    {
      r: [
        { __typename: 'Product', id: productId(1) },
        { __typename: 'Product', id: productId(2) },
      ],
    },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data._entities).toEqual([
    {
      id: productId(1),
      shippingWeightKg: 2.45,
      shippingLengthCm: 20,
      shippingWidthCm: 15,
      shippingHeightCm: 10.5,
    },
    {
      id: productId(2),
      shippingWeightKg: null,
      shippingLengthCm: null,
      shippingWidthCm: null,
      shippingHeightCm: null,
    },
  ]);
});
