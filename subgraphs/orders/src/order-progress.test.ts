import {
  openSubgraph,
  OrderToCashEvent,
  type DomainEvent,
  type RunningSubgraph,
} from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { followAllocation, followBilling, followShipments } from './event-handlers';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import { progressOf } from './order-status-rules';
import { plainHold } from './hold-details';
import { deliver, domainEvent, identity } from './testing/order-capture';

let subgraph: RunningSubgraph<OrdersDB, OrderStore>;
beforeAll(async () => {
  subgraph = await openSubgraph(ordersSubgraph, { dataDir: ':memory:' });
});
afterAll(() => subgraph.close());

const PLACED_AT = '2026-10-01T10:00:00.000Z';
let keys = 0;

/** An order written as placeOrder would: two lines (3 x 10.00 and 5 x 20.00), ACCEPTED, or ON_HOLD when `held`. */
async function order(held = false): Promise<string> {
  const { placement } = await subgraph.store.placeOrder(
    {
      customerId: 'CUS-0001',
      requestedShipToAddressId: null,
      channel: 'PORTAL',
      poNumber: null,
      allowBackorder: false,
      placedAt: PLACED_AT,
      holds: held ? [{ reason: 'CREDIT', detail: plainHold('TEST', 'over the limit') }] : [],
      shipTo: {
        addressId: 'ADR-1',
        name: 'Dock',
        line1: '1 Main',
        city: 'Dallas',
        region: 'TX',
        postalCode: '75201',
        country: 'US',
      },
      currency: 'USD',
      lines: [
        {
          lineNumber: 1,
          productId: 'PRD-1',
          sku: 'SKU-1',
          quantity: 3,
          unitPriceCents: 1000,
          extendedCents: 3000,
          pricingRule: 'LIST',
          expectedUnitPriceCents: null,
        },
        {
          lineNumber: 2,
          productId: 'PRD-2',
          sku: 'SKU-2',
          quantity: 5,
          unitPriceCents: 2000,
          extendedCents: 10_000,
          pricingRule: 'LIST',
          expectedUnitPriceCents: null,
        },
      ],
      subtotalCents: 13_000,
      taxCents: 0,
      totalCents: 13_000,
    },
    { callerId: 'test', key: `progress-${++keys}`, fingerprint: 'f' },
    { callerId: 'test', correlationId: 'corr-progress' },
  );
  return placement.orderId;
}

const allocatedEvent = (orderId: string, at = '2026-10-01T12:00:00.000Z') =>
  domainEvent(
    OrderToCashEvent.InventoryAllocated,
    orderId,
    { orderId, customerId: 'CUS-0001', allocations: [] },
    at,
  );
const backorderedEvent = (orderId: string) =>
  domainEvent(OrderToCashEvent.OrderBackordered, orderId, {
    orderId,
    customerId: 'CUS-0001',
    shortLines: [],
  });
const shippedEvent = (
  orderId: string,
  shipmentId: string,
  lines: [number, number][],
  shippedAt = '2026-10-02T08:00:00.000Z',
) =>
  domainEvent(OrderToCashEvent.ShipmentConfirmed, shipmentId, {
    shipmentId,
    orderId,
    customerId: 'CUS-0001',
    warehouseId: 'WH-1',
    carrierId: 'CAR-1',
    trackingNumber: `T-${shipmentId}`,
    shippedAt,
    lines: lines.map(([orderLineNumber, quantity]) => ({
      orderLineNumber,
      productId: `PRD-${orderLineNumber}`,
      quantity,
    })),
  });
const deliveredEvent = (
  orderId: string,
  shipmentId: string,
  deliveredAt = '2026-10-04T15:00:00.000Z',
) =>
  domainEvent(OrderToCashEvent.ShipmentDelivered, shipmentId, {
    shipmentId,
    orderId,
    customerId: 'CUS-0001',
    deliveredAt,
  });
const invoicedEvent = (
  orderId: string,
  invoiceId: string,
  shipmentId: string,
  totalCents: number,
  issuedAt = '2026-10-02T20:00:00.000Z',
) =>
  domainEvent(OrderToCashEvent.InvoiceIssued, invoiceId, {
    invoiceId,
    invoiceNumber: `N-${invoiceId}`,
    orderId,
    shipmentId,
    customerId: 'CUS-0001',
    currency: 'USD',
    subtotalCents: totalCents,
    taxCents: 0,
    totalCents,
    issuedAt,
  });
const paidEvent = (
  invoices: { orderId: string; invoiceId: string; appliedCents: number; balanceCents: number }[],
  at = '2026-10-20T09:00:00.000Z',
) =>
  domainEvent(
    OrderToCashEvent.PaymentApplied,
    `PAY-${invoices[0].invoiceId}`,
    {
      paymentId: `PAY-${invoices[0].invoiceId}`,
      customerId: 'CUS-0001',
      currency: 'USD',
      amountCents: invoices.reduce((s, i) => s + i.appliedCents, 0),
      unappliedCents: 0,
      invoices: invoices.map((i) => ({
        ...i,
        status: i.balanceCents === 0 ? 'PAID' : 'PARTIALLY_PAID',
      })),
    },
    at,
  );

const disputeResolvedEvent = (
  orderId: string,
  invoiceId: string,
  outcome: 'REJECTED' | 'CREDITED' | 'VOIDED',
  balanceCents: number,
  status: string,
  at = '2026-10-25T09:00:00.000Z',
) =>
  domainEvent(
    OrderToCashEvent.InvoiceDisputeResolved,
    invoiceId,
    {
      invoiceId,
      orderId,
      customerId: 'CUS-0001',
      currency: 'USD',
      outcome,
      note: 'n',
      creditMemoId: null,
      creditedCents: 0,
      balanceCents,
      status,
    },
    at,
  );

const handlerOf = (event: DomainEvent) =>
  [followAllocation, followShipments, followBilling].find((h) => h.on.includes(event.type))!;
const send = (event: DomainEvent) => deliver(subgraph, handlerOf(event), event);

async function stateOf(orderId: string) {
  const [o] = await subgraph.store.ordersByIds([orderId]);
  const history = await subgraph.store.statusHistoryByOrderIds([orderId]);
  const lines = await subgraph.store.linesByOrderIds([orderId]);
  return {
    status: o.status,
    history: history.map((h) => [h.status, h.at, h.cause]),
    shipped: lines.map((l) => l.shippedQuantity),
  };
}

describe('the order follows the chain', () => {
  test('ALLOCATED, SHIPPED, INVOICED, PAID, then CLOSED when delivered; each entered once, at the time of its fact', async () => {
    const id = await order();
    await send(allocatedEvent(id));
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    expect(await stateOf(id)).toMatchObject({ status: 'SHIPPED', shipped: [3, 5] });
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    await send(
      paidEvent(
        [{ orderId: id, invoiceId: `INV-${id}`, appliedCents: 5_000, balanceCents: 8_000 }],
        '2026-10-10T09:00:00.000Z',
      ),
    );
    expect((await stateOf(id)).status).toBe('INVOICED');
    await send(
      paidEvent([{ orderId: id, invoiceId: `INV-${id}`, appliedCents: 8_000, balanceCents: 0 }]),
    );
    expect((await stateOf(id)).status).toBe('PAID');
    await send(deliveredEvent(id, `SHP-${id}`, '2026-10-21T15:00:00.000Z'));
    expect(await stateOf(id)).toEqual({
      status: 'CLOSED',
      shipped: [3, 5],
      history: [
        ['ACCEPTED', PLACED_AT, 'placeOrder'],
        ['ALLOCATED', '2026-10-01T12:00:00.000Z', 'InventoryAllocated'],
        ['SHIPPED', '2026-10-02T08:00:00.000Z', 'ShipmentConfirmed'],
        ['INVOICED', '2026-10-02T20:00:00.000Z', 'InvoiceIssued'],
        ['PAID', '2026-10-20T09:00:00.000Z', 'PaymentApplied'],
        ['CLOSED', '2026-10-21T15:00:00.000Z', 'ShipmentDelivered'],
      ],
    });
  });

  test('delivered before it is paid: the payment makes it PAID and CLOSED at once', async () => {
    const id = await order();
    await send(allocatedEvent(id));
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    await send(deliveredEvent(id, `SHP-${id}`));
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    expect((await stateOf(id)).status).toBe('INVOICED');
    await send(
      paidEvent([{ orderId: id, invoiceId: `INV-${id}`, appliedCents: 13_000, balanceCents: 0 }]),
    );
    const { status, history } = await stateOf(id);
    expect(status).toBe('CLOSED');
    expect(history.slice(-2)).toEqual([
      ['PAID', '2026-10-20T09:00:00.000Z', 'PaymentApplied'],
      ['CLOSED', '2026-10-20T09:00:00.000Z', 'PaymentApplied'],
    ]);
  });

  test('an order shipped in two parts is PAID only when every unit shipped and every invoice is paid', async () => {
    const id = await order();
    await send(allocatedEvent(id));
    await send(shippedEvent(id, `SHP-A-${id}`, [[1, 3]]));
    await send(invoicedEvent(id, `INV-A-${id}`, `SHP-A-${id}`, 3_000));
    await send(
      paidEvent([{ orderId: id, invoiceId: `INV-A-${id}`, appliedCents: 3_000, balanceCents: 0 }]),
    );
    expect(await stateOf(id)).toMatchObject({ status: 'INVOICED', shipped: [3, 0] });
    await send(shippedEvent(id, `SHP-B-${id}`, [[2, 5]]));
    await send(invoicedEvent(id, `INV-B-${id}`, `SHP-B-${id}`, 10_000));
    await send(
      paidEvent([{ orderId: id, invoiceId: `INV-B-${id}`, appliedCents: 10_000, balanceCents: 0 }]),
    );
    expect(await stateOf(id)).toMatchObject({ status: 'PAID', shipped: [3, 5] });
    await send(deliveredEvent(id, `SHP-A-${id}`));
    expect((await stateOf(id)).status).toBe('PAID');
    await send(deliveredEvent(id, `SHP-B-${id}`));
    expect((await stateOf(id)).status).toBe('CLOSED');
  });

  test('one payment over invoices of two orders moves both', async () => {
    const [a, b] = [await order(), await order()];
    for (const id of [a, b]) {
      await send(
        shippedEvent(id, `SHP-${id}`, [
          [1, 3],
          [2, 5],
        ]),
      );
      await send(deliveredEvent(id, `SHP-${id}`));
      await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    }
    await send(
      paidEvent([
        { orderId: a, invoiceId: `INV-${a}`, appliedCents: 13_000, balanceCents: 0 },
        { orderId: b, invoiceId: `INV-${b}`, appliedCents: 13_000, balanceCents: 0 },
      ]),
    );
    expect([(await stateOf(a)).status, (await stateOf(b)).status]).toEqual(['CLOSED', 'CLOSED']);
  });
});

describe('settled by a dispute', () => {
  test('a dispute rejected leaves the order INVOICED; one credited to a zero balance settles it: PAID, and CLOSED as it was delivered', async () => {
    const id = await order();
    await send(allocatedEvent(id));
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    await send(deliveredEvent(id, `SHP-${id}`));
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    await send(
      paidEvent(
        [{ orderId: id, invoiceId: `INV-${id}`, appliedCents: 10_000, balanceCents: 3_000 }],
        '2026-10-20T09:00:00.000Z',
      ),
    );
    await send(
      disputeResolvedEvent(
        id,
        `INV-${id}`,
        'REJECTED',
        3_000,
        'PARTIALLY_PAID',
        '2026-10-22T09:00:00.000Z',
      ),
    );
    expect((await stateOf(id)).status).toBe('INVOICED');
    await send(disputeResolvedEvent(id, `INV-${id}`, 'CREDITED', 0, 'PAID'));
    const { status, history } = await stateOf(id);
    expect(status).toBe('CLOSED');
    expect(history.slice(-2)).toEqual([
      ['PAID', '2026-10-25T09:00:00.000Z', 'InvoiceDisputeResolved'],
      ['CLOSED', '2026-10-25T09:00:00.000Z', 'InvoiceDisputeResolved'],
    ]);
  });

  test('a voided invoice counts as settled; a resolution for an invoice not seen issued throws', async () => {
    const id = await order();
    await send(allocatedEvent(id));
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    await expect(
      send(disputeResolvedEvent(id, `INV-OTHER-${id}`, 'VOIDED', 0, 'VOID')),
    ).rejects.toThrow(/not seen issued/);
    await send(disputeResolvedEvent(id, `INV-${id}`, 'VOIDED', 0, 'VOID'));
    expect((await stateOf(id)).status).toBe('PAID');
  });
});

describe('idempotent and forward only', () => {
  test('the same event twice, or the same shipment under another event id, counts once', async () => {
    const id = await order();
    const shipped = shippedEvent(id, `SHP-${id}`, [
      [1, 3],
      [2, 5],
    ]);
    await send(shipped);
    await send(shipped);
    await send({ ...shipped, id: 'another-delivery-of-the-same-shipment' });
    expect(await stateOf(id)).toMatchObject({ status: 'SHIPPED', shipped: [3, 5] });
    const invoiced = invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000);
    await send(invoiced);
    await send({ ...invoiced, id: 'another-invoice-event' });
    const invoices = await subgraph.database.db
      .selectFrom('order_invoices')
      .selectAll()
      .where('order_id', '=', id)
      .execute();
    expect(invoices).toHaveLength(1);
  });

  test('a shipment confirmed before the allocation was processed: SHIPPED, and the late allocation does not move it back', async () => {
    const id = await order();
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    await send(allocatedEvent(id));
    await send(backorderedEvent(id));
    expect(await stateOf(id)).toMatchObject({
      status: 'SHIPPED',
      history: [
        ['ACCEPTED', PLACED_AT, 'placeOrder'],
        ['SHIPPED', '2026-10-02T08:00:00.000Z', 'ShipmentConfirmed'],
      ],
    });
  });

  test('a backordered order is ALLOCATED when stock arrives; an allocated one is never BACKORDERED', async () => {
    const id = await order();
    await send(backorderedEvent(id));
    expect((await stateOf(id)).status).toBe('BACKORDERED');
    await send(allocatedEvent(id));
    expect((await stateOf(id)).status).toBe('ALLOCATED');
    await send(backorderedEvent(id));
    expect((await stateOf(id)).status).toBe('ALLOCATED');
  });

  test('an older payment replayed late does not raise a balance', async () => {
    const id = await order();
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    const first = paidEvent([
      { orderId: id, invoiceId: `INV-${id}`, appliedCents: 3_000, balanceCents: 10_000 },
    ]);
    const second = paidEvent([
      { orderId: id, invoiceId: `INV-${id}`, appliedCents: 10_000, balanceCents: 0 },
    ]);
    await send(second);
    await send(first);
    const [invoice] = await subgraph.database.db
      .selectFrom('order_invoices')
      .select(['balance_cents', 'status'])
      .where('invoice_id', '=', `INV-${id}`)
      .execute();
    expect(invoice).toEqual({ balance_cents: 0, status: 'PAID' });
    expect((await stateOf(id)).status).toBe('PAID');
  });

  test('a cancelled order keeps its status whatever arrives late', async () => {
    const id = await order();
    await subgraph.store.cancelOrder(id, 'duplicate order', {
      callerId: 'test',
      correlationId: 'c',
    });
    await send(allocatedEvent(id));
    expect((await stateOf(id)).status).toBe('CANCELLED');
  });
});

describe('anomalies throw (and so land in the exception queue)', () => {
  test('an event about an order this subgraph does not have, or one never accepted', async () => {
    await expect(send(allocatedEvent('ORD-404404'))).rejects.toThrow(
      'InventoryAllocated names order ORD-404404, which the orders subgraph does not have',
    );
    const held = await order(true);
    await expect(send(shippedEvent(held, 'SHP-X', [[1, 1]]))).rejects.toThrow(
      `ShipmentConfirmed names order ${held}, which is ON_HOLD: it was never accepted`,
    );
  });

  test('a payment of an invoice not seen issued throws and changes nothing; retried after the invoice, it applies', async () => {
    const id = await order();
    await send(
      shippedEvent(id, `SHP-${id}`, [
        [1, 3],
        [2, 5],
      ]),
    );
    const payment = paidEvent([
      { orderId: id, invoiceId: `INV-${id}`, appliedCents: 13_000, balanceCents: 0 },
    ]);
    await expect(send(payment)).rejects.toThrow(/has not seen issued/);
    await send(invoicedEvent(id, `INV-${id}`, `SHP-${id}`, 13_000));
    await send(payment);
    expect((await stateOf(id)).status).toBe('PAID');
  });

  test('through the kit: a poison event goes to the orders exception queue after its retries; a good one moves the order', async () => {
    const running = await openSubgraph(ordersSubgraph, {
      dataDir: ':memory:',
      eventOptions: { maxAttempts: 2, retryBackoffMs: 1, relayIntervalMs: 10 },
    });
    try {
      const { placement } = await running.store.placeOrder(
        {
          customerId: 'CUS-0001',
          requestedShipToAddressId: null,
          channel: 'PORTAL',
          poNumber: null,
          allowBackorder: false,
          placedAt: PLACED_AT,
          holds: [],
          shipTo: {
            addressId: 'A',
            name: 'N',
            line1: 'L',
            city: 'C',
            region: 'TX',
            postalCode: 'P',
            country: 'US',
          },
          currency: 'USD',
          lines: [
            {
              lineNumber: 1,
              productId: 'PRD-1',
              sku: 'SKU-1',
              quantity: 1,
              unitPriceCents: 100,
              extendedCents: 100,
              pricingRule: 'LIST',
              expectedUnitPriceCents: null,
            },
          ],
          subtotalCents: 100,
          taxCents: 0,
          totalCents: 100,
        },
        { callerId: 'test', key: 'through-the-kit', fingerprint: 'f' },
        { callerId: 'test', correlationId: 'c' },
      );
      await running.transport.publish([
        allocatedEvent('ORD-777777'),
        allocatedEvent(placement.orderId),
      ]);
      const operator = identity('dev-platform-admin', 'internal', ['events:operate']);
      const deadline = Date.now() + 10_000;
      let exceptions: any[] = [];
      let status = 'ACCEPTED';
      while (Date.now() < deadline && (exceptions.length === 0 || status !== 'ALLOCATED')) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const result = await querySubgraph(
          running.server,
          `{ ordersEventExceptions { edges { node { handler eventType aggregateId attempts error status } } } order(id: "${placement.orderId}") { status } }`,
          {},
          {},
          operator,
        );
        exceptions = result.data.ordersEventExceptions.edges.map((e: any) => e.node);
        status = result.data.order.status;
      }
      expect(status).toBe('ALLOCATED');
      expect(exceptions).toEqual([
        {
          handler: 'orders.follow-allocation',
          eventType: 'InventoryAllocated',
          aggregateId: 'ORD-777777',
          attempts: 2,
          error:
            'InventoryAllocated names order ORD-777777, which the orders subgraph does not have',
          status: 'OPEN',
        },
      ]);
    } finally {
      await running.close();
    }
  });
});

describe('progressOf', () => {
  const facts = {
    allocated: false,
    backordered: false,
    lines: [{ quantity: 2, shippedQuantity: 2 }],
    shipments: [],
    invoices: [],
  };
  test('ON_HOLD and CANCELLED orders do not follow the chain', () => {
    const everything = {
      ...facts,
      allocated: true,
      shipments: [{ shipmentId: 'S', shippedAt: 'x', deliveredAt: 'y' }],
      invoices: [{ shipmentId: 'S', balanceCents: 0 }],
    };
    expect(progressOf({ ...everything, status: 'ON_HOLD' })).toEqual({
      status: 'ON_HOLD',
      entered: [],
    });
    expect(progressOf({ ...everything, status: 'CANCELLED' })).toEqual({
      status: 'CANCELLED',
      entered: [],
    });
    expect(progressOf({ ...everything, status: 'ACCEPTED' })).toEqual({
      status: 'CLOSED',
      entered: ['ALLOCATED', 'SHIPPED', 'INVOICED', 'PAID', 'CLOSED'],
    });
  });

  test('a shipment not yet invoiced keeps a paid-up order from PAID', () => {
    const shipments = [
      { shipmentId: 'A', shippedAt: 'x', deliveredAt: null },
      { shipmentId: 'B', shippedAt: 'x', deliveredAt: null },
    ];
    expect(
      progressOf({
        ...facts,
        status: 'INVOICED',
        shipments,
        invoices: [{ shipmentId: 'A', balanceCents: 0 }],
      }).status,
    ).toBe('INVOICED');
  });
});
