import { randomUUID } from 'node:crypto';
import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { sql } from 'kysely';
import { cancelShipments, planShipment } from './event-handlers';
import { shipmentsSubgraph, type ShipmentsDB, type ShipmentStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { inventoryAllocated, orderCancelled, WAREHOUSE } from './testing/events';

/**
 * Planning and the execution commands on PostgreSQL (TEST_DATABASE_URL, default the local server), in
 * a schema of their own dropped afterwards: the same SQL as on SQLite, and what only PostgreSQL runs
 * concurrently (duplicate events at once, a plan racing its order's cancellation, two confirmations).
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `shipments_test_${randomUUID().slice(0, 8)}`;
let subgraph: RunningSubgraph<ShipmentsDB, ShipmentStore>;
const db = () => subgraph.database.db;

beforeAll(async () => {
  subgraph = await openSubgraph(shipmentsSubgraph, { databaseUrl, databaseSchema: schema });
  await insertFixtures(db());
});

afterAll(async () => {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db());
  await subgraph.close();
});

const liveShipments = (orderId: string) =>
  db()
    .selectFrom('shipments')
    .select(['id', 'warehouse_id', 'status'])
    .where('order_id', '=', orderId)
    .where('status', '<>', 'CANCELLED')
    .execute();

test('one allocation announced five times at once, under three event ids, plans one shipment per warehouse', async () => {
  const event = testEvent(
    OrderToCashEvent.InventoryAllocated,
    'ORD-400001',
    inventoryAllocated('ORD-400001', 'CUS-0001', [
      [1, 1, 5, 'WH-ATL'],
      [2, 2, 500, 'WH-DAL'],
    ]),
  );
  const events = [
    event,
    event,
    event,
    { ...event, id: randomUUID() },
    { ...event, id: randomUUID() },
  ];
  await Promise.all(
    events.map((e) => deliverEvent(planShipment, e, subgraph.store, db()).catch(() => undefined)),
  );
  expect((await liveShipments('ORD-400001')).map((s) => s.warehouse_id).sort()).toEqual([
    'WH-ATL',
    'WH-DAL',
  ]);
  expect((await outboxRows(db())).filter((r) => r.type === 'ShipmentPlanned')).toHaveLength(2);
});

test('a plan racing its order cancellation leaves no live shipment, whichever runs first', async () => {
  for (let n = 0; n < 5; n++) {
    const orderId = `ORD-41000${n}`;
    const plan = testEvent(
      OrderToCashEvent.InventoryAllocated,
      orderId,
      inventoryAllocated(orderId, 'CUS-0002', [[1, 3, 2, 'WH-ATL']]),
    );
    const cancel = testEvent(
      OrderToCashEvent.OrderCancelled,
      orderId,
      orderCancelled(orderId, 'CUS-0002'),
    );
    await Promise.all([
      deliverEvent(planShipment, plan, subgraph.store, db()),
      deliverEvent(cancelShipments, cancel, subgraph.store, db()),
    ]);
    expect(await liveShipments(orderId)).toEqual([]);
  }
});

test('a PACKED shipment confirmed twice at once ships once, with one event', async () => {
  const confirm = (tracking: string) =>
    querySubgraph(
      subgraph.server,
      `mutation { confirmShipment(shipmentId: "SHP-000009", trackingNumber: "${tracking}") { status trackingNumber } }`,
      {},
      {},
      WAREHOUSE,
    );
  const results = await Promise.all([confirm('PG-TRACK-1'), confirm('PG-TRACK-2')]);
  expect(results.filter((r) => r.data?.confirmShipment?.status === 'SHIPPED')).toHaveLength(1);
  expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions.code)).toEqual([
    'INVALID_STATE_TRANSITION',
  ]);
  expect(
    (await outboxRows(db())).filter(
      (r) => r.type === 'ShipmentConfirmed' && r.aggregateId === 'SHP-000009',
    ),
  ).toHaveLength(1);

  const health = await querySubgraph(
    subgraph.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { shipmentsConfirmed planToShip { count p50Hours p95Hours } } } }`,
    {
      r: [
        {
          __typename: 'BusinessHealth',
          from: '2026-03-01T00:00:00.000Z',
          to: '2026-03-10T00:00:00.000Z',
        },
      ],
    },
  );
  expect(health.data._entities[0]).toEqual({
    shipmentsConfirmed: 4,
    planToShip: { count: 4, p50Hours: 29, p95Hours: 31 },
  });
});

test('two shipments confirmed at once with one tracking number: one ships, the other is BAD_USER_INPUT naming trackingNumber', async () => {
  const planned = await db()
    .selectFrom('shipments')
    .select('id')
    .where('status', '=', 'PLANNED')
    .orderBy('id')
    .limit(2)
    .execute();
  expect(planned).toHaveLength(2);
  await db()
    .updateTable('shipments')
    .set({ status: 'PACKED' })
    .where(
      'id',
      'in',
      planned.map((s) => s.id),
    )
    .execute();
  const confirm = (shipmentId: string) =>
    querySubgraph(
      subgraph.server,
      `mutation { confirmShipment(shipmentId: "${shipmentId}", trackingNumber: "PG-SAME-TRACK") { status } }`,
      {},
      {},
      WAREHOUSE,
    );
  const results = await Promise.all(planned.map((s) => confirm(s.id)));
  expect(results.filter((r) => r.data?.confirmShipment?.status === 'SHIPPED')).toHaveLength(1);
  expect(
    results.flatMap((r) => r.errors ?? []).map((e) => [e.extensions.code, e.extensions.argument]),
  ).toEqual([['BAD_USER_INPUT', 'trackingNumber']]);
});
