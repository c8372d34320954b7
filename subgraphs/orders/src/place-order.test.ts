import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { outboxRows, querySubgraph } from '@switchyard/kit/testing';
import type { FastifyInstance } from 'fastify';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import {
  dependencyStub,
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

const PLACE = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!, $key: String!) {
    placeOrder(input: $input, idempotencyKey: $key) {
      accepted
      replayed
      holds {
        reason
        detail
        dependency
        active
      }
      order {
        id
        number
        status
        channel
        poNumber
        customer {
          id
        }
        allowBackorder
        shipTo {
          addressId
          city
          region
        }
        subtotal {
          amount
          currency
        }
        tax {
          amount
        }
        total {
          amount
        }
        lines {
          lineNumber
          sku
          quantity
          product {
            id
          }
          pricingRule
          unitPrice {
            amount
          }
          extendedPrice {
            amount
          }
          expectedUnitPrice {
            amount
          }
        }
        statusHistory {
          status
          cause
        }
      }
    }
  }
`;

let keys = 0;
const newKey = () => `key-${Date.now()}-${++keys}`;
const place = (input: Record<string, unknown>, key = newKey(), caller = SALES_DESK) =>
  querySubgraph(server, PLACE, { input, key }, { 'x-correlation-id': 'corr-place-1' }, caller);
const orderCount = async () =>
  Number(
    (
      await subgraph.database.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const outboxCount = async () => (await outboxRows(subgraph.database.db)).length;

const WIDGETS = {
  customerId: 'CUS-0001',
  lines: [
    { sku: 'WID-100', quantity: 10 },
    { sku: 'GAD-200', quantity: 2 },
  ],
  poNumber: 'PO-77',
};

describe('placeOrder: accepted', () => {
  test('an order passing every check is ACCEPTED, priced and taxed, and OrderAccepted is written with it', async () => {
    const before = await outboxCount();
    const result = await place(WIDGETS);
    expect(result.errors).toBeUndefined();
    const placed = result.data.placeOrder;
    // 10 x 12.50 + 2 x 99.99 = 324.98; TX 8.25 % = 26.81085 -> 26.81
    expect(placed).toMatchObject({ accepted: true, replayed: false, holds: [] });
    expect(placed.order).toMatchObject({
      status: 'ACCEPTED',
      channel: 'SALES_REP',
      poNumber: 'PO-77',
      customer: { id: 'CUS-0001' },
      allowBackorder: false,
      shipTo: { addressId: 'ADR-0001', city: 'Dallas', region: 'TX' },
      subtotal: { amount: '324.98', currency: 'USD' },
      tax: { amount: '26.81' },
      total: { amount: '351.79' },
      statusHistory: [{ status: 'ACCEPTED', cause: 'placeOrder' }],
    });
    expect(placed.order.id).toMatch(/^ORD-\d{6}$/);
    expect(placed.order.lines).toEqual([
      {
        lineNumber: 1,
        sku: 'WID-100',
        quantity: 10,
        product: { id: 'PRD-00100' },
        pricingRule: 'CONTRACT',
        unitPrice: { amount: '12.50' },
        extendedPrice: { amount: '125.00' },
        expectedUnitPrice: null,
      },
      {
        lineNumber: 2,
        sku: 'GAD-200',
        quantity: 2,
        product: { id: 'PRD-00200' },
        pricingRule: 'LIST',
        unitPrice: { amount: '99.99' },
        extendedPrice: { amount: '199.98' },
        expectedUnitPrice: null,
      },
    ]);

    const events = (await outboxRows(subgraph.database.db)).slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'OrderAccepted',
      source: 'orders',
      aggregateId: placed.order.id,
      correlationId: 'corr-place-1',
    });
    expect(events[0].payload).toMatchObject({
      orderId: placed.order.id,
      orderNumber: placed.order.number,
      customerId: 'CUS-0001',
      channel: 'SALES_REP',
      currency: 'USD',
      shipTo: { addressId: 'ADR-0001', region: 'TX' },
      subtotalCents: 32_498,
      taxCents: 2681,
      totalCents: 35_179,
      lines: [
        {
          lineNumber: 1,
          productId: 'PRD-00100',
          sku: 'WID-100',
          quantity: 10,
          unitPriceCents: 1250,
          extendedCents: 12_500,
          pricingRule: 'CONTRACT',
        },
        {
          lineNumber: 2,
          productId: 'PRD-00200',
          sku: 'GAD-200',
          quantity: 2,
          unitPriceCents: 9999,
          extendedCents: 19_998,
          pricingRule: 'LIST',
        },
      ],
    });
    // Every dependency was asked with the request's correlation id.
    expect(new Set(deps.calls.map((c) => c.subgraph))).toEqual(
      new Set(['customers', 'catalog', 'finance', 'inventory']),
    );
    expect(deps.calls.every((c) => c.correlationId === 'corr-place-1')).toBe(true);
  });

  test('a named ship-to address, and an expected price that matches, are taken', async () => {
    const result = await place({
      customerId: 'CUS-0001',
      shipToAddressId: 'ADR-0002',
      lines: [{ sku: 'WID-100', quantity: 1, expectedUnitPrice: '12.5' }],
    });
    expect(result.data.placeOrder.accepted).toBe(true);
    expect(result.data.placeOrder.order.shipTo).toEqual({
      addressId: 'ADR-0002',
      city: 'Austin',
      region: 'TX',
    });
    expect(result.data.placeOrder.order.lines[0].expectedUnitPrice).toEqual({ amount: '12.50' });
  });
});

describe('placeOrder: holds', () => {
  const holdsOf = async (
    input: Record<string, unknown>,
    key = newKey(),
    caller: Parameters<typeof place>[2] = SALES_DESK,
  ) => {
    const result = await place(input, key, caller);
    expect(result.errors).toBeUndefined();
    expect(result.data.placeOrder.accepted).toBe(false);
    expect(result.data.placeOrder.order.status).toBe('ON_HOLD');
    return result.data.placeOrder.holds.map((h: any) => [h.reason, h.detail]);
  };

  test('a customer that is not ACTIVE: CUSTOMER_STATUS', async () => {
    deps.customers.get('CUS-0001')!.status = 'ON_HOLD';
    expect(await holdsOf(WIDGETS)).toEqual([
      [
        'CUSTOMER_STATUS',
        "Customer CUS-0001 is ON_HOLD, not ACTIVE: its orders need credit control's release",
      ],
    ]);
  });

  test('a discontinued product, a price other than the client showed, or no tax rate for the region: PRICING', async () => {
    expect(
      await holdsOf({
        customerId: 'CUS-0001',
        lines: [
          { sku: 'OLD-300', quantity: 1 },
          { sku: 'WID-100', quantity: 4, expectedUnitPrice: '11.00' },
        ],
      }),
    ).toEqual([
      ['PRICING', 'Line 1 (SKU OLD-300): the product is DISCONTINUED'],
      [
        'PRICING',
        'Line 2 (SKU WID-100): the client showed 11.00, the price is 12.50 USD (CONTRACT)',
      ],
    ]);
    expect(
      await holdsOf({ customerId: 'CUS-0002', lines: [{ sku: 'WID-100', quantity: 1 }] }),
    ).toEqual([['PRICING', 'No sales tax rate for region OR: finance must set one (setTaxRate)']]);
  });

  test('fewer units available than ordered: INVENTORY, unless backorders are allowed', async () => {
    const short = { customerId: 'CUS-0001', lines: [{ sku: 'GAD-200', quantity: 9 }] };
    expect(await holdsOf(short)).toEqual([
      ['INVENTORY', 'SKU GAD-200: 9 requested, 8 available across warehouses'],
    ]);
    const before = deps.calls.length;
    const backordered = await place({ ...short, allowBackorder: true });
    expect(backordered.data.placeOrder).toMatchObject({
      accepted: true,
      order: { status: 'ACCEPTED', allowBackorder: true },
    });
    expect(deps.calls.slice(before).map((c) => c.subgraph)).not.toContain('inventory');
  });

  test('credit exposure plus the order over the credit limit: CREDIT, with the figures for credit:read only', async () => {
    // exposure 2000.00 + 80 x 99.99 = 7999.20 + 8.25 % tax 659.93 = 8659.13 -> 10659.13 > 10000.00
    deps.products.get('GAD-200')!.available = 1000;
    const input = { customerId: 'CUS-0001', lines: [{ sku: 'GAD-200', quantity: 80 }] };
    const key = newKey();
    // The sales desk here has no credit:read: the sentence without the customer's credit figures.
    expect(await holdsOf(input, key)).toEqual([
      ['CREDIT', 'Order total 8659.13 USD exceeds the available credit'],
    ]);
    // The same answer (replayed from the key) read with credit:read, and the order's hold read by a service.
    const creditDesk = identity('dev-sales-portal', 'internal', ['orders:write', 'credit:read']);
    const withFigures =
      'Order total 8659.13 USD exceeds the available credit of 8000.00: credit exposure 2000.00, credit limit 10000.00';
    expect(await holdsOf(input, key, creditDesk)).toEqual([['CREDIT', withFigures]]);
    const stored = await subgraph.database.db
      .selectFrom('holds')
      .select(['detail', 'detail_facts'])
      .where('reason', '=', 'CREDIT')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(stored.detail).toBe('Order total 8659.13 USD exceeds the available credit');
    expect(JSON.parse(stored.detail_facts!).values.limit).toEqual({
      value: '10000.00',
      class: 'credit',
    });
  });

  test('every reason found is a hold, and OrderHeld lists them all', async () => {
    deps.customers.get('CUS-0001')!.status = 'INACTIVE';
    deps.customers.get('CUS-0001')!.exposureCents = 999_000;
    const before = await outboxCount();
    const result = await place({
      customerId: 'CUS-0001',
      lines: [
        { sku: 'OLD-300', quantity: 1 },
        { sku: 'GAD-200', quantity: 20 },
      ],
    });
    const reasons = result.data.placeOrder.holds.map((h: any) => h.reason);
    expect(reasons).toEqual(['CUSTOMER_STATUS', 'PRICING', 'INVENTORY', 'CREDIT']);
    const [event] = (await outboxRows(subgraph.database.db)).slice(before);
    expect(event.type).toBe('OrderHeld');
    expect(event.payload.reasons.map((r: any) => r.reason)).toEqual(reasons);
    expect(result.data.placeOrder.order.statusHistory).toEqual([
      { status: 'ON_HOLD', cause: 'placeOrder' },
    ]);
  });
});

describe('placeOrder: a dependency down or slow', () => {
  test('finance down: held DEPENDENCY_UNAVAILABLE naming it, priced but untaxed and not credit-checked', async () => {
    deps.down.set('finance', 'unreachable');
    const result = await place(WIDGETS);
    expect(result.data.placeOrder).toMatchObject({
      accepted: false,
      holds: [
        {
          reason: 'DEPENDENCY_UNAVAILABLE',
          dependency: 'finance',
          detail: 'finance did not answer (unreachable): tax rate and credit exposure not checked',
          active: true,
        },
      ],
      order: { status: 'ON_HOLD', subtotal: { amount: '324.98' }, tax: { amount: '0.00' } },
    });
  });

  test('catalog down: the lines are kept as asked, unidentified and unpriced, and availability is not asked', async () => {
    deps.down.set('catalog', 'timeout');
    const result = await place(WIDGETS);
    const { order, holds } = result.data.placeOrder;
    expect(holds.map((h: any) => [h.reason, h.dependency])).toEqual([
      ['DEPENDENCY_UNAVAILABLE', 'catalog'],
    ]);
    expect(holds[0].detail).toBe(
      'catalog did not answer (timeout): prices, availability and credit not checked',
    );
    expect(
      order.lines.map((l: any) => [
        l.sku,
        l.quantity,
        l.product,
        l.pricingRule,
        l.unitPrice.amount,
      ]),
    ).toEqual([
      ['WID-100', 10, null, null, '0.00'],
      ['GAD-200', 2, null, null, '0.00'],
    ]);
    expect(deps.calls.map((c) => c.subgraph)).not.toContain('inventory');
  });

  test('customers down: the ship-to is not known yet; every unavailable subgraph gets its own hold', async () => {
    deps.down.set('customers', 'unreachable');
    deps.down.set('inventory', 'timeout');
    const result = await place({ ...WIDGETS, shipToAddressId: 'ADR-0002' });
    const { order, holds } = result.data.placeOrder;
    expect(order.shipTo).toBeNull();
    expect(holds.map((h: any) => h.dependency)).toEqual(['customers', 'inventory']);
    const [row] = await subgraph.database.db
      .selectFrom('orders')
      .select('ship_to_address_id')
      .where('id', '=', order.id)
      .execute();
    expect(row.ship_to_address_id).toBe('ADR-0002');
  });

  test('a slow dependency over HTTP puts the order on hold within the timeout instead of hanging', async () => {
    const stub = await dependencyStub(deps, { inventory: 3_000 });
    const slow = await openSubgraph(ordersSubgraph, {
      dataDir: ':memory:',
      serviceUrls: stub.urls,
      serviceTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      const result = await querySubgraph(
        slow.server,
        PLACE,
        { input: WIDGETS, key: newKey() },
        {},
        SALES_DESK,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.errors).toBeUndefined();
      expect(result.data.placeOrder.holds).toEqual([
        {
          reason: 'DEPENDENCY_UNAVAILABLE',
          dependency: 'inventory',
          detail: 'inventory did not answer (timeout): availability not checked',
          active: true,
        },
      ]);
      expect(result.data.placeOrder.order.tax).toEqual({ amount: '26.81' });
    } finally {
      await slow.close();
      await stub.close();
    }
  });
});

describe('placeOrder: idempotency', () => {
  test('the same key and input answer the same order, without checking again or announcing anything', async () => {
    const key = newKey();
    const first = await place(WIDGETS, key);
    const [calls, events, orders] = [deps.calls.length, await outboxCount(), await orderCount()];
    // The same request, its JSON keys in another order.
    const again = await place(
      {
        poNumber: 'PO-77',
        lines: WIDGETS.lines.map((l) => ({ quantity: l.quantity, sku: l.sku })),
        customerId: 'CUS-0001',
      },
      key,
    );
    expect(again.data.placeOrder).toEqual({ ...first.data.placeOrder, replayed: true });
    expect([deps.calls.length, await outboxCount(), await orderCount()]).toEqual([
      calls,
      events,
      orders,
    ]);
  });

  test('a replayed held order answers its holds as placed', async () => {
    const key = newKey();
    deps.customers.get('CUS-0001')!.status = 'ON_HOLD';
    const first = await place(WIDGETS, key);
    deps.customers.get('CUS-0001')!.status = 'ACTIVE';
    const again = await place(WIDGETS, key);
    expect(again.data.placeOrder).toMatchObject({
      replayed: true,
      accepted: false,
      holds: first.data.placeOrder.holds,
      order: { id: first.data.placeOrder.order.id },
    });
  });

  test('the same key with another input is IDEMPOTENCY_KEY_REUSED, and writes nothing', async () => {
    const key = newKey();
    const first = await place(WIDGETS, key);
    const [events, orders] = [await outboxCount(), await orderCount()];
    const reused = await place({ ...WIDGETS, lines: [{ sku: 'WID-100', quantity: 11 }] }, key);
    expect(reused.data.placeOrder).toBeNull();
    expect(reused.errors?.[0].extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      argument: 'idempotencyKey',
      orderId: first.data.placeOrder.order.id,
    });
    expect([await outboxCount(), await orderCount()]).toEqual([events, orders]);
  });

  test('keys are per caller: another caller with the same key places its own order', async () => {
    const key = newKey();
    const mine = await place(WIDGETS, key);
    const theirs = await place(
      WIDGETS,
      key,
      identity('dev-web-portal', 'portal', ['orders:write']),
    );
    expect(theirs.data.placeOrder.replayed).toBe(false);
    expect(theirs.data.placeOrder.order.id).not.toBe(mine.data.placeOrder.order.id);
    expect(theirs.data.placeOrder.order.channel).toBe('PORTAL');
  });

  test('concurrent duplicates resolve to one order', async () => {
    const key = newKey();
    const [orders, events] = [await orderCount(), await outboxCount()];
    const results = await Promise.all([
      place(WIDGETS, key),
      place(WIDGETS, key),
      place(WIDGETS, key),
    ]);
    const ids = new Set(results.map((r) => r.data.placeOrder.order.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.data.placeOrder.replayed)).toHaveLength(1);
    expect([await orderCount(), await outboxCount()]).toEqual([orders + 1, events + 1]);
  });
});

describe('placeOrder: bad input writes nothing', () => {
  const refused = async (input: Record<string, unknown>, key = newKey()) => {
    const [orders, events] = [await orderCount(), await outboxCount()];
    const result = await place(input, key);
    expect(result.data?.placeOrder ?? null).toBeNull();
    expect([await orderCount(), await outboxCount()]).toEqual([orders, events]);
    return result.errors?.[0].extensions;
  };

  test.each([
    ['no lines', { customerId: 'CUS-0001', lines: [] }, 'input.lines'],
    [
      'a zero quantity',
      {
        customerId: 'CUS-0001',
        lines: [
          { sku: 'WID-100', quantity: 1 },
          { sku: 'GAD-200', quantity: 0 },
        ],
      },
      'input.lines[1].quantity',
    ],
    [
      'a quantity over 100000',
      { customerId: 'CUS-0001', lines: [{ sku: 'WID-100', quantity: 100_001 }] },
      'input.lines[0].quantity',
    ],
    [
      'an empty SKU',
      { customerId: 'CUS-0001', lines: [{ sku: '  ', quantity: 1 }] },
      'input.lines[0].sku',
    ],
    [
      'a SKU twice',
      {
        customerId: 'CUS-0001',
        lines: [
          { sku: 'WID-100', quantity: 1 },
          { sku: 'WID-100', quantity: 2 },
        ],
      },
      'input.lines[1].sku',
    ],
    [
      'a malformed expected price',
      {
        customerId: 'CUS-0001',
        lines: [{ sku: 'WID-100', quantity: 1, expectedUnitPrice: '12,50' }],
      },
      'input.lines[0].expectedUnitPrice',
    ],
    [
      'an unknown SKU',
      {
        customerId: 'CUS-0001',
        lines: [
          { sku: 'WID-100', quantity: 1 },
          { sku: 'NOPE-1', quantity: 1 },
        ],
      },
      'input.lines[1].sku',
    ],
    [
      'an unknown customer',
      { customerId: 'CUS-9999', lines: [{ sku: 'WID-100', quantity: 1 }] },
      'input.customerId',
    ],
    [
      'a ship-to of another customer',
      {
        customerId: 'CUS-0001',
        shipToAddressId: 'ADR-0003',
        lines: [{ sku: 'WID-100', quantity: 1 }],
      },
      'input.shipToAddressId',
    ],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, input, argument) => {
    expect(await refused(input)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  test('an idempotency key shorter than 8 characters is BAD_USER_INPUT', async () => {
    expect(await refused(WIDGETS, 'short')).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'idempotencyKey',
    });
  });

  test('nothing is asked of other subgraphs when the input itself is wrong', async () => {
    await refused({ customerId: 'CUS-0001', lines: [{ sku: 'WID-100', quantity: -1 }] });
    expect(deps.calls).toEqual([]);
  });
});

describe('placeOrder: row scope', () => {
  const distributor = identity(
    'dev-acme-distributor',
    'distributor',
    ['orders:write'],
    ['CUS-0002'],
  );

  test("a distributor may place orders only for its tenant's customers (FORBIDDEN, nothing asked or written)", async () => {
    const orders = await orderCount();
    const result = await place(WIDGETS, newKey(), distributor);
    expect(result.data.placeOrder).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(deps.calls).toEqual([]);
    expect(await orderCount()).toBe(orders);
  });

  test("a distributor's order for its customer goes in through EDI; an ecommerce store's is always ECOMMERCE", async () => {
    deps.taxRates.set('OR', 0);
    const edi = await place(
      { customerId: 'CUS-0002', lines: [{ sku: 'WID-100', quantity: 1 }] },
      newKey(),
      distributor,
    );
    expect(edi.data.placeOrder.order).toMatchObject({ channel: 'EDI', status: 'ACCEPTED' });
    // Without a tenant, a web store sees ECOMMERCE orders but no Customer rows: ask only for the order's own fields.
    const store = identity('dev-web-store', 'ecommerce', ['orders:write']);
    const web = await querySubgraph(
      server,
      `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { accepted order { channel status } } }`,
      { input: { ...WIDGETS, channel: 'PORTAL' }, key: newKey() },
      {},
      store,
    );
    expect(web.errors).toBeUndefined();
    expect(web.data.placeOrder).toEqual({
      accepted: true,
      order: { channel: 'ECOMMERCE', status: 'ACCEPTED' },
    });
  });
});
