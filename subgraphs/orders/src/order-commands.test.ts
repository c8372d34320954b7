import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { outboxRows, querySubgraph } from '@switchyard/kit/testing';
import type { FastifyInstance } from 'fastify';
import { followAllocation, followShipments } from './event-handlers';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import {
  CREDIT_CONTROL,
  deliver,
  domainEvent,
  identity,
  SALES_DESK,
  serverWith,
  standardDependencies,
  type FakeDependencies,
} from './testing/order-capture';

let subgraph: RunningSubgraph<OrdersDB, OrderStore>;
let server: FastifyInstance;
let deps: FakeDependencies;

beforeAll(async () => {
  subgraph = await openSubgraph(ordersSubgraph, { dataDir: ':memory:' });
});
afterAll(() => subgraph.close());
beforeEach(async () => {
  deps = standardDependencies();
  server = await serverWith(subgraph, deps);
});
afterEach(() => server.close());

const ORDER_FIELDS =
  'id status subtotal { amount } tax { amount } lines { product { id } pricingRule unitPrice { amount } } holds { id reason active releasedBy releaseNote dependency } statusHistory { status cause note }';
let keys = 0;

async function placed(input: Record<string, unknown>): Promise<any> {
  const result = await querySubgraph(
    server,
    `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { order { ${ORDER_FIELDS} } } }`,
    { input, key: `commands-${++keys}-${Date.now()}` },
    {},
    SALES_DESK,
  );
  expect(result.errors).toBeUndefined();
  return result.data.placeOrder.order;
}
const accepted = () => placed({ customerId: 'CUS-0001', lines: [{ sku: 'WID-100', quantity: 2 }] });

const cancel = (orderId: string, reason = 'Customer changed its mind', caller = SALES_DESK) =>
  querySubgraph(
    server,
    `mutation ($id: ID!, $reason: String!) { cancelOrder(orderId: $id, reason: $reason) { ${ORDER_FIELDS} } }`,
    { id: orderId, reason },
    { 'x-correlation-id': 'corr-cancel' },
    caller,
  );
const release = (orderId: string, holdId?: string, note?: string) =>
  querySubgraph(
    server,
    `mutation ($id: ID!, $hold: ID, $note: String) { releaseHold(orderId: $id, holdId: $hold, note: $note) { ${ORDER_FIELDS} } }`,
    { id: orderId, hold: holdId, note },
    {},
    CREDIT_CONTROL,
  );
const eventsAfter = async (count: number) => (await outboxRows(subgraph.database.db)).slice(count);
const outboxCount = async () => (await outboxRows(subgraph.database.db)).length;

async function allocated(backordered = false) {
  const order = await accepted();
  const event = backordered
    ? domainEvent(OrderToCashEvent.OrderBackordered, order.id, {
        orderId: order.id,
        customerId: 'CUS-0001',
        shortLines: [],
      })
    : domainEvent(OrderToCashEvent.InventoryAllocated, order.id, {
        orderId: order.id,
        customerId: 'CUS-0001',
        allocations: [],
      });
  await deliver(subgraph, followAllocation, event);
  return order;
}

describe('cancelOrder', () => {
  test.each([
    ['ON_HOLD', () => placed({ customerId: 'CUS-0001', lines: [{ sku: 'OLD-300', quantity: 1 }] })],
    ['ACCEPTED', accepted],
    ['ALLOCATED', () => allocated()],
    ['BACKORDERED', () => allocated(true)],
  ])(
    'cancels an order that is %s, with the reason, and announces OrderCancelled',
    async (from, make) => {
      const order = await make();
      const before = await outboxCount();
      const result = await cancel(order.id);
      expect(result.errors).toBeUndefined();
      expect(result.data.cancelOrder.status).toBe('CANCELLED');
      expect(result.data.cancelOrder.statusHistory.at(-1)).toEqual({
        status: 'CANCELLED',
        cause: 'cancelOrder',
        note: 'Customer changed its mind',
      });
      expect(await eventsAfter(before)).toEqual([
        {
          type: 'OrderCancelled',
          source: 'orders',
          aggregateId: order.id,
          correlationId: 'corr-cancel',
          payload: {
            orderId: order.id,
            customerId: 'CUS-0001',
            previousStatus: from,
            reason: 'Customer changed its mind',
            // The reservations its placement made: released by their owners if still held for it.
            reservationId: expect.stringMatching(/^RSV-/),
          },
        },
      ]);
    },
  );

  test('an order that shipped, or one cancelled already, is INVALID_STATE_TRANSITION with from and to; nothing is written', async () => {
    const order = await allocated();
    await deliver(
      subgraph,
      followShipments,
      domainEvent(OrderToCashEvent.ShipmentConfirmed, 'SHP-1', {
        shipmentId: `SHP-C-${order.id}`,
        orderId: order.id,
        customerId: 'CUS-0001',
        warehouseId: 'WH-1',
        carrierId: 'CAR-1',
        trackingNumber: 'T1',
        shippedAt: new Date().toISOString(),
        lines: [{ orderLineNumber: 1, productId: 'PRD-00100', quantity: 2 }],
      }),
    );
    const before = await outboxCount();
    const shipped = await cancel(order.id);
    expect(shipped.data.cancelOrder).toBeNull();
    expect(shipped.errors?.[0].extensions).toEqual({
      code: 'INVALID_STATE_TRANSITION',
      typeName: 'Order',
      id: order.id,
      from: 'SHIPPED',
      to: 'CANCELLED',
    });
    expect(await outboxCount()).toBe(before);

    const other = await accepted();
    await cancel(other.id);
    const cancelled = await outboxCount();
    const twice = await cancel(other.id);
    expect(twice.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'CANCELLED',
      to: 'CANCELLED',
    });
    expect(await outboxCount()).toBe(cancelled);
  });

  test("an empty reason is BAD_USER_INPUT; an unknown order NOT_FOUND, and another tenant's order the same NOT_FOUND", async () => {
    const order = await accepted();
    expect((await cancel(order.id, '   ')).errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'reason',
    });
    const unknown = await cancel('ORD-999999');
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', typeName: 'Order' });
    const distributor = identity(
      'dev-beta-distributor',
      'distributor',
      ['orders:write'],
      ['CUS-0002'],
    );
    const foreign = await querySubgraph(
      server,
      `mutation { cancelOrder(orderId: "${order.id}", reason: "x") { id } }`,
      {},
      {},
      distributor,
    );
    // Not yours answers as does not exist: the caller cannot tell which order ids exist.
    // (the two requests are written differently: their errors' locations differ, nothing else may)
    const withoutId = (
      answer: { data?: unknown; errors?: { locations?: unknown }[] },
      id: string,
    ) => {
      const errors = answer.errors?.map(({ locations: _, ...error }) => error);
      return JSON.parse(JSON.stringify({ data: answer.data, errors }).split(id).join('<id>'));
    };
    expect(withoutId(foreign, order.id)).toEqual(withoutId(unknown, 'ORD-999999'));
    const [row] = await subgraph.database.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', order.id)
      .execute();
    expect(row.status).toBe('ACCEPTED');
  });
});

describe('releaseHold', () => {
  test('releases one hold, then the rest; with none left the order is ACCEPTED and announced', async () => {
    const order = await placed({
      customerId: 'CUS-0001',
      lines: [
        { sku: 'OLD-300', quantity: 1 },
        { sku: 'GAD-200', quantity: 50 },
      ],
    });
    expect(order.holds.map((h: any) => h.reason)).toEqual(['PRICING', 'INVENTORY']);
    const before = await outboxCount();

    const one = await release(order.id, order.holds[0].id, 'Discontinued stock may be sold off');
    expect(one.errors).toBeUndefined();
    expect(one.data.releaseHold.status).toBe('ON_HOLD');
    expect(one.data.releaseHold.holds).toEqual([
      {
        id: order.holds[0].id,
        reason: 'PRICING',
        active: false,
        releasedBy: 'dev-finance-ops',
        releaseNote: 'Discontinued stock may be sold off',
        dependency: null,
      },
      {
        id: order.holds[1].id,
        reason: 'INVENTORY',
        active: true,
        releasedBy: null,
        releaseNote: null,
        dependency: null,
      },
    ]);
    expect(await outboxCount()).toBe(before);

    const rest = await release(order.id);
    expect(rest.data.releaseHold.status).toBe('ACCEPTED');
    expect(rest.data.releaseHold.holds.every((h: any) => !h.active)).toBe(true);
    expect(rest.data.releaseHold.statusHistory.map((c: any) => [c.status, c.cause])).toEqual([
      ['ON_HOLD', 'placeOrder'],
      ['ACCEPTED', 'releaseHold'],
    ]);
    const events = await eventsAfter(before);
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted']);
    expect(events[0].payload).toMatchObject({
      orderId: order.id,
      totalCents: 500 + 50 * 9999 + Math.round((500 + 50 * 9999) * 0.0825),
    });
  });

  test('an order that is not ON_HOLD, an unknown hold, or one released already: refused', async () => {
    const order = await accepted();
    expect((await release(order.id)).errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'ACCEPTED',
      to: 'ACCEPTED',
    });
    const held = await placed({
      customerId: 'CUS-0001',
      lines: [
        { sku: 'OLD-300', quantity: 1 },
        { sku: 'GAD-200', quantity: 50 },
      ],
    });
    expect((await release(held.id, 'HLD-999999')).errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      typeName: 'Hold',
    });
    await release(held.id, held.holds[0].id);
    expect((await release(held.id, held.holds[0].id)).errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      typeName: 'Hold',
      from: 'RELEASED',
    });
  });

  test('a DEPENDENCY_UNAVAILABLE hold is released only by checking again: still down, nothing changes', async () => {
    deps.down.set('catalog', 'timeout');
    const order = await placed({
      customerId: 'CUS-0001',
      lines: [{ sku: 'WID-100', quantity: 4 }],
    });
    const before = await outboxCount();
    const stillDown = await release(order.id);
    expect(stillDown.data.releaseHold).toBeNull();
    expect(stillDown.errors?.[0].extensions).toEqual({
      code: 'DEPENDENCY_UNAVAILABLE',
      subgraphs: ['catalog'],
    });
    const [row] = await subgraph.database.db
      .selectFrom('holds')
      .select('released_at')
      .where('order_id', '=', order.id)
      .execute();
    expect(row.released_at).toBeNull();
    expect(await outboxCount()).toBe(before);
  });

  test('checked again with every dependency up, the order is priced and taxed, then accepted', async () => {
    deps.down.set('catalog', 'timeout');
    const order = await placed({
      customerId: 'CUS-0001',
      lines: [{ sku: 'WID-100', quantity: 4 }],
    });
    expect(order.lines).toEqual([
      { product: null, pricingRule: null, unitPrice: { amount: '0.00' } },
    ]);
    deps.down.clear();
    const before = await outboxCount();
    const result = await release(order.id);
    expect(result.errors).toBeUndefined();
    // 4 x 12.50 = 50.00; 8.25 % = 4.125 -> 4.13 (half away from zero)
    expect(result.data.releaseHold).toMatchObject({
      status: 'ACCEPTED',
      subtotal: { amount: '50.00' },
      tax: { amount: '4.13' },
      lines: [
        { product: { id: 'PRD-00100' }, pricingRule: 'CONTRACT', unitPrice: { amount: '12.50' } },
      ],
      holds: [
        {
          reason: 'DEPENDENCY_UNAVAILABLE',
          active: false,
          releasedBy: 'dev-finance-ops',
          releaseNote: 'checked again: every dependency answered',
        },
      ],
    });
    const [event] = await eventsAfter(before);
    expect(event.payload).toMatchObject({
      subtotalCents: 5000,
      taxCents: 413,
      lines: [{ productId: 'PRD-00100', unitPriceCents: 1250, pricingRule: 'CONTRACT' }],
    });
  });

  test('what the checks find for the first time is held anew; reasons already weighed are not held again', async () => {
    deps.down.set('inventory', 'unreachable');
    deps.customers.get('CUS-0001')!.status = 'ON_HOLD';
    const order = await placed({
      customerId: 'CUS-0001',
      lines: [{ sku: 'GAD-200', quantity: 9 }],
    });
    expect(order.holds.map((h: any) => h.reason)).toEqual([
      'CUSTOMER_STATUS',
      'DEPENDENCY_UNAVAILABLE',
    ]);
    deps.down.clear();
    const checked = await release(order.id);
    // Short of stock (newly seen): INVENTORY held; the customer's status was held before and is released with the rest.
    expect(checked.data.releaseHold.status).toBe('ON_HOLD');
    expect(checked.data.releaseHold.holds.map((h: any) => [h.reason, h.active])).toEqual([
      ['CUSTOMER_STATUS', false],
      ['DEPENDENCY_UNAVAILABLE', false],
      ['INVENTORY', true],
    ]);
    const last = await release(order.id);
    expect(last.data.releaseHold.status).toBe('ACCEPTED');
  });

  test('an order the checks cannot complete (a SKU unknown to the catalog) cannot be accepted: cancel it', async () => {
    deps.down.set('catalog', 'unreachable');
    const order = await placed({ customerId: 'CUS-0001', lines: [{ sku: 'NOPE-9', quantity: 1 }] });
    deps.down.clear();
    const result = await release(order.id);
    expect(result.errors?.[0].message).toBe(
      `Order ${order.id} cannot be accepted: no product has SKU NOPE-9. Cancel it and place it again`,
    );
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'ON_HOLD',
      to: 'ACCEPTED',
    });
  });
});
