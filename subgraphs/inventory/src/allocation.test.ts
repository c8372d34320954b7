import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, testEvent } from '@switchyard/kit/testing';
import { planAllocation } from './allocation-plan';
import { allocateOrder, consumeShippedStock, releaseOrder } from './event-handlers';
import { inventorySubgraph, type InventoryDB, type InventoryStore } from './index';
import { insertFixtures, productId } from './testing/fixtures';
import { orderAccepted, orderCancelled, shipmentConfirmed } from './testing/events';

/**
 * The stock of the fixtures (testing/fixtures.ts), available = on hand - allocated: product i has 100 in
 * ATL, 2i in DAL, 0 in RNO (when i % 3 == 0), and none anywhere when i % 10 == 0.
 */
let subgraph: RunningSubgraph<InventoryDB, InventoryStore>;
const db = () => subgraph.database.db;
const store = () => subgraph.store;

beforeEach(async () => {
  subgraph = await openSubgraph(inventorySubgraph, { dataDir: ':memory:' });
  await insertFixtures(db());
});

afterEach(() => subgraph.close());

const level = async (product: number, warehouseId: string) =>
  db()
    .selectFrom('stock_levels')
    .select(['on_hand', 'allocated'])
    .where('product_id', '=', productId(product))
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
const allocationsOf = (orderId: string) =>
  db()
    .selectFrom('allocations')
    .select([
      'id',
      'line_number',
      'product_id',
      'warehouse_id',
      'quantity',
      'status',
      'shipment_id',
    ])
    .where('order_id', '=', orderId)
    .orderBy('line_number')
    .orderBy('id')
    .execute();
const accept = (orderId: string, lines: [number, number, number][]) => {
  const event = testEvent(
    OrderToCashEvent.OrderAccepted,
    orderId,
    orderAccepted(orderId, lines),
    `corr-${orderId}`,
  );
  return deliverEvent(allocateOrder, event, store(), db()).then(() => event);
};

describe('the allocation rule (allocation-plan.ts)', () => {
  const stock = (code: string, available: Record<string, number>) => ({
    warehouseId: `WH-${code}`,
    warehouseCode: code,
    available: new Map(Object.entries(available)),
  });
  const line = (lineNumber: number, product: string, quantity: number) => ({
    lineNumber,
    productId: product,
    sku: product,
    quantity,
  });
  const warehouses = [
    stock('DAL', { A: 50, B: 5, C: 9 }),
    stock('ATL', { A: 100, C: 10 }),
    stock('RNO', { A: 100, B: 5, C: 10 }),
  ];

  test('the warehouse serving the most lines wins over the one with the most of a product', () => {
    // ATL cannot serve B; DAL and RNO serve all three lines; RNO has more A than DAL.
    const plan = planAllocation([line(1, 'A', 20), line(2, 'B', 5), line(3, 'C', 9)], warehouses);
    expect(plan).toEqual({
      kind: 'ALLOCATED',
      picks: [1, 2, 3].map((n) => ({
        line: expect.objectContaining({ lineNumber: n }),
        warehouseId: 'WH-RNO',
      })),
    });
  });

  test('then the most available of the order, then the lowest code', () => {
    expect(planAllocation([line(1, 'A', 60)], warehouses)).toMatchObject({
      picks: [{ warehouseId: 'WH-ATL' }],
    }); // ATL and RNO 100, ATL first by code
    expect(
      planAllocation([line(1, 'C', 1)], [stock('DAL', { C: 9 }), stock('ATL', { C: 2 })]),
    ).toMatchObject({ picks: [{ warehouseId: 'WH-DAL' }] });
  });

  test('a product on two lines counts what the first line took', () => {
    const plan = planAllocation([line(1, 'B', 5), line(2, 'B', 5)], warehouses);
    expect(plan).toMatchObject({
      kind: 'ALLOCATED',
      picks: [{ warehouseId: 'WH-DAL' }, { warehouseId: 'WH-RNO' }],
    });
  });

  test('a line no single warehouse can serve backorders the order, naming the most one warehouse had', () => {
    const plan = planAllocation([line(1, 'A', 10), line(2, 'B', 8)], warehouses);
    expect(plan).toEqual({
      kind: 'BACKORDERED',
      // every warehouse serves line 1 only; RNO holds the most of A and B (105), so the order waits there
      picks: [
        expect.objectContaining({ warehouseId: 'WH-RNO' }),
        expect.objectContaining({ warehouseId: 'WH-RNO' }),
      ],
      shortLines: [{ line: line(2, 'B', 8), available: 5 }],
    });
  });

  test('an order two warehouses can each serve whole is never split between them', () => {
    // DAL has more of A, RNO more of C: ranked per line they would split; ranked per order RNO (and its 60 units) takes both
    const plan = planAllocation(
      [line(1, 'A', 5), line(2, 'C', 5)],
      [stock('DAL', { A: 40, C: 6 }), stock('RNO', { A: 30, C: 30 })],
    );
    expect(plan).toMatchObject({
      kind: 'ALLOCATED',
      picks: [{ warehouseId: 'WH-RNO' }, { warehouseId: 'WH-RNO' }],
    });
  });
});

describe('inventory.allocate-order (OrderAccepted)', () => {
  test('reserves each line in the warehouse that serves the whole order, and announces InventoryAllocated with the correlation id', async () => {
    // product 59: ATL 100, DAL 118 -> only DAL has 110; product 11: ATL 100, DAL 22 -> DAL still wins (it serves both lines)
    await accept('ORD-700001', [
      [1, 59, 110],
      [2, 11, 5],
    ]);
    expect(await allocationsOf('ORD-700001')).toEqual([
      {
        id: 'ALC-000041',
        line_number: 1,
        product_id: productId(59),
        warehouse_id: 'WH-DAL',
        quantity: 110,
        status: 'ALLOCATED',
        shipment_id: null,
      },
      {
        id: 'ALC-000042',
        line_number: 2,
        product_id: productId(11),
        warehouse_id: 'WH-DAL',
        quantity: 5,
        status: 'ALLOCATED',
        shipment_id: null,
      },
    ]);
    expect(await level(59, 'WH-DAL')).toEqual({ on_hand: 118, allocated: 110 });
    expect(await level(11, 'WH-DAL')).toEqual({ on_hand: 22, allocated: 5 });
    expect(await level(11, 'WH-ATL')).toEqual({ on_hand: 111, allocated: 11 });
    expect(await outboxRows(db())).toEqual([
      {
        type: 'InventoryAllocated',
        source: 'inventory',
        aggregateId: 'ORD-700001',
        correlationId: 'corr-ORD-700001',
        payload: {
          orderId: 'ORD-700001',
          customerId: 'CUS-0001',
          allocations: [
            {
              allocationId: 'ALC-000041',
              lineNumber: 1,
              productId: productId(59),
              sku: 'SKU-59',
              quantity: 110,
              warehouseId: 'WH-DAL',
            },
            {
              allocationId: 'ALC-000042',
              lineNumber: 2,
              productId: productId(11),
              sku: 'SKU-11',
              quantity: 5,
              warehouseId: 'WH-DAL',
            },
          ],
        },
      },
    ]);
  });

  test('splits an order over warehouses only when no one warehouse can serve every line', async () => {
    // product 59 x 110: only DAL; product 21 x 50: ATL 100, DAL 42
    await accept('ORD-700002', [
      [1, 59, 110],
      [2, 21, 50],
    ]);
    expect(
      (await allocationsOf('ORD-700002')).map((a) => [a.line_number, a.warehouse_id, a.status]),
    ).toEqual([
      [1, 'WH-DAL', 'ALLOCATED'],
      [2, 'WH-ATL', 'ALLOCATED'],
    ]);
  });

  test('backorders every line and reserves nothing when a line cannot be served whole, announcing the short lines', async () => {
    // product 2: ATL 100 + DAL 4 = 104 >= 102, but no single warehouse holds 102; product 10 is stocked nowhere
    const event = await accept('ORD-700003', [
      [1, 2, 102],
      [2, 5, 3],
      [3, 10, 1],
    ]);
    expect(
      (await allocationsOf('ORD-700003')).map((a) => [
        a.line_number,
        a.warehouse_id,
        a.quantity,
        a.status,
      ]),
    ).toEqual([
      [1, 'WH-ATL', 102, 'BACKORDERED'],
      [2, 'WH-ATL', 3, 'BACKORDERED'],
      [3, 'WH-ATL', 1, 'BACKORDERED'],
    ]);
    expect(await level(2, 'WH-ATL')).toEqual({ on_hand: 102, allocated: 2 });
    expect(await level(5, 'WH-ATL')).toEqual({ on_hand: 105, allocated: 5 });
    expect(await outboxRows(db())).toEqual([
      {
        type: 'OrderBackordered',
        source: 'inventory',
        aggregateId: 'ORD-700003',
        correlationId: event.correlationId,
        payload: {
          orderId: 'ORD-700003',
          customerId: 'CUS-0001',
          shortLines: [
            {
              lineNumber: 1,
              productId: productId(2),
              sku: 'SKU-2',
              requested: 102,
              available: 100,
            },
            { lineNumber: 3, productId: productId(10), sku: 'SKU-10', requested: 1, available: 0 },
          ],
        },
      },
    ]);
  });

  test('never allocates more than is available: orders after the stock runs out are backordered', async () => {
    // product 33: ATL 100, DAL 66, RNO 0
    for (const n of [1, 2, 3, 4]) await accept(`ORD-71000${n}`, [[1, 33, 55]]);
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(async (n) =>
        (await allocationsOf(`ORD-71000${n}`)).map((a) => `${a.status}@${a.warehouse_id}`),
      ),
    );
    expect(outcomes).toEqual([
      ['ALLOCATED@WH-ATL'],
      ['ALLOCATED@WH-DAL'],
      ['BACKORDERED@WH-ATL'],
      ['BACKORDERED@WH-ATL'],
    ]);
    expect(await level(33, 'WH-ATL')).toEqual({ on_hand: 133, allocated: 88 });
    expect(await level(33, 'WH-DAL')).toEqual({ on_hand: 66, allocated: 55 });
  });

  test('a duplicate delivery, or the same acceptance under another event id, makes one allocation set and one event', async () => {
    const first = await accept('ORD-700004', [[1, 12, 7]]);
    await deliverEvent(allocateOrder, first, store(), db());
    const again = testEvent(
      OrderToCashEvent.OrderAccepted,
      'ORD-700004',
      orderAccepted('ORD-700004', [[1, 12, 7]]),
    );
    expect(
      await store().allocateOrder(again.payload, {
        handler: allocateOrder.name,
        eventId: again.id,
        correlationId: again.correlationId,
      }),
    ).toMatchObject({
      outcome: 'ALREADY_ALLOCATED',
      allocations: [{ orderId: 'ORD-700004', quantity: 7, status: 'ALLOCATED' }],
    });
    expect(
      await store().allocateOrder(first.payload as any, {
        handler: allocateOrder.name,
        eventId: first.id,
        correlationId: first.correlationId,
      }),
    ).toBeNull();
    expect(await allocationsOf('ORD-700004')).toHaveLength(1);
    expect(await level(12, 'WH-ATL')).toEqual({ on_hand: 112, allocated: 19 });
    expect((await outboxRows(db())).map((r) => r.type)).toEqual(['InventoryAllocated']);
  });

  test('a malformed event changes nothing, not even the delivery mark, so a retry processes it again', async () => {
    const broken = testEvent(OrderToCashEvent.OrderAccepted, 'ORD-700005', {
      ...orderAccepted('ORD-700005', [[1, 12, 7]]),
      lines: [{ lineNumber: 1, productId: productId(12), quantity: -3 }],
    });
    await expect(deliverEvent(allocateOrder, broken, store(), db())).rejects.toThrow(
      /malformed line/,
    );
    expect(await allocationsOf('ORD-700005')).toEqual([]);
    expect(await outboxRows(db())).toEqual([]);
    expect(
      await db()
        .selectFrom('event_inbox' as any)
        .selectAll()
        .execute(),
    ).toEqual([]);
  });
});

describe('inventory.release-order (OrderCancelled)', () => {
  test('releases ALLOCATED and BACKORDERED allocations and gives the reserved stock back, once', async () => {
    await accept('ORD-720001', [
      [1, 13, 40],
      [2, 14, 2],
    ]);
    expect(await level(13, 'WH-ATL')).toEqual({ on_hand: 113, allocated: 53 });
    const cancelled = testEvent(
      OrderToCashEvent.OrderCancelled,
      'ORD-720001',
      orderCancelled('ORD-720001'),
    );
    await deliverEvent(releaseOrder, cancelled, store(), db());
    await deliverEvent(releaseOrder, cancelled, store(), db());
    expect((await allocationsOf('ORD-720001')).map((a) => a.status)).toEqual([
      'RELEASED',
      'RELEASED',
    ]);
    expect(await level(13, 'WH-ATL')).toEqual({ on_hand: 113, allocated: 13 });
    expect(await level(14, 'WH-ATL')).toEqual({ on_hand: 114, allocated: 14 });

    await accept('ORD-720002', [[1, 20, 1]]); // stocked nowhere: backordered, nothing reserved
    await deliverEvent(
      releaseOrder,
      testEvent(
        OrderToCashEvent.OrderCancelled,
        'ORD-720002',
        orderCancelled('ORD-720002', 'BACKORDERED'),
      ),
      store(),
      db(),
    );
    expect((await allocationsOf('ORD-720002')).map((a) => a.status)).toEqual(['RELEASED']);
    expect(await level(14, 'WH-ATL')).toEqual({ on_hand: 114, allocated: 14 });
  });

  test('a cancellation processed before the acceptance leaves nothing reserved', async () => {
    await deliverEvent(
      releaseOrder,
      testEvent(
        OrderToCashEvent.OrderCancelled,
        'ORD-720003',
        orderCancelled('ORD-720003', 'ACCEPTED'),
      ),
      store(),
      db(),
    );
    const event = testEvent(
      OrderToCashEvent.OrderAccepted,
      'ORD-720003',
      orderAccepted('ORD-720003', [[1, 15, 5]]),
    );
    expect(
      await store().allocateOrder(event.payload, {
        handler: allocateOrder.name,
        eventId: event.id,
        correlationId: event.correlationId,
      }),
    ).toEqual({
      outcome: 'ORDER_CANCELLED',
      allocations: [],
    });
    expect(await allocationsOf('ORD-720003')).toEqual([]);
    expect(await level(15, 'WH-ATL')).toEqual({ on_hand: 115, allocated: 15 });
    expect(await outboxRows(db())).toEqual([]);
  });
});

describe('inventory.consume-shipped-stock (ShipmentConfirmed)', () => {
  test('the shipped lines become SHIPPED and their units leave on hand and allocated, once per shipment', async () => {
    await accept('ORD-730001', [
      [1, 16, 10],
      [2, 17, 4],
    ]);
    const confirmed = shipmentConfirmed('SHP-730001', 'ORD-730001', 'WH-ATL', [
      [1, 16, 10],
      [2, 17, 4],
    ]);
    await deliverEvent(
      consumeShippedStock,
      testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730001', confirmed),
      store(),
      db(),
    );
    // the same shipment again, under another event id
    await deliverEvent(
      consumeShippedStock,
      testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730001', confirmed),
      store(),
      db(),
    );
    expect(
      (await allocationsOf('ORD-730001')).map((a) => [a.line_number, a.status, a.shipment_id]),
    ).toEqual([
      [1, 'SHIPPED', 'SHP-730001'],
      [2, 'SHIPPED', 'SHP-730001'],
    ]);
    expect(await level(16, 'WH-ATL')).toEqual({ on_hand: 106, allocated: 16 });
    expect(await level(17, 'WH-ATL')).toEqual({ on_hand: 113, allocated: 17 });
  });

  test('a line shipped in part splits its allocation: the shipped units SHIPPED, the rest still reserved', async () => {
    await accept('ORD-730002', [[1, 18, 10]]);
    const first = shipmentConfirmed('SHP-730002', 'ORD-730002', 'WH-ATL', [[1, 18, 6]]);
    await deliverEvent(
      consumeShippedStock,
      testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730002', first),
      store(),
      db(),
    );
    expect(await allocationsOf('ORD-730002')).toEqual([
      {
        id: 'ALC-000041',
        line_number: 1,
        product_id: productId(18),
        warehouse_id: 'WH-ATL',
        quantity: 4,
        status: 'ALLOCATED',
        shipment_id: null,
      },
      {
        id: 'ALC-000042',
        line_number: 1,
        product_id: productId(18),
        warehouse_id: 'WH-ATL',
        quantity: 6,
        status: 'SHIPPED',
        shipment_id: 'SHP-730002',
      },
    ]);
    expect(await level(18, 'WH-ATL')).toEqual({ on_hand: 112, allocated: 22 });
    const rest = shipmentConfirmed('SHP-730003', 'ORD-730002', 'WH-ATL', [[1, 18, 4]]);
    await deliverEvent(
      consumeShippedStock,
      testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730003', rest),
      store(),
      db(),
    );
    expect(
      (await allocationsOf('ORD-730002')).map((a) => [a.quantity, a.status, a.shipment_id]),
    ).toEqual([
      [4, 'SHIPPED', 'SHP-730003'],
      [6, 'SHIPPED', 'SHP-730002'],
    ]);
    expect(await level(18, 'WH-ATL')).toEqual({ on_hand: 108, allocated: 18 });
  });

  test('a shipped line without a matching allocation throws and changes nothing', async () => {
    await accept('ORD-730004', [
      [1, 19, 5],
      [2, 22, 5],
    ]);
    const before = await allocationsOf('ORD-730004');
    // line 2 ships more than was reserved: the whole event is refused, line 1 included
    const wrong = shipmentConfirmed('SHP-730004', 'ORD-730004', 'WH-ATL', [
      [1, 19, 5],
      [2, 22, 6],
    ]);
    await expect(
      deliverEvent(
        consumeShippedStock,
        testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730004', wrong),
        store(),
        db(),
      ),
    ).rejects.toThrow(/no ALLOCATED allocation/);
    const elsewhere = shipmentConfirmed('SHP-730005', 'ORD-730004', 'WH-DAL', [[1, 19, 5]]);
    await expect(
      deliverEvent(
        consumeShippedStock,
        testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-730005', elsewhere),
        store(),
        db(),
      ),
    ).rejects.toThrow(/WH-DAL/);
    expect(await allocationsOf('ORD-730004')).toEqual(before);
    expect(await level(19, 'WH-ATL')).toEqual({ on_hand: 119, allocated: 24 });
  });
});
