import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import type { Kysely } from 'kysely';
import { forgetCancelledOrder, invoiceShipment, recordOpenOrder } from './event-handlers';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import { insertFixtures } from './testing/fixtures';
import {
  customersService,
  INTERNAL,
  line,
  orderAccepted,
  shipmentConfirmed,
} from './testing/events';

let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
const db = () => subgraph.database.db;
const store = () => subgraph.store;
const query = (document: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(subgraph.server, document, variables, {}, INTERNAL);
const exposureOf = async (customerId: string) =>
  (
    await query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { creditExposure { amount } openBalance { amount } } } }`,
      {
        r: [{ __typename: 'Customer', id: customerId }],
      },
    )
  ).data._entities[0];
const net45 = customersService('NET45');

beforeAll(async () => {
  subgraph = await openSubgraph(financeSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

// 10 x 12.34 + 3 x 100.00 = 423.40, TX tax 8.25 % = 34.93: 458.33 accepted into exposure.
const ORDER = orderAccepted(
  'ORD-900001',
  'CUS-0200',
  'TX',
  [line(1, 10, 1234), line(2, 3, 10_000)],
  3493,
);

describe('finance.record-open-order (OrderAccepted)', () => {
  test("records the order's lines and adds its total to the customer's credit exposure, once", async () => {
    const accepted = testEvent(OrderToCashEvent.OrderAccepted, ORDER.orderId, ORDER);
    await deliverEvent(recordOpenOrder, accepted, store(), db(), net45);
    await deliverEvent(recordOpenOrder, accepted, store(), db(), net45);
    // the same acceptance under another event id is the same order
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, ORDER.orderId, ORDER),
      store(),
      db(),
      net45,
    );
    expect(await exposureOf('CUS-0200')).toEqual({
      creditExposure: { amount: '458.33' },
      openBalance: { amount: '0.00' },
    });
    const lines = await db()
      .selectFrom('order_ledger_lines')
      .select(['line_number', 'quantity', 'unit_price_cents'])
      .where('order_id', '=', ORDER.orderId)
      .orderBy('line_number')
      .execute();
    expect(lines).toEqual([
      { line_number: 1, quantity: 10, unit_price_cents: 1234 },
      { line_number: 2, quantity: 3, unit_price_cents: 10_000 },
    ]);
    expect(
      await db()
        .selectFrom('order_ledger')
        .select(['ship_to_region', 'status', 'total_cents'])
        .where('order_id', '=', ORDER.orderId)
        .executeTakeFirst(),
    ).toEqual({
      ship_to_region: 'TX',
      status: 'ACCEPTED',
      total_cents: 45_833,
    });
  });
});

describe('finance.invoice-shipment (ShipmentConfirmed)', () => {
  test('invoices the shipped quantities at the order prices, taxed at the ship-to rate, due after the payment terms, and announces it', async () => {
    const before = (await outboxRows(db())).length;
    const calls: any[] = [];
    const shipped = testEvent(
      OrderToCashEvent.ShipmentConfirmed,
      'SHP-900001',
      shipmentConfirmed('SHP-900001', ORDER, [
        [1, 4],
        [2, 3],
      ]),
      'corr-ship-1',
    );
    await deliverEvent(invoiceShipment, shipped, store(), db(), customersService('NET45', calls));
    expect(calls).toEqual([
      { subgraph: 'customers', variables: { id: 'CUS-0200' }, correlationId: 'corr-ship-1' },
    ]);

    const [invoice] = await store().invoicesByShipmentIds(['SHP-900001']);
    // 4 x 12.34 + 3 x 100.00 = 349.36; tax 8.25 % = 28.8222 -> 28.82; total 378.18
    expect(invoice).toMatchObject({
      id: 'INV-001101',
      number: 'IN-201101',
      customerId: 'CUS-0200',
      orderId: 'ORD-900001',
      status: 'OPEN',
      currency: 'USD',
      subtotalCents: 34_936,
      taxRegion: 'TX',
      taxRateBps: 825,
      taxCents: 2882,
      totalCents: 37_818,
      shippedAt: '2026-06-02T08:00:00.000Z',
    });
    expect(Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt)).toBe(45 * 86_400_000);
    expect(Math.abs(Date.parse(invoice.issuedAt) - Date.now())).toBeLessThan(60_000);
    const lines = await store().linesByInvoiceIds([invoice.id]);
    expect(
      lines.map((l) => [
        l.lineNumber,
        l.orderLineNumber,
        l.sku,
        l.quantity,
        l.unitPriceCents,
        l.extendedCents,
      ]),
    ).toEqual([
      [1, 1, 'SKU-1', 4, 1234, 4936],
      [2, 2, 'SKU-2', 3, 10_000, 30_000],
    ]);

    const written = (await outboxRows(db())).slice(before);
    expect(written).toEqual([
      {
        type: 'InvoiceIssued',
        source: 'finance',
        aggregateId: 'INV-001101',
        correlationId: 'corr-ship-1',
        payload: {
          invoiceId: 'INV-001101',
          invoiceNumber: 'IN-201101',
          orderId: 'ORD-900001',
          shipmentId: 'SHP-900001',
          customerId: 'CUS-0200',
          currency: 'USD',
          subtotalCents: 34_936,
          taxCents: 2882,
          totalCents: 37_818,
          issuedAt: invoice.issuedAt,
        },
      },
    ]);
    // exposure is unchanged: 378.18 moved from uninvoiced orders to open receivables, 80.15 still uninvoiced
    expect(await exposureOf('CUS-0200')).toEqual({
      creditExposure: { amount: '458.33' },
      openBalance: { amount: '378.18' },
    });
    expect(
      await db()
        .selectFrom('open_orders')
        .select('uninvoiced_cents')
        .where('order_id', '=', ORDER.orderId)
        .executeTakeFirst(),
    ).toEqual({ uninvoiced_cents: 8015 });
  });

  test('the same ShipmentConfirmed delivered twice, or announced again under another id, makes one invoice and one event', async () => {
    const payload = shipmentConfirmed('SHP-900002', ORDER, [[1, 6]]);
    const event = testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-900002', payload);
    const before = (await outboxRows(db())).length;
    await deliverEvent(invoiceShipment, event, store(), db(), net45);
    await deliverEvent(invoiceShipment, event, store(), db(), net45);
    await store().invoiceShipment(
      payload,
      { days: 45 },
      { handler: invoiceShipment.name, eventId: 'another-delivery', correlationId: 'c' },
    );
    await deliverEvent(
      invoiceShipment,
      testEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-900002', payload),
      store(),
      db(),
      customersService(null),
    );
    const invoices = await store().invoicesByShipmentIds(['SHP-900002']);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ subtotalCents: 7404, taxCents: 611, totalCents: 8015 });
    expect((await outboxRows(db())).slice(before).map((r) => r.type)).toEqual(['InvoiceIssued']);
    // every ordered unit is invoiced now: the order leaves the uninvoiced projection, exposure is all receivables
    expect(
      await db()
        .selectFrom('open_orders')
        .selectAll()
        .where('order_id', '=', ORDER.orderId)
        .execute(),
    ).toEqual([]);
    expect(await exposureOf('CUS-0200')).toEqual({
      creditExposure: { amount: '458.33' },
      openBalance: { amount: '458.33' },
    });
  });

  test('a ship-to region without a tax rate throws naming the region and writes nothing; after setTaxRate the same event invoices', async () => {
    const order = orderAccepted('ORD-900003', 'CUS-0201', 'NV', [line(1, 2, 5000)], 0);
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
      store(),
      db(),
      net45,
    );
    const poison = testEvent(
      OrderToCashEvent.ShipmentConfirmed,
      'SHP-900003',
      shipmentConfirmed('SHP-900003', order, [[1, 2]]),
    );
    const before = (await outboxRows(db())).length;
    await expect(deliverEvent(invoiceShipment, poison, store(), db(), net45)).rejects.toThrow(
      'no sales tax rate for region NV',
    );
    expect(await store().invoicesByShipmentIds(['SHP-900003'])).toEqual([]);
    expect(
      await (db() as Kysely<any>)
        .selectFrom('event_inbox')
        .selectAll()
        .where('event_id', '=', poison.id)
        .execute(),
    ).toEqual([]);
    expect(await outboxRows(db())).toHaveLength(before);

    const set = await query(
      `mutation { setTaxRate(region: "NV", rateBasisPoints: 685) { region rate rateBasisPoints } }`,
    );
    expect(set.data.setTaxRate).toEqual({ region: 'NV', rate: '6.85', rateBasisPoints: 685 });
    await deliverEvent(invoiceShipment, poison, store(), db(), net45);
    const [invoice] = await store().invoicesByShipmentIds(['SHP-900003']);
    // 100.00 at 6.85 % = 6.85
    expect(invoice).toMatchObject({
      taxRegion: 'NV',
      taxRateBps: 685,
      subtotalCents: 10_000,
      taxCents: 685,
      totalCents: 10_685,
    });
  });

  test('an order finance never saw accepted, or a customers subgraph that is down, throws and writes nothing', async () => {
    const stranger = orderAccepted('ORD-999999', 'CUS-0202', 'TX', [line(1, 1, 100)], 8);
    await expect(
      deliverEvent(
        invoiceShipment,
        testEvent(
          OrderToCashEvent.ShipmentConfirmed,
          'SHP-999999',
          shipmentConfirmed('SHP-999999', stranger, [[1, 1]]),
        ),
        store(),
        db(),
        net45,
      ),
    ).rejects.toThrow('order ORD-999999 is unknown to finance');
    const known = orderAccepted('ORD-900004', 'CUS-0202', 'TX', [line(1, 1, 100)], 8);
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, known.orderId, known),
      store(),
      db(),
      net45,
    );
    await expect(
      deliverEvent(
        invoiceShipment,
        testEvent(
          OrderToCashEvent.ShipmentConfirmed,
          'SHP-900004',
          shipmentConfirmed('SHP-900004', known, [[1, 1]]),
        ),
        store(),
        db(),
        customersService(null),
      ),
    ).rejects.toThrow('customers is unavailable (unreachable)');
    // a shipped line the order does not have
    await expect(
      deliverEvent(
        invoiceShipment,
        testEvent(
          OrderToCashEvent.ShipmentConfirmed,
          'SHP-900004',
          shipmentConfirmed('SHP-900004', known, [[7, 1]]),
        ),
        store(),
        db(),
        net45,
      ),
    ).rejects.toThrow('order ORD-900004 has no line 7');
    expect(await store().invoicesByShipmentIds(['SHP-999999', 'SHP-900004'])).toEqual([]);
  });

  test('COD customers owe on issue', async () => {
    const order = orderAccepted('ORD-900006', 'CUS-0203', 'GA', [line(1, 1, 2500)], 100);
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
      store(),
      db(),
      net45,
    );
    await deliverEvent(
      invoiceShipment,
      testEvent(
        OrderToCashEvent.ShipmentConfirmed,
        'SHP-900006',
        shipmentConfirmed('SHP-900006', order, [[1, 1]]),
      ),
      store(),
      db(),
      customersService('COD'),
    );
    const [invoice] = await store().invoicesByShipmentIds(['SHP-900006']);
    expect(invoice.dueAt).toBe(invoice.issuedAt);
    expect(invoice).toMatchObject({ taxRegion: 'GA', taxCents: 100, totalCents: 2600 });
  });
});

describe('finance.forget-cancelled-order (OrderCancelled)', () => {
  test('a cancelled order leaves credit exposure and is never invoiced; a cancel of an order never accepted changes nothing', async () => {
    const order = orderAccepted('ORD-900005', 'CUS-0204', 'TX', [line(1, 5, 2000)], 825);
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
      store(),
      db(),
      net45,
    );
    expect((await exposureOf('CUS-0204')).creditExposure).toEqual({ amount: '108.25' });
    const cancelled = {
      orderId: order.orderId,
      customerId: 'CUS-0204',
      previousStatus: 'ACCEPTED',
      reason: 'customer changed its mind',
    };
    await deliverEvent(
      forgetCancelledOrder,
      testEvent(OrderToCashEvent.OrderCancelled, order.orderId, cancelled),
      store(),
      db(),
      net45,
    );
    expect((await exposureOf('CUS-0204')).creditExposure).toEqual({ amount: '0.00' });
    await expect(
      deliverEvent(
        invoiceShipment,
        testEvent(
          OrderToCashEvent.ShipmentConfirmed,
          'SHP-900005',
          shipmentConfirmed('SHP-900005', order, [[1, 5]]),
        ),
        store(),
        db(),
        net45,
      ),
    ).rejects.toThrow('order ORD-900005 was cancelled');
    const neverAccepted = {
      orderId: 'ORD-900099',
      customerId: 'CUS-0204',
      previousStatus: 'ON_HOLD',
      reason: 'credit',
    };
    await expect(
      deliverEvent(
        forgetCancelledOrder,
        testEvent(OrderToCashEvent.OrderCancelled, 'ORD-900099', neverAccepted),
        store(),
        db(),
        net45,
      ),
    ).resolves.toBeUndefined();
  });

  test('an OrderCancelled consumed before its OrderAccepted (their groups lag apart): the acceptance adds nothing to exposure and is never invoiced', async () => {
    const order = orderAccepted('ORD-900006', 'CUS-0205', 'TX', [line(1, 4, 2500)], 825);
    const before = (await exposureOf('CUS-0205')).creditExposure;
    await deliverEvent(
      forgetCancelledOrder,
      testEvent(OrderToCashEvent.OrderCancelled, order.orderId, {
        orderId: order.orderId,
        customerId: 'CUS-0205',
        previousStatus: 'ACCEPTED',
        reason: 'cancelled while finance was down',
      }),
      store(),
      db(),
      net45,
    );
    await deliverEvent(
      recordOpenOrder,
      testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
      store(),
      db(),
      net45,
    );
    expect((await exposureOf('CUS-0205')).creditExposure).toEqual(before);
    await expect(
      deliverEvent(
        invoiceShipment,
        testEvent(
          OrderToCashEvent.ShipmentConfirmed,
          'SHP-900007',
          shipmentConfirmed('SHP-900007', order, [[1, 4]]),
        ),
        store(),
        db(),
        net45,
      ),
    ).rejects.toThrow('order ORD-900006 was cancelled');
  });
});
