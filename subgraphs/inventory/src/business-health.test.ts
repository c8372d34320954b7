import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { allocateOrder, consumeShippedStock, releaseOrder } from './event-handlers';
import { inventorySubgraph, type InventoryDB, type InventoryStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { orderAccepted, orderCancelled, shipmentConfirmed } from './testing/events';

let subgraph: RunningSubgraph<InventoryDB, InventoryStore>;
const db = () => subgraph.database.db;

beforeAll(async () => {
  subgraph = await openSubgraph(inventorySubgraph, { dataDir: ':memory:' });
  await insertFixtures(db());
});

afterAll(() => subgraph.close());

const HEALTH = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth {
  from to backorderedOrders allocationFillRate inventoryExceptionQueues { handler open }
} } }`;
const health = (from: string, to: string) =>
  querySubgraph(subgraph.server, HEALTH, { r: [{ __typename: 'BusinessHealth', from, to }] });

test('April of the fixtures, by hand: 4 orders, 8 lines, 6 reserved when allocated, 2 orders backordered', async () => {
  // Orders 1..4 were allocated on April 1..4. Allocation k has status k-1 mod 4 of ALLOCATED, BACKORDERED,
  // SHIPPED, RELEASED (no initial_status: rows from before it): order 1 is ALLOCATED + BACKORDERED,
  // order 2 SHIPPED + RELEASED, order 3 as 1, order 4 as 2. Released ones count as reserved.
  const result = await health('2026-04-01T00:00:00Z', '2026-04-05T00:00:00Z');
  expect(result.errors).toBeUndefined();
  expect(result.data._entities[0]).toMatchObject({
    from: '2026-04-01T00:00:00Z',
    to: '2026-04-05T00:00:00Z',
    backorderedOrders: 2,
    allocationFillRate: 0.75,
  });
  // to is exclusive: order 4 (April 4, 09:00) is out
  const three = await health('2026-04-01T00:00:00Z', '2026-04-04T09:00:00Z');
  expect(three.data._entities[0]).toMatchObject({
    backorderedOrders: 2,
    allocationFillRate: 4 / 6,
  });
});

test("today's allocations: a line shipped in parts counts once, a cancelled order's lines as they were allocated", async () => {
  const now = Date.now();
  const from = new Date(now - 60_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const send = (
    type: string,
    handler: typeof allocateOrder,
    aggregateId: string,
    payload: unknown,
  ) => deliverEvent(handler, testEvent(type, aggregateId, payload), subgraph.store, db());

  await send(
    OrderToCashEvent.OrderAccepted,
    allocateOrder,
    'ORD-800001',
    orderAccepted('ORD-800001', [
      [1, 1, 10],
      [2, 2, 1],
    ]),
  );
  await send(
    OrderToCashEvent.ShipmentConfirmed,
    consumeShippedStock,
    'SHP-800001',
    shipmentConfirmed('SHP-800001', 'ORD-800001', 'WH-ATL', [[1, 1, 4]]),
  );
  await send(
    OrderToCashEvent.OrderAccepted,
    allocateOrder,
    'ORD-800002',
    orderAccepted('ORD-800002', [
      [1, 3, 1],
      [2, 10, 1],
      [3, 4, 1],
    ]),
  );
  await send(
    OrderToCashEvent.OrderAccepted,
    allocateOrder,
    'ORD-800003',
    orderAccepted('ORD-800003', [[1, 5, 1]]),
  );
  await send(
    OrderToCashEvent.OrderCancelled,
    releaseOrder,
    'ORD-800003',
    orderCancelled('ORD-800003'),
  );
  await send(
    OrderToCashEvent.OrderCancelled,
    releaseOrder,
    'ORD-800002',
    orderCancelled('ORD-800002', 'BACKORDERED'),
  );

  // lines: 2 (order 1, line 1 split in two rows) + 3 backordered + 1 released = 6; reserved: 2 + 1 = 3
  const result = await health(from, to);
  expect(result.data._entities[0]).toMatchObject({ backorderedOrders: 1, allocationFillRate: 0.5 });
});

test('an empty window has no fill rate; a window that ends before it starts is BAD_USER_INPUT', async () => {
  const empty = await health('2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z');
  expect(empty.data._entities[0]).toMatchObject({ backorderedOrders: 0, allocationFillRate: null });
  const backwards = await health('2026-04-05T00:00:00Z', '2026-04-01T00:00:00Z');
  expect(backwards.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'from',
  });
});

test('the exception queues of its handlers are part of business health, empty when nothing failed', async () => {
  const result = await health('2026-04-01T00:00:00Z', '2026-04-05T00:00:00Z');
  expect(result.errors).toBeUndefined();
  expect(
    result.data._entities[0].inventoryExceptionQueues.every((q: { open: number }) => q.open === 0),
  ).toBe(true);
});
