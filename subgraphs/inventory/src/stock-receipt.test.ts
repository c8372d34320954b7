import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { allocateOrder } from './event-handlers';
import { inventorySubgraph, type InventoryDB, type InventoryStore } from './index';
import type { InventoryBookkeeping } from './migrations';
import { insertFixtures, productId } from './testing/fixtures';
import { orderAccepted } from './testing/events';

/**
 * receiveStock on SQLite, through the subgraph's GraphQL. The fixtures' stock (testing/fixtures.ts),
 * available = on hand - allocated: product i has 100 in ATL, 2i in DAL, 0 in RNO (when i % 3 == 0),
 * none anywhere when i % 10 == 0. The fixtures' own BACKORDERED allocations are seed-like (no
 * customer, no SKU): a receipt leaves them waiting.
 */
let subgraph: RunningSubgraph<InventoryDB, InventoryStore>;
const db = () => subgraph.database.db;
const receipts = () =>
  db().withTables<InventoryBookkeeping>().selectFrom('stock_receipts').selectAll().execute();

beforeEach(async () => {
  subgraph = await openSubgraph(inventorySubgraph, { dataDir: ':memory:' });
  await insertFixtures(db());
});

afterEach(() => subgraph.close());

const RECEIVE = `mutation ($warehouseId: ID!, $lines: [ReceiptLineInput!]!, $reference: String!) {
  receiveStock(warehouseId: $warehouseId, lines: $lines, reference: $reference) {
    id reference warehouse { code } lines { product { id } quantity } receivedAt ordersAllocated { id } } }`;
const receive = (
  warehouseId: string,
  lines: [product: number | string, quantity: number][],
  reference = 'ASN-0001',
) =>
  querySubgraph(
    subgraph.server,
    RECEIVE,
    {
      warehouseId,
      reference,
      lines: lines.map(([p, quantity]) => ({
        productId: typeof p === 'number' ? productId(p) : p,
        quantity,
      })),
    },
    { 'x-correlation-id': 'corr-receipt' },
  );

const level = (product: number, warehouseId: string) =>
  db()
    .selectFrom('stock_levels')
    .select(['on_hand', 'allocated'])
    .where('product_id', '=', productId(product))
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
const allocationsOf = (orderId: string) =>
  db()
    .selectFrom('allocations')
    .select(['id', 'line_number', 'warehouse_id', 'quantity', 'status', 'initial_status'])
    .where('order_id', '=', orderId)
    .orderBy('line_number')
    .execute();

/** Accepts the order (as inventory.allocate-order does) and dates its allocations `at`, for first-in-first-served. */
async function accept(orderId: string, lines: [number, number, number][], at: string) {
  await deliverEvent(
    allocateOrder,
    testEvent(
      OrderToCashEvent.OrderAccepted,
      orderId,
      orderAccepted(orderId, lines),
      `corr-${orderId}`,
    ),
    subgraph.store,
    db(),
  );
  await db()
    .updateTable('allocations')
    .set({ created_at: at })
    .where('order_id', '=', orderId)
    .execute();
}

/** Three backordered orders of product 7 (ATL 100, DAL 14 available): the youngest has the lowest id. */
async function threeBackorders() {
  await accept('ORD-800009', [[1, 7, 150]], '2026-06-01T10:00:00.000Z'); // oldest
  await accept('ORD-800001', [[1, 7, 120]], '2026-06-01T11:00:00.000Z'); // fits too, but younger
  await accept(
    'ORD-800005',
    [
      [1, 7, 10],
      [2, 13, 500],
    ],
    '2026-06-01T09:00:00.000Z',
  ); // oldest of all, but product 13 stays short
  for (const orderId of ['ORD-800009', 'ORD-800001', 'ORD-800005']) {
    expect((await allocationsOf(orderId)).map((a) => a.status)).toEqual(
      expect.arrayContaining(['BACKORDERED']),
    );
  }
}

test('a receipt adds to on hand, allocates the oldest backorder it can serve whole, and announces InventoryAllocated', async () => {
  await threeBackorders();
  const waitedAt = (await allocationsOf('ORD-800009'))[0];
  expect(waitedAt).toMatchObject({ warehouse_id: 'WH-ATL', status: 'BACKORDERED' }); // where it would mostly ship from
  const before = (await outboxRows(db())).length;

  const result = await receive('WH-DAL', [[7, 140]]);
  expect(result.errors).toBeUndefined();
  expect(result.data.receiveStock).toEqual({
    id: 'RCV-000001',
    reference: 'ASN-0001',
    warehouse: { code: 'DAL' },
    lines: [{ product: { id: productId(7) }, quantity: 140 }],
    receivedAt: expect.any(String),
    // DAL now has 154: ORD-800009 (oldest) takes 150; ORD-800001 would have fit alone, but only 4 are left
    ordersAllocated: [{ id: 'ORD-800009' }],
  });

  expect(await level(7, 'WH-DAL')).toEqual({ on_hand: 14 + 140, allocated: 150 });
  expect(await level(7, 'WH-ATL')).toEqual({ on_hand: 107, allocated: 7 });
  // Same allocation, now reserving where the rule chose; it was first made BACKORDERED (the fill rate counts that).
  expect(await allocationsOf('ORD-800009')).toEqual([
    {
      id: waitedAt.id,
      line_number: 1,
      warehouse_id: 'WH-DAL',
      quantity: 150,
      status: 'ALLOCATED',
      initial_status: 'BACKORDERED',
    },
  ]);
  expect((await allocationsOf('ORD-800001')).map((a) => a.status)).toEqual(['BACKORDERED']);
  expect((await allocationsOf('ORD-800005')).map((a) => a.status)).toEqual([
    'BACKORDERED',
    'BACKORDERED',
  ]);
  // The fixtures' seed-like backorders (no customer recorded) are left as they were.
  expect(
    await db()
      .selectFrom('allocations')
      .select('id')
      .where('status', '=', 'BACKORDERED')
      .where('customer_id', 'is', null)
      .execute(),
  ).toHaveLength(10);

  const events = (await outboxRows(db())).slice(before);
  expect(events).toEqual([
    {
      type: 'InventoryAllocated',
      source: 'inventory',
      aggregateId: 'ORD-800009',
      correlationId: 'corr-receipt',
      payload: {
        orderId: 'ORD-800009',
        customerId: 'CUS-0001',
        allocations: [
          {
            allocationId: waitedAt.id,
            lineNumber: 1,
            productId: productId(7),
            sku: 'SKU-7',
            quantity: 150,
            warehouseId: 'WH-DAL',
          },
        ],
      },
    },
  ]);
});

test('stock received in several warehouses serves an order the rule splits, and a second receipt serves the next in line', async () => {
  await threeBackorders();
  await receive('WH-DAL', [[7, 140]], 'ASN-A'); // ORD-800009 takes DAL's 150
  // 500 of product 13 at RNO: ORD-800005 (oldest) takes line 2 there and line 1 (10 of product 7) from ATL's 100
  const second = await receive('WH-RNO', [[13, 500]], 'ASN-B');
  expect(second.data.receiveStock.ordersAllocated).toEqual([{ id: 'ORD-800005' }]);
  expect((await allocationsOf('ORD-800005')).map((a) => [a.warehouse_id, a.status])).toEqual([
    ['WH-ATL', 'ALLOCATED'],
    ['WH-RNO', 'ALLOCATED'],
  ]);
  expect(await level(13, 'WH-RNO')).toEqual({ on_hand: 500, allocated: 500 });
  // 130 more at ATL (90 + 130 = 220 available): ORD-800001 (120) is next
  const third = await receive('WH-ATL', [[7, 130]], 'ASN-C');
  expect(third.data.receiveStock.ordersAllocated).toEqual([{ id: 'ORD-800001' }]);
  expect(await level(7, 'WH-ATL')).toEqual({ on_hand: 107 + 130, allocated: 7 + 10 + 120 });
});

test('a product new to the warehouse gets a stock level there', async () => {
  // product 1 is stocked in DAL and ATL, not RNO
  const result = await receive('WH-RNO', [[1, 12]]);
  expect(result.errors).toBeUndefined();
  expect(result.data.receiveStock.ordersAllocated).toEqual([]);
  expect(
    await db()
      .selectFrom('stock_levels')
      .selectAll()
      .where('product_id', '=', productId(1))
      .where('warehouse_id', '=', 'WH-RNO')
      .executeTakeFirst(),
  ).toEqual({
    product_id: productId(1),
    warehouse_id: 'WH-RNO',
    on_hand: 12,
    allocated: 0,
    reorder_point: 0,
    reserved: 0,
  });
});

test('the same reference again answers the same receipt and adds nothing; with other lines it is IDEMPOTENCY_KEY_REUSED', async () => {
  await threeBackorders();
  const first = await receive('WH-DAL', [
    [7, 140],
    [13, 5],
  ]);
  const rowsAfterFirst = await outboxRows(db());
  const again = await receive('WH-DAL', [
    [7, 140],
    [13, 5],
  ]);
  expect(again.errors).toBeUndefined();
  expect(again.data.receiveStock).toEqual(first.data.receiveStock);
  expect(await level(7, 'WH-DAL')).toEqual({ on_hand: 154, allocated: 150 });
  expect(await level(13, 'WH-DAL')).toEqual({ on_hand: 31, allocated: 0 });
  expect(await outboxRows(db())).toEqual(rowsAfterFirst);

  for (const [warehouseId, lines] of [
    [
      'WH-DAL',
      [
        [7, 141],
        [13, 5],
      ],
    ],
    [
      'WH-ATL',
      [
        [7, 140],
        [13, 5],
      ],
    ],
    ['WH-DAL', [[7, 140]]],
  ] as const) {
    const reused = await receive(
      warehouseId,
      lines.map(([p, q]) => [p, q] as [number, number]),
    );
    expect(reused.data.receiveStock).toBeNull();
    expect(reused.errors![0].extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      argument: 'reference',
      receiptId: 'RCV-000001',
    });
  }
  expect(await receipts()).toHaveLength(1);
  expect(await level(7, 'WH-DAL')).toEqual({ on_hand: 154, allocated: 150 });
});

describe('bad input is BAD_USER_INPUT naming the field, and writes nothing', () => {
  test.each([
    ['an unknown warehouse', 'WH-NOPE', [[7, 5]], 'ASN-1', 'warehouseId'],
    [
      'a product inventory does not stock',
      'WH-DAL',
      [
        [7, 5],
        [10, 5],
      ],
      'ASN-1',
      'lines[1].productId',
    ],
    ['a product nobody knows', 'WH-DAL', [['PRD-99999', 5]], 'ASN-1', 'lines[0].productId'],
    ['a quantity of 0', 'WH-DAL', [[7, 0]], 'ASN-1', 'lines[0].quantity'],
    [
      'more than a million',
      'WH-DAL',
      [
        [7, 5],
        [8, 1_000_001],
      ],
      'ASN-1',
      'lines[1].quantity',
    ],
    [
      'a product twice',
      'WH-DAL',
      [
        [7, 5],
        [7, 5],
      ],
      'ASN-1',
      'lines[1].productId',
    ],
    ['no lines', 'WH-DAL', [], 'ASN-1', 'lines'],
    ['a blank reference', 'WH-DAL', [[7, 5]], '  ', 'reference'],
    ['a reference too long', 'WH-DAL', [[7, 5]], 'R'.repeat(101), 'reference'],
  ] as [string, string, [number | string, number][], string, string][])(
    '%s',
    async (_what, warehouseId, lines, reference, argument) => {
      await threeBackorders();
      const stockBefore = await db()
        .selectFrom('stock_levels')
        .selectAll()
        .orderBy('product_id')
        .orderBy('warehouse_id')
        .execute();
      const allocationsBefore = await db()
        .selectFrom('allocations')
        .selectAll()
        .orderBy('id')
        .execute();
      const outboxBefore = await outboxRows(db());

      const result = await receive(warehouseId, lines, reference);
      expect(result.data.receiveStock).toBeNull();
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });

      expect(
        await db()
          .selectFrom('stock_levels')
          .selectAll()
          .orderBy('product_id')
          .orderBy('warehouse_id')
          .execute(),
      ).toEqual(stockBefore);
      expect(await db().selectFrom('allocations').selectAll().orderBy('id').execute()).toEqual(
        allocationsBefore,
      );
      expect(await receipts()).toEqual([]);
      expect(await outboxRows(db())).toEqual(outboxBefore);
    },
  );
});
