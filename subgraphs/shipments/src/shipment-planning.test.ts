import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, testEvent } from '@switchyard/kit/testing';
import { chooseCarrier, FREIGHT_UNITS } from './carrier-choice';
import { cancelShipments, planShipment } from './event-handlers';
import { shipmentsSubgraph, type ShipmentsDB, type ShipmentStore } from './index';
import type { Carrier } from './store';
import { CARRIERS, insertFixtures } from './testing/fixtures';
import { inventoryAllocated, orderCancelled } from './testing/events';

let subgraph: RunningSubgraph<ShipmentsDB, ShipmentStore>;
const db = () => subgraph.database.db;
const store = () => subgraph.store;

beforeEach(async () => {
  subgraph = await openSubgraph(shipmentsSubgraph, { dataDir: ':memory:' });
  await insertFixtures(db());
});

afterEach(() => subgraph.close());

const shipmentsOf = async (orderId: string) =>
  db()
    .selectFrom('shipments')
    .select(['id', 'warehouse_id', 'carrier_id', 'service_level', 'status'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();

describe('the carrier rule (carrier-choice.ts)', () => {
  const carriers = CARRIERS as Carrier[];
  const use = (carrierId: string, shipments: number, lastPlannedAt: string) => ({
    carrierId,
    shipments,
    lastPlannedAt,
  });

  test(`up to ${FREIGHT_UNITS} units go by parcel on GROUND, more as LTL freight`, () => {
    expect(chooseCarrier(FREIGHT_UNITS, [], carriers)).toMatchObject({
      carrier: { id: 'CAR-FDX' },
      serviceLevel: 'GROUND',
    });
    expect(chooseCarrier(FREIGHT_UNITS + 1, [], carriers)).toMatchObject({
      carrier: { id: 'CAR-ODFL' },
      serviceLevel: 'LTL',
    });
  });

  test("the customer's usual carrier of the mode wins, the most recent on a tie; another mode's history does not count", () => {
    const history = [
      use('CAR-FDX', 2, '2026-03-07T10:00:00.000Z'),
      use('CAR-UPS', 2, '2026-03-12T08:00:00.000Z'),
      use('CAR-ODFL', 9, '2026-03-01T00:00:00.000Z'),
    ];
    expect(chooseCarrier(10, history, carriers).carrier.id).toBe('CAR-UPS');
    expect(
      chooseCarrier(
        10,
        [use('CAR-FDX', 3, '2026-01-01T00:00:00.000Z'), ...history.slice(1)],
        carriers,
      ).carrier.id,
    ).toBe('CAR-FDX');
    expect(
      chooseCarrier(10, [use('CAR-ODFL', 9, '2026-03-01T00:00:00.000Z')], carriers).carrier.id,
    ).toBe('CAR-FDX');
  });

  test('a mode without a carrier cannot be planned (the event waits in the exception queue)', () => {
    expect(() =>
      chooseCarrier(
        500,
        [],
        carriers.filter((c) => c.mode === 'PARCEL'),
      ),
    ).toThrow(/no LTL carrier/);
  });
});

describe('shipments.plan-shipment (InventoryAllocated)', () => {
  test('plans one shipment per warehouse with its lines, carrier, PLANNED milestone and ShipmentPlanned', async () => {
    // CUS-0001 ships parcel by UPS and FedEx twice each (UPS more recently), freight by ODFL
    const allocated = inventoryAllocated('ORD-500001', 'CUS-0001', [
      [1, 7, 5, 'WH-DAL'],
      [2, 8, 150, 'WH-ATL'],
      [3, 9, 10, 'WH-DAL'],
    ]);
    await deliverEvent(
      planShipment,
      testEvent(OrderToCashEvent.InventoryAllocated, 'ORD-500001', allocated, 'corr-plan'),
      store(),
      db(),
    );

    expect(await shipmentsOf('ORD-500001')).toEqual([
      {
        id: 'SHP-000031',
        warehouse_id: 'WH-ATL',
        carrier_id: 'CAR-ODFL',
        service_level: 'LTL',
        status: 'PLANNED',
      },
      {
        id: 'SHP-000032',
        warehouse_id: 'WH-DAL',
        carrier_id: 'CAR-UPS',
        service_level: 'GROUND',
        status: 'PLANNED',
      },
    ]);
    expect(await store().linesByShipmentIds(['SHP-000031', 'SHP-000032'])).toEqual([
      {
        shipmentId: 'SHP-000031',
        lineNumber: 1,
        orderLineNumber: 2,
        productId: 'PRD-00008',
        quantity: 150,
      },
      {
        shipmentId: 'SHP-000032',
        lineNumber: 1,
        orderLineNumber: 1,
        productId: 'PRD-00007',
        quantity: 5,
      },
      {
        shipmentId: 'SHP-000032',
        lineNumber: 2,
        orderLineNumber: 3,
        productId: 'PRD-00009',
        quantity: 10,
      },
    ]);
    const [shipment] = await store().shipmentsByIds(['SHP-000032']);
    expect(shipment).toMatchObject({
      customerId: 'CUS-0001',
      trackingNumber: null,
      shippedAt: null,
    });
    expect(Math.abs(Date.parse(shipment.plannedAt) - Date.now())).toBeLessThan(60_000);
    expect(await store().milestonesByShipmentIds(['SHP-000032'])).toEqual([
      {
        id: 'MLS-0000002',
        shipmentId: 'SHP-000032',
        code: 'PLANNED',
        at: shipment.plannedAt,
        location: 'WH-DAL',
        note: 'United Parcel Service, GROUND',
      },
    ]);
    expect(await outboxRows(db())).toEqual([
      {
        type: 'ShipmentPlanned',
        source: 'shipments',
        aggregateId: 'SHP-000031',
        correlationId: 'corr-plan',
        payload: {
          shipmentId: 'SHP-000031',
          orderId: 'ORD-500001',
          customerId: 'CUS-0001',
          warehouseId: 'WH-ATL',
          carrierId: 'CAR-ODFL',
          lines: [{ orderLineNumber: 2, productId: 'PRD-00008', quantity: 150 }],
        },
      },
      {
        type: 'ShipmentPlanned',
        source: 'shipments',
        aggregateId: 'SHP-000032',
        correlationId: 'corr-plan',
        payload: {
          shipmentId: 'SHP-000032',
          orderId: 'ORD-500001',
          customerId: 'CUS-0001',
          warehouseId: 'WH-DAL',
          carrierId: 'CAR-UPS',
          lines: [
            { orderLineNumber: 1, productId: 'PRD-00007', quantity: 5 },
            { orderLineNumber: 3, productId: 'PRD-00009', quantity: 10 },
          ],
        },
      },
    ]);
  });

  test('a customer without history gets the first carrier of the mode by code', async () => {
    await deliverEvent(
      planShipment,
      testEvent(
        OrderToCashEvent.InventoryAllocated,
        'ORD-500002',
        inventoryAllocated('ORD-500002', 'CUS-0999', [[1, 1, 3, 'WH-ATL']]),
      ),
      store(),
      db(),
    );
    expect(await shipmentsOf('ORD-500002')).toMatchObject([
      { carrier_id: 'CAR-FDX', service_level: 'GROUND' },
    ]);
  });

  test('a duplicate InventoryAllocated, delivered again or under another event id, plans one shipment per warehouse', async () => {
    const allocated = inventoryAllocated('ORD-500003', 'CUS-0002', [[1, 1, 3, 'WH-ATL']]);
    const event = testEvent(OrderToCashEvent.InventoryAllocated, 'ORD-500003', allocated);
    await deliverEvent(planShipment, event, store(), db());
    await deliverEvent(planShipment, event, store(), db());
    expect(
      await store().planShipments(allocated, {
        handler: planShipment.name,
        eventId: 'another-event-id',
        correlationId: 'corr-again',
      }),
    ).toEqual([]);
    expect(
      await store().planShipments(allocated, {
        handler: planShipment.name,
        eventId: event.id,
        correlationId: event.correlationId,
      }),
    ).toBeNull();
    // a later allocation in another warehouse still gets its shipment
    await deliverEvent(
      planShipment,
      testEvent(
        OrderToCashEvent.InventoryAllocated,
        'ORD-500003',
        inventoryAllocated('ORD-500003', 'CUS-0002', [[2, 2, 1, 'WH-DAL']]),
      ),
      store(),
      db(),
    );
    expect((await shipmentsOf('ORD-500003')).map((s) => s.warehouse_id)).toEqual([
      'WH-ATL',
      'WH-DAL',
    ]);
    expect((await outboxRows(db())).map((r) => r.aggregateId)).toEqual([
      'SHP-000031',
      'SHP-000032',
    ]);
  });

  test('a malformed event throws and writes nothing', async () => {
    const broken = inventoryAllocated('ORD-500004', 'CUS-0002', [[1, 1, 0, 'WH-ATL']]);
    await expect(
      deliverEvent(
        planShipment,
        testEvent(OrderToCashEvent.InventoryAllocated, 'ORD-500004', broken),
        store(),
        db(),
      ),
    ).rejects.toThrow(/malformed allocation/);
    expect(await shipmentsOf('ORD-500004')).toEqual([]);
    expect(await outboxRows(db())).toEqual([]);
  });
});

describe('shipments.cancel-shipments (OrderCancelled)', () => {
  test('cancels what has not shipped, keeps what has, once', async () => {
    // order 2 of the fixtures: SHP-000003 PACKED, SHP-000004 SHIPPED
    const event = testEvent(
      OrderToCashEvent.OrderCancelled,
      'ORD-000002',
      orderCancelled('ORD-000002', 'CUS-0002'),
    );
    await deliverEvent(cancelShipments, event, store(), db());
    expect(
      await store().cancelShipments(event.payload, {
        handler: cancelShipments.name,
        eventId: event.id,
        correlationId: event.correlationId,
      }),
    ).toBeNull();
    expect((await shipmentsOf('ORD-000002')).map((s) => [s.id, s.status])).toEqual([
      ['SHP-000003', 'CANCELLED'],
      ['SHP-000004', 'SHIPPED'],
    ]);
  });

  test('frees the natural key, and an allocation processed after the cancellation plans nothing', async () => {
    const allocated = inventoryAllocated('ORD-500005', 'CUS-0003', [[1, 1, 3, 'WH-ATL']]);
    await deliverEvent(
      planShipment,
      testEvent(OrderToCashEvent.InventoryAllocated, 'ORD-500005', allocated),
      store(),
      db(),
    );
    await deliverEvent(
      cancelShipments,
      testEvent(
        OrderToCashEvent.OrderCancelled,
        'ORD-500005',
        orderCancelled('ORD-500005', 'CUS-0003'),
      ),
      store(),
      db(),
    );
    expect(
      await db()
        .selectFrom('shipments')
        .select(['status', 'plan_key'])
        .where('order_id', '=', 'ORD-500005')
        .execute(),
    ).toEqual([{ status: 'CANCELLED', plan_key: null }]);

    await deliverEvent(
      cancelShipments,
      testEvent(
        OrderToCashEvent.OrderCancelled,
        'ORD-500006',
        orderCancelled('ORD-500006', 'CUS-0003'),
      ),
      store(),
      db(),
    );
    await deliverEvent(
      planShipment,
      testEvent(
        OrderToCashEvent.InventoryAllocated,
        'ORD-500006',
        inventoryAllocated('ORD-500006', 'CUS-0003', [[1, 1, 3, 'WH-ATL']]),
      ),
      store(),
      db(),
    );
    expect(await shipmentsOf('ORD-500006')).toEqual([]);
  });
});
