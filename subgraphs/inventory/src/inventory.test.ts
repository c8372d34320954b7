import {
  encodeCursor,
  openSubgraph,
  type CallerIdentity,
  type RunningSubgraph,
} from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { inventorySubgraph, type InventoryDB, type InventoryStore } from './index';
import { insertFixtures, orderId, productId } from './testing/fixtures';

let subgraph: RunningSubgraph<InventoryDB, InventoryStore>;
const query = (text: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(subgraph.server, text, variables);
const ids = (connection: { edges: { node: any }[] }, keyOf: (node: any) => string = (n) => n.id) =>
  connection.edges.map((e) => keyOf(e.node));

beforeAll(async () => {
  subgraph = await openSubgraph(inventorySubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

describe('Product.availability and totalAvailable', () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
    id totalAvailable
    availability { warehouse { code name } product { id } onHand allocated available reorderPoint needsReorder }
  } } }`;

  test('50 products resolve with one stock query and one warehouse query, one level per stocking warehouse by code', async () => {
    subgraph.database.statements.count = 0;
    const representations = Array.from({ length: 50 }, (_, i) => ({
      __typename: 'Product',
      id: productId(i + 1),
    }));
    const result = await query(ENTITIES, { r: representations });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(50);
    expect(result.data._entities[2]).toEqual({
      id: 'PRD-00003',
      totalAvailable: 106, // ATL 100 + DAL 6 + RNO 0
      availability: [
        {
          warehouse: { code: 'ATL', name: 'Atlanta DC' },
          product: { id: 'PRD-00003' },
          onHand: 103,
          allocated: 3,
          available: 100,
          reorderPoint: 10,
          needsReorder: false,
        },
        {
          warehouse: { code: 'DAL', name: 'Dallas DC' },
          product: { id: 'PRD-00003' },
          onHand: 6,
          allocated: 0,
          available: 6,
          reorderPoint: 20,
          needsReorder: true,
        },
        {
          warehouse: { code: 'RNO', name: 'Reno DC' },
          product: { id: 'PRD-00003' },
          onHand: 5,
          allocated: 5,
          available: 0,
          reorderPoint: 0,
          needsReorder: true,
        },
      ],
    });
    expect(result.data._entities[10].availability.map((s: any) => s.warehouse.code)).toEqual([
      'ATL',
      'DAL',
    ]);
    expect(result.data._entities[10].totalAvailable).toBe(122);
    // a product stocked nowhere is known to the catalog, not to us: no levels, nothing available
    expect(result.data._entities[9]).toEqual({
      id: 'PRD-00010',
      totalAvailable: 0,
      availability: [],
    });
    expect(subgraph.database.statements.count).toBe(2);
  });

  test('totalAvailable alone is one query', async () => {
    subgraph.database.statements.count = 0;
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { totalAvailable } } }`,
      {
        r: [1, 2, 3, 20].map((i) => ({ __typename: 'Product', id: productId(i) })),
      },
    );
    expect(result.data._entities).toEqual([
      { totalAvailable: 102 },
      { totalAvailable: 104 },
      { totalAvailable: 106 },
      { totalAvailable: 0 },
    ]);
    expect(subgraph.database.statements.count).toBe(1);
  });
});

describe('Order.allocations', () => {
  test('20 orders resolve their allocations, by line number, with two queries', async () => {
    subgraph.database.statements.count = 0;
    const representations = Array.from({ length: 20 }, (_, n) => ({
      __typename: 'Order',
      id: orderId(n + 1),
    }));
    representations.push({ __typename: 'Order', id: 'ORD-999999' });
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
        id allocations { id order { id } lineNumber product { id } warehouse { code } quantity status createdAt }
      } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities[1]).toEqual({
      id: 'ORD-000002',
      allocations: [
        {
          id: 'ALC-000004',
          order: { id: 'ORD-000002' },
          lineNumber: 1,
          product: { id: 'PRD-00002' },
          warehouse: { code: 'ATL' },
          quantity: 3,
          status: 'RELEASED',
          createdAt: '2026-04-02T09:00:00.000Z',
        },
        {
          id: 'ALC-000003',
          order: { id: 'ORD-000002' },
          lineNumber: 2,
          product: { id: 'PRD-00003' },
          warehouse: { code: 'DAL' },
          quantity: 6,
          status: 'SHIPPED',
          createdAt: '2026-04-02T09:00:00.000Z',
        },
      ],
    });
    // an order inventory never allocated has no allocations (orders owns whether it exists)
    expect(result.data._entities[20]).toEqual({ id: 'ORD-999999', allocations: [] });
    // allocations, then the warehouses they come from
    expect(subgraph.database.statements.count).toBe(2);
  });
});

describe('Warehouse', () => {
  test('resolves Warehouse entities in one query, null for an unknown one', async () => {
    subgraph.database.statements.count = 0;
    const result = await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { id code name city region country } } }`,
      {
        r: ['WH-RNO', 'WH-XXX', 'WH-ATL'].map((id) => ({ __typename: 'Warehouse', id })),
      },
    );
    expect(result.data._entities).toEqual([
      { id: 'WH-RNO', code: 'RNO', name: 'Reno DC', city: 'Reno', region: 'NV', country: 'US' },
      null,
      {
        id: 'WH-ATL',
        code: 'ATL',
        name: 'Atlanta DC',
        city: 'Atlanta',
        region: 'GA',
        country: 'US',
      },
    ]);
    expect(subgraph.database.statements.count).toBe(1);
  });

  test('lists warehouses by code and finds one by id or by code', async () => {
    const all = await query(`{ warehouses { id code } }`);
    expect(all.data.warehouses).toEqual([
      { id: 'WH-ATL', code: 'ATL' },
      { id: 'WH-DAL', code: 'DAL' },
      { id: 'WH-RNO', code: 'RNO' },
    ]);
    const byCode = await query(`{ warehouse(code: "DAL") { id city } }`);
    expect(byCode.data.warehouse).toEqual({ id: 'WH-DAL', city: 'Dallas' });
    const byId = await query(`{ warehouse(id: "WH-RNO") { code } }`);
    expect(byId.data.warehouse).toEqual({ code: 'RNO' });
  });

  test('an unknown warehouse is null with NOT_FOUND; neither or both keys is BAD_USER_INPUT', async () => {
    const missing = await query(`{ warehouse(code: "XXX") { id } }`);
    expect(missing.data.warehouse).toBeNull();
    expect(missing.errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      typeName: 'Warehouse',
      id: 'XXX',
    });
    const neither = await query(`{ warehouse { id } }`);
    expect(neither.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const both = await query(`{ warehouse(id: "WH-ATL", code: "ATL") { id } }`);
    expect(both.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('Query.stockLevels', () => {
  const PAGE = `query ($first: Int, $after: String, $productId: ID, $warehouseId: ID, $needsReorder: Boolean) {
    stockLevels(first: $first, after: $after, productId: $productId, warehouseId: $warehouseId, needsReorder: $needsReorder) {
      edges { node { product { id } warehouse { id } available } } pageInfo { hasNextPage endCursor } totalCount
    } }`;
  const key = (node: any) => `${node.product.id}@${node.warehouse.id}`;

  test('pages every level by (product, warehouse) with no gap and no repeat', async () => {
    const first = await query(PAGE, { first: 100 });
    expect(first.data.stockLevels.totalCount).toBe(126); // 54 in ATL, 54 in DAL, 18 in RNO
    expect(first.data.stockLevels.pageInfo.hasNextPage).toBe(true);
    expect(ids(first.data.stockLevels, key).slice(0, 4)).toEqual([
      'PRD-00001@WH-ATL',
      'PRD-00001@WH-DAL',
      'PRD-00002@WH-ATL',
      'PRD-00002@WH-DAL',
    ]);
    const rest = await query(PAGE, {
      first: 100,
      after: first.data.stockLevels.pageInfo.endCursor,
    });
    expect(rest.data.stockLevels.pageInfo.hasNextPage).toBe(false);
    const all = [...ids(first.data.stockLevels, key), ...ids(rest.data.stockLevels, key)];
    expect(all).toHaveLength(126);
    expect(all).toEqual([...new Set(all)].sort());
  });

  test('filters by warehouse, by product and by reorder need', async () => {
    const dal = await query(PAGE, { warehouseId: 'WH-DAL', first: 3 });
    expect(ids(dal.data.stockLevels, key)).toEqual([
      'PRD-00001@WH-DAL',
      'PRD-00002@WH-DAL',
      'PRD-00003@WH-DAL',
    ]);
    expect(dal.data.stockLevels.totalCount).toBe(54);
    const next = await query(PAGE, {
      warehouseId: 'WH-DAL',
      first: 2,
      after: dal.data.stockLevels.pageInfo.endCursor,
    });
    expect(ids(next.data.stockLevels, key)).toEqual(['PRD-00004@WH-DAL', 'PRD-00005@WH-DAL']);

    const product = await query(PAGE, { productId: 'PRD-00006' });
    expect(
      product.data.stockLevels.edges.map((e: any) => [e.node.warehouse.id, e.node.available]),
    ).toEqual([
      ['WH-ATL', 100],
      ['WH-DAL', 12],
      ['WH-RNO', 0],
    ]);

    const reorder = await query(PAGE, { needsReorder: true, first: 100 });
    expect(reorder.data.stockLevels.totalCount).toBe(27); // DAL for products 1..9, RNO for 18 products
    const reorderDal = await query(PAGE, { needsReorder: true, warehouseId: 'WH-DAL' });
    expect(ids(reorderDal.data.stockLevels, (n) => n.product.id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map(productId),
    );
    const healthy = await query(PAGE, { needsReorder: false, first: 0 });
    expect(healthy.data.stockLevels.totalCount).toBe(99);
  });

  test('a negative first, a forged cursor or another connection cursor is BAD_USER_INPUT', async () => {
    const negative = await query(PAGE, { first: -1 });
    expect(negative.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const forged = await query(PAGE, { after: 'bm9wZQ' });
    expect(forged.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const allocationCursor = await query(PAGE, { after: encodeCursor('ALC-000001') });
    expect(allocationCursor.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
  });
});

describe('Query.allocations', () => {
  const PAGE = `query ($first: Int, $after: String, $status: AllocationStatus, $productId: ID, $warehouseId: ID, $orderId: ID) {
    allocations(first: $first, after: $after, status: $status, productId: $productId, warehouseId: $warehouseId, orderId: $orderId) {
      edges { node { id status lineNumber } } pageInfo { hasNextPage endCursor } totalCount
    } }`;

  test('is for callers that see every row: a row-scoped caller (a web store, a distributor, a 3pl) is FORBIDDEN, since an allocation belongs to an order only the orders subgraph can scope', async () => {
    const scoped: Omit<CallerIdentity, 'exp'>[] = [
      { id: 'web', kind: 'ecommerce', scopes: ['orders:read'], tenant: null },
      {
        id: 'acme',
        kind: 'distributor',
        scopes: ['orders:read'],
        tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
      },
      {
        id: '3pl',
        kind: '3pl',
        scopes: ['orders:read'],
        tenant: { customerIds: [], carrierIds: ['CAR-1'] },
      },
    ];
    for (const caller of scoped) {
      const result = await querySubgraph(subgraph.server, PAGE, { first: 5 }, {}, caller);
      expect(result.data).toBeNull();
      expect(result.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
    const internal: Omit<CallerIdentity, 'exp'> = {
      id: 'ops',
      kind: 'internal',
      scopes: [],
      tenant: null,
    };
    const seen = await querySubgraph(subgraph.server, PAGE, { first: 5 }, {}, internal);
    expect(seen.data.allocations.totalCount).toBe(40);
  });

  test('pages allocations by id', async () => {
    const first = await query(PAGE, { first: 15 });
    expect(first.data.allocations.totalCount).toBe(40);
    expect(first.data.allocations.pageInfo.hasNextPage).toBe(true);
    const second = await query(PAGE, {
      first: 15,
      after: first.data.allocations.pageInfo.endCursor,
    });
    expect(ids(second.data.allocations)[0]).toBe('ALC-000016');
  });

  test('filters by status, product, warehouse and order together', async () => {
    const backordered = await query(PAGE, { status: 'BACKORDERED', first: 100 });
    expect(ids(backordered.data.allocations)).toEqual(
      [2, 6, 10, 14, 18, 22, 26, 30, 34, 38].map((k) => `ALC-${String(k).padStart(6, '0')}`),
    );
    // product 5 is line 1 of order 5 (ATL) and line 2 of order 4 (DAL)
    const product = await query(PAGE, { productId: 'PRD-00005' });
    expect(ids(product.data.allocations)).toEqual(['ALC-000007', 'ALC-000010']);
    const fromDal = await query(PAGE, { productId: 'PRD-00005', warehouseId: 'WH-DAL' });
    expect(ids(fromDal.data.allocations)).toEqual(['ALC-000007']);
    const order = await query(PAGE, { orderId: 'ORD-000003', status: 'ALLOCATED' });
    expect(order.data.allocations.edges).toEqual([
      { node: { id: 'ALC-000005', status: 'ALLOCATED', lineNumber: 2 } },
    ]);
  });

  test('a first above 100 is BAD_USER_INPUT', async () => {
    const tooMany = await query(PAGE, { first: 101 });
    expect(tooMany.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
