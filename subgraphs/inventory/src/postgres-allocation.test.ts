import { randomUUID } from 'node:crypto';
import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { sql } from 'kysely';
import { allocateOrder, consumeShippedStock, releaseOrder } from './event-handlers';
import { inventorySubgraph, type InventoryDB, type InventoryStore } from './index';
import { insertFixtures, productId } from './testing/fixtures';
import { orderAccepted, orderCancelled, shipmentConfirmed } from './testing/events';

/**
 * The allocation handlers on PostgreSQL (TEST_DATABASE_URL, default the local server), in a schema of
 * their own dropped afterwards: the same SQL as on SQLite, and what only PostgreSQL runs concurrently
 * (several transactions allocating the same stock at once).
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `inventory_test_${randomUUID().slice(0, 8)}`;
let subgraph: RunningSubgraph<InventoryDB, InventoryStore>;
const db = () => subgraph.database.db;

beforeAll(async () => {
  subgraph = await openSubgraph(inventorySubgraph, { databaseUrl, databaseSchema: schema });
  await insertFixtures(db());
});

afterAll(async () => {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db());
  await subgraph.close();
});

const level = (product: number, warehouseId: string) =>
  db()
    .selectFrom('stock_levels')
    .select(['on_hand', 'allocated'])
    .where('product_id', '=', productId(product))
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirstOrThrow();

/** As the kit does: a delivery that fails is tried again. */
async function withRetries(work: () => Promise<unknown>, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

test('ten orders racing for the same stock never reserve more than is available', async () => {
  // product 33: ATL 100, DAL 66, RNO 0 available. Ten orders of 30: ATL takes 3, DAL 2, five are backordered.
  await Promise.all(
    Array.from({ length: 10 }, (_, n) => {
      const orderId = `ORD-95${String(n).padStart(4, '0')}`;
      const event = testEvent(
        OrderToCashEvent.OrderAccepted,
        orderId,
        orderAccepted(orderId, [[1, 33, 30]]),
      );
      return withRetries(() => deliverEvent(allocateOrder, event, subgraph.store, db()));
    }),
  );
  const rows = await db()
    .selectFrom('allocations')
    .select(['status', 'warehouse_id', 'quantity'])
    .where('order_id', 'like', 'ORD-95%')
    .execute();
  const reserved = (warehouseId: string) =>
    rows
      .filter((r) => r.status === 'ALLOCATED' && r.warehouse_id === warehouseId)
      .reduce((sum, r) => sum + r.quantity, 0);
  expect(rows).toHaveLength(10);
  expect(reserved('WH-ATL')).toBe(90);
  expect(reserved('WH-DAL')).toBe(60);
  expect(rows.filter((r) => r.status === 'BACKORDERED')).toHaveLength(5);
  expect(await level(33, 'WH-ATL')).toEqual({ on_hand: 133, allocated: 33 + 90 });
  expect(await level(33, 'WH-DAL')).toEqual({ on_hand: 66, allocated: 60 });
  // ids are taken one transaction after the other: ten distinct, consecutive after the fixtures' 40
  const ids = (
    await db()
      .selectFrom('allocations')
      .select('id')
      .where('order_id', 'like', 'ORD-95%')
      .orderBy('id')
      .execute()
  ).map((r) => r.id);
  expect(ids).toEqual(
    Array.from({ length: 10 }, (_, k) => `ALC-${String(41 + k).padStart(6, '0')}`),
  );
  const types = (await outboxRows(db())).map((r) => r.type);
  expect(types.filter((t) => t === 'InventoryAllocated')).toHaveLength(5);
  expect(types.filter((t) => t === 'OrderBackordered')).toHaveLength(5);
});

test('the same acceptance delivered at once, three times and under two more event ids, makes one allocation set', async () => {
  const event = testEvent(
    OrderToCashEvent.OrderAccepted,
    'ORD-960001',
    orderAccepted('ORD-960001', [
      [1, 41, 5],
      [2, 42, 5],
    ]),
  );
  const others = [1, 2].map(() => ({ ...event, id: randomUUID() }));
  await Promise.all(
    [event, event, event, ...others].map((e) =>
      deliverEvent(allocateOrder, e, subgraph.store, db()).catch(() => undefined),
    ),
  );
  expect(
    await db()
      .selectFrom('allocations')
      .select('id')
      .where('order_id', '=', 'ORD-960001')
      .execute(),
  ).toHaveLength(2);
  expect(await level(41, 'WH-ATL')).toEqual({ on_hand: 141, allocated: 46 });
});

test('release and consumption, then health, on PostgreSQL', async () => {
  const accept = (orderId: string, lines: [number, number, number][]) =>
    deliverEvent(
      allocateOrder,
      testEvent(OrderToCashEvent.OrderAccepted, orderId, orderAccepted(orderId, lines)),
      subgraph.store,
      db(),
    );
  await accept('ORD-970001', [[1, 44, 10]]);
  await accept('ORD-970002', [[1, 46, 10]]);
  await deliverEvent(
    releaseOrder,
    testEvent(OrderToCashEvent.OrderCancelled, 'ORD-970001', orderCancelled('ORD-970001')),
    subgraph.store,
    db(),
  );
  const shipped = shipmentConfirmed('SHP-970002', 'ORD-970002', 'WH-ATL', [[1, 46, 4]]);
  await deliverEvent(
    consumeShippedStock,
    testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-970002', shipped),
    subgraph.store,
    db(),
  );
  expect(await level(44, 'WH-ATL')).toEqual({ on_hand: 144, allocated: 44 });
  expect(await level(46, 'WH-ATL')).toEqual({ on_hand: 142, allocated: 52 });

  const health = await querySubgraph(
    subgraph.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { backorderedOrders allocationFillRate } } }`,
    {
      r: [
        { __typename: 'BusinessHealth', from: '2026-04-01T00:00:00Z', to: '2026-04-05T00:00:00Z' },
      ],
    },
  );
  expect(health.data._entities[0]).toEqual({ backorderedOrders: 2, allocationFillRate: 0.75 });
});

test('receipts on PostgreSQL: one receipt per reference however many arrive at once, and each backorder allocated once', async () => {
  // The first test left five orders of 30 of product 33 backordered (ATL and DAL are taken; RNO has none).
  const backordered = async () =>
    (
      await db()
        .selectFrom('allocations')
        .select('order_id')
        .where('order_id', 'like', 'ORD-95%')
        .where('status', '=', 'BACKORDERED')
        .execute()
    ).map((r) => r.order_id);
  expect(await backordered()).toHaveLength(5);
  const receive = (reference: string, warehouseId: string, quantity: number) =>
    subgraph.store.receiveStock(
      { warehouseId, reference, lines: [{ productId: productId(33), quantity }] },
      { correlationId: `corr-${reference}` },
    );
  // 60 at RNO, sent three times at once, and 30 at DAL under another reference at the same time: three orders move.
  const answers = await Promise.all([
    receive('ASN-PG-1', 'WH-RNO', 60),
    receive('ASN-PG-1', 'WH-RNO', 60),
    receive('ASN-PG-2', 'WH-DAL', 30),
    receive('ASN-PG-1', 'WH-RNO', 60),
  ]);
  const [first, ...rest] = [answers[0], answers[1], answers[3]];
  expect(rest.map((a) => a.receipt)).toEqual([first.receipt, first.receipt]);
  expect([first, ...rest].filter((a) => !a.replayed)).toHaveLength(1);
  expect(first.receipt.ordersAllocated.length + answers[2].receipt.ordersAllocated.length).toBe(3);
  expect(await backordered()).toHaveLength(2);
  expect(await level(33, 'WH-RNO')).toEqual({ on_hand: 65, allocated: 65 });
  expect(await level(33, 'WH-DAL')).toEqual({ on_hand: 96, allocated: 90 });
  const allocatedEvents = (await outboxRows(db())).filter(
    (r) => r.type === 'InventoryAllocated' && r.correlationId.startsWith('corr-ASN-PG'),
  );
  expect(allocatedEvents.map((r) => r.aggregateId).sort()).toEqual(
    [...first.receipt.ordersAllocated, ...answers[2].receipt.ordersAllocated].sort(),
  );
});
