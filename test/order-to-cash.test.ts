/**
 * The order-to-cash chain end to end, through the governed gateway with the development consumers, on
 * both event transports: placeOrder's synchronous checks, the events from acceptance to CLOSED, the
 * figures of every subgraph agreeing at each step, idempotency, duplicates, catch-up after a subgraph
 * was down, and a poison event replayed from the exception queue after the fix.
 */
import fs from 'node:fs';
import Redis from 'ioredis';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createMemoryStore } from '@switchyard/gateway';
import { eventOfOutboxRow } from '@switchyard/kit';
import { pruneEvents } from '../subgraphs/kit/src/events/event-retention';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { eventually, startGraph, type RunningGraph } from './testing/graph-harness';

const governanceConfig = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const cents = (amount: string) => Math.round(Number(amount) * 100);

const PLACE_ORDER = `mutation Place($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) {
    accepted replayed
    order { id number status subtotal { amount } tax { amount } total { amount } }
    holds { reason detail }
  }
}`;

const ORDER_STATE = `query OrderState($id: ID!) {
  order(id: $id) {
    id status total { amount } subtotal { amount } tax { amount }
    lines { lineNumber quantity }
    allocations { quantity status warehouse { id } }
    shipments { id status }
    invoices { id status subtotal { amount } tax { amount } total { amount } balance { amount } }
  }
}`;

const CUSTOMER_FIGURES = `query CustomerFigures($id: ID!) {
  customer(id: $id) { id creditLimit { amount } creditExposure { amount } openBalance { amount } }
}`;

const STOCK = `query Stock($sku: String!) {
  product(sku: $sku) { id availability { warehouse { id } onHand allocated available } }
}`;

describe.each([
  ['the in-process bus', 'in-process' as const],
  ['Redis Streams', { redisUrl: REDIS_URL }],
])('order to cash over %s', (_name, events) => {
  let graph: RunningGraph;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-o2c-'));
    graph = await startGraph({
      seedScale: 0.05,
      events,
      dataDir,
      eventOptions: { relayIntervalMs: 20, retryBackoffMs: 10, maxAttempts: 2 },
      governance: (supergraph) =>
        createGovernance(governanceConfig, {
          supergraph,
          store: createMemoryStore(),
          logLevel: 'silent',
        }),
    });
  }, 180_000);
  afterAll(async () => {
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request as a development consumer (the key is the id). */
  async function as(
    consumer: string,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    const { body } = await graph.query(query, variables, { 'x-api-key': consumer, ...headers });
    return body;
  }
  async function ok(
    consumer: string,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    const body = await as(consumer, query, variables, headers);
    expect(body.errors).toBeUndefined();
    return body.data;
  }
  const orderState = async (id: string) =>
    (await ok('dev-sales-portal', ORDER_STATE, { id })).order;
  const customerFigures = async (id: string) => {
    const { customer } = await ok('dev-sales-portal', CUSTOMER_FIGURES, { id });
    return {
      limit: cents(customer.creditLimit.amount),
      exposure: cents(customer.creditExposure.amount),
      openBalance: cents(customer.openBalance.amount),
    };
  };
  const stockOf = async (sku: string) =>
    (await ok('dev-sales-portal', STOCK, { sku })).product.availability as {
      warehouse: { id: string };
      onHand: number;
      allocated: number;
    }[];
  const stockAt = (levels: Awaited<ReturnType<typeof stockOf>>, warehouseId: string) =>
    levels.find((l) => l.warehouse.id === warehouseId)!;

  /** An ACTIVE customer whose credit has room for `headroomCents`, and an ACTIVE product with stock. */
  async function pickCustomerAndProduct(headroomCents: number, skip: string[] = []) {
    const { customers } = await ok(
      'dev-sales-portal',
      '{ customers(first: 100, status: ACTIVE) { edges { node { id creditLimit { amount } creditExposure { amount } } } } }',
    );
    const customer = customers.edges
      .map((e: any) => e.node)
      .find(
        (c: any) =>
          !skip.includes(c.id) &&
          cents(c.creditLimit.amount) - cents(c.creditExposure.amount) > headroomCents,
      );
    const { products } = await ok(
      'dev-sales-portal',
      '{ products(first: 100, status: ACTIVE) { edges { node { sku totalAvailable listPrice { amount } } } } }',
    );
    const product = products.edges
      .map((e: any) => e.node)
      .find((p: any) => p.totalAvailable >= 20 && cents(p.listPrice.amount) < headroomCents / 10);
    expect(customer).toBeDefined();
    expect(product).toBeDefined();
    return { customerId: customer.id as string, sku: product.sku as string };
  }

  async function placeAcceptedOrder(
    customerId: string,
    sku: string,
    quantity: number,
    headers: Record<string, string> = {},
  ) {
    const { placeOrder } = await ok(
      'dev-web-store',
      PLACE_ORDER,
      { input: { customerId, lines: [{ sku, quantity }] }, key: randomUUID() },
      headers,
    );
    expect(placeOrder).toMatchObject({
      accepted: true,
      replayed: false,
      holds: [],
      order: { status: 'ACCEPTED' },
    });
    return placeOrder.order as {
      id: string;
      total: { amount: string };
      subtotal: { amount: string };
      tax: { amount: string };
    };
  }

  /** Waits for the order's planned shipment and moves it through pick and pack as the warehouse, then confirms it. */
  async function shipOrder(orderId: string, headers: Record<string, string> = {}) {
    const planned = await eventually(async () => {
      // Not finance's fields: a test stops finance around this step.
      const { order } = await ok(
        'dev-sales-portal',
        'query F($id: ID!) { order(id: $id) { status shipments { id status } } }',
        { id: orderId },
      );
      expect(order.status).toBe('ALLOCATED');
      expect(order.shipments).toEqual([expect.objectContaining({ status: 'PLANNED' })]);
      return order;
    });
    const shipmentId = planned.shipments[0].id as string;
    const milestone =
      'mutation M($id: ID!, $code: MilestoneCode!) { recordMilestone(shipmentId: $id, code: $code, location: "WH") { id status } }';
    expect(
      (await ok('dev-warehouse-ops', milestone, { id: shipmentId, code: 'PICKED' })).recordMilestone
        .status,
    ).toBe('PICKED');
    expect(
      (await ok('dev-warehouse-ops', milestone, { id: shipmentId, code: 'PACKED' })).recordMilestone
        .status,
    ).toBe('PACKED');
    const confirmed = await ok(
      'dev-warehouse-ops',
      'mutation C($id: ID!, $tracking: String!) { confirmShipment(shipmentId: $id, trackingNumber: $tracking) { id status } }',
      {
        id: shipmentId,
        tracking: `1Z${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
      },
      headers,
    );
    expect(confirmed.confirmShipment.status).toBe('SHIPPED');
    return shipmentId;
  }

  test('an order placed by dev-web-store goes to CLOSED after milestones and payment, and every subgraph agrees at each step', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(500_000);
    const before = await customerFigures(customerId);
    const stockBefore = await stockOf(sku);

    // Accepted: finance weighs the accepted order in the customer's credit exposure.
    const placed = await placeAcceptedOrder(customerId, sku, 3);
    const total = cents(placed.total.amount);
    expect(cents(placed.subtotal.amount) + cents(placed.tax.amount)).toBe(total);
    await eventually(async () =>
      expect((await customerFigures(customerId)).exposure).toBe(before.exposure + total),
    );

    // Allocated: inventory reserved the three units in one warehouse; shipments planned from there.
    const shipmentId = await shipOrder(placed.id);
    const allocated = await orderState(placed.id);
    expect(allocated.allocations).toEqual([expect.objectContaining({ quantity: 3 })]);
    const warehouseId = allocated.allocations[0].warehouse.id as string;

    // Shipped and invoiced: stock consumed at that warehouse, one invoice for the order's amounts, AR holds it.
    const invoiced = await eventually(async () => {
      const order = await orderState(placed.id);
      expect(order.status).toBe('INVOICED');
      expect(order.invoices).toHaveLength(1);
      return order;
    });
    const [invoice] = invoiced.invoices;
    expect({
      subtotal: cents(invoice.subtotal.amount),
      tax: cents(invoice.tax.amount),
      total: cents(invoice.total.amount),
    }).toEqual({
      subtotal: cents(placed.subtotal.amount),
      tax: cents(placed.tax.amount),
      total,
    });
    expect(invoiced.allocations).toEqual([
      expect.objectContaining({ quantity: 3, status: 'SHIPPED' }),
    ]);
    await eventually(async () => {
      const now = stockAt(await stockOf(sku), warehouseId);
      const then = stockAt(stockBefore, warehouseId);
      expect({ onHand: now.onHand, allocated: now.allocated }).toEqual({
        onHand: then.onHand - 3,
        allocated: then.allocated,
      });
    });
    const afterInvoice = await customerFigures(customerId);
    expect(afterInvoice).toMatchObject({
      openBalance: before.openBalance + total,
      exposure: before.exposure + total,
    });

    // Delivered, then paid in full: the order closes, AR and exposure return to where they were.
    const delivered = await ok(
      'dev-warehouse-ops',
      'mutation D($id: ID!) { recordDelivery(shipmentId: $id) { id status } }',
      { id: shipmentId },
    );
    expect(delivered.recordDelivery.status).toBe('DELIVERED');
    const paid = await ok(
      'dev-finance-ops',
      `mutation Pay($input: RecordPaymentInput!) { recordPayment(input: $input) { id amount { amount } unappliedAmount { amount } } }`,
      {
        input: {
          customerId,
          method: 'ACH',
          reference: `ACH-${placed.id}`,
          amount: invoice.total.amount,
          applications: [{ invoiceId: invoice.id, amount: invoice.total.amount }],
        },
      },
    );
    expect(cents(paid.recordPayment.unappliedAmount.amount)).toBe(0);
    const closed = await eventually(async () => {
      const order = await orderState(placed.id);
      expect(order.status).toBe('CLOSED');
      return order;
    });
    expect(closed.invoices).toEqual([
      expect.objectContaining({ status: 'PAID', balance: { amount: '0.00' } }),
    ]);
    expect(await customerFigures(customerId)).toEqual(before);

    // The business health view counts this order in every owner's measures.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const { businessHealth } = await ok(
      'dev-platform-admin',
      `query Health($from: DateTime!, $to: DateTime!) { businessHealth(from: $from, to: $to) {
        ordersPlaced orderToAccept { count } orderToShip { count } shipmentsConfirmed shipmentToInvoiceLag { count }
        invoiceAccuracy { invoicesChecked invoicesMatchingOrder }
      } }`,
      { from, to },
    );
    expect(businessHealth.ordersPlaced).toBeGreaterThanOrEqual(1);
    expect(businessHealth.orderToShip.count).toBeGreaterThanOrEqual(1);
    expect(businessHealth.shipmentsConfirmed).toBeGreaterThanOrEqual(1);
    expect(businessHealth.shipmentToInvoiceLag.count).toBeGreaterThanOrEqual(1);
    expect(businessHealth.invoiceAccuracy.invoicesMatchingOrder).toBe(
      businessHealth.invoiceAccuracy.invoicesChecked,
    );
  });

  test('a credit-limit breach puts the order on hold with reason CREDIT, and nothing moves downstream', async () => {
    const { customers } = await ok(
      'dev-sales-portal',
      '{ customers(first: 100, status: ACTIVE) { edges { node { id creditLimit { amount } creditExposure { amount } } } } }',
    );
    const customer = customers.edges.map((e: any) => e.node)[0];
    const { sku } = await pickCustomerAndProduct(100_000);
    const headroom = cents(customer.creditLimit.amount) - cents(customer.creditExposure.amount);
    // Sized from the customer's own quote (quantity breaks make large orders cheaper than list).
    const quote = async (quantity: number) => {
      const { priceQuote } = await ok(
        'dev-sales-portal',
        'query Q($c: ID!, $l: [PriceQuoteLineInput!]!) { priceQuote(customerId: $c, lines: $l) { extendedPrice { amount } } }',
        {
          c: customer.id,
          l: [{ sku, quantity }],
        },
      );
      return cents(priceQuote[0].extendedPrice.amount);
    };
    let quantity = 10;
    while ((await quote(quantity)) <= Math.max(headroom, 0) + 100_00) quantity *= 2;
    const { placeOrder } = await ok('dev-web-store', PLACE_ORDER, {
      input: { customerId: customer.id, lines: [{ sku, quantity }], allowBackorder: true },
      key: randomUUID(),
    });
    expect(placeOrder.accepted).toBe(false);
    expect(placeOrder.order.status).toBe('ON_HOLD');
    expect(placeOrder.holds).toEqual([
      expect.objectContaining({ reason: 'CREDIT', detail: expect.stringMatching(/credit/i) }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const order = await orderState(placeOrder.order.id);
    expect(order).toMatchObject({
      status: 'ON_HOLD',
      allocations: [],
      shipments: [],
      invoices: [],
    });
  });

  test('the same idempotency key returns the same order; with another input it is refused', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(100_000);
    const key = randomUUID();
    const input = { customerId, lines: [{ sku, quantity: 1 }] };
    const first = (await ok('dev-web-store', PLACE_ORDER, { input, key })).placeOrder;
    const again = (await ok('dev-web-store', PLACE_ORDER, { input, key })).placeOrder;
    expect(again).toMatchObject({
      replayed: true,
      accepted: first.accepted,
      order: { id: first.order.id, number: first.order.number },
    });
    const reused = await as('dev-web-store', PLACE_ORDER, {
      input: { ...input, lines: [{ sku, quantity: 2 }] },
      key,
    });
    expect(reused.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const { orders } = await ok(
      'dev-sales-portal',
      'query O($c: ID!) { orders(customerId: $c, first: 100) { edges { node { id } } } }',
      { c: customerId },
    );
    expect(orders.edges.filter((e: any) => e.node.id === first.order.id)).toHaveLength(1);
  });

  test('a duplicated ShipmentConfirmed makes one invoice', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(100_000);
    const placed = await placeAcceptedOrder(customerId, sku, 1);
    const shipmentId = await shipOrder(placed.id);
    await eventually(async () => expect((await orderState(placed.id)).invoices).toHaveLength(1));

    const row = await graph.subgraphs.shipments.database.db
      .selectFrom('event_outbox' as never)
      .selectAll()
      .where('type' as never, '=', 'ShipmentConfirmed' as never)
      .where('aggregate_id' as never, '=', shipmentId as never)
      .executeTakeFirstOrThrow();
    const confirmed = eventOfOutboxRow(row as never);
    // The same event delivered again, and the same fact announced under a new event id.
    const announcedAgain = { ...confirmed, id: randomUUID() };
    await graph.transport.publish([confirmed, announcedAgain]);
    // Both reach finance within a few relay and block intervals; for a while after, there is still one invoice.
    const invoiceCount = async () =>
      (
        await ok(
          'dev-finance-ops',
          'query I($o: ID!) { invoices(orderId: $o, first: 10) { totalCount } }',
          { o: placed.id },
        )
      ).invoices.totalCount;
    for (let i = 0; i < 10; i++) {
      expect(await invoiceCount()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect((await orderState(placed.id)).invoices).toHaveLength(1);
    const { financeEventExceptions } = await ok(
      'dev-platform-admin',
      '{ financeEventExceptions(status: OPEN, first: 50) { edges { node { aggregateId } } } }',
    );
    expect(
      financeEventExceptions.edges.filter((e: any) => e.node.aggregateId === shipmentId),
    ).toEqual([]);
  });

  test('finance stopped during the flow catches up after restart with nothing lost', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(100_000);
    const placed = await placeAcceptedOrder(customerId, sku, 1);
    // Finance must have taken the acceptance before it goes away (it prices the invoice from it).
    await eventually(async () => {
      const ledger = await graph.subgraphs.finance.database.db
        .selectFrom('order_ledger' as never)
        .selectAll()
        .where('order_id' as never, '=', placed.id as never)
        .execute();
      expect(ledger).toHaveLength(1);
    });
    await graph.stopSubgraph('finance');
    try {
      await shipOrder(placed.id);
      // Only orders is asked: finance's fields cannot be resolved while it is down.
      await eventually(async () =>
        expect(
          (
            await ok('dev-sales-portal', 'query S($id: ID!) { order(id: $id) { status } }', {
              id: placed.id,
            })
          ).order.status,
        ).toBe('SHIPPED'),
      );
    } finally {
      await graph.restartSubgraph('finance');
    }
    const order = await eventually(async () => {
      const state = await orderState(placed.id);
      expect(state.status).toBe('INVOICED');
      return state;
    }, 20_000);
    expect(order.invoices).toEqual([expect.objectContaining({ total: placed.total })]);
  });

  test('a poison event lands in the exception queue with its error and correlation id, and replays after the fix', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(100_000);
    const placed = await placeAcceptedOrder(customerId, sku, 1);
    const finance = () => graph.subgraphs.finance.database.db;
    const ledger = await eventually(
      async () =>
        (await finance()
          .selectFrom('order_ledger' as never)
          .selectAll()
          .where('order_id' as never, '=', placed.id as never)
          .executeTakeFirstOrThrow()) as { ship_to_region: string },
    );
    const region = ledger.ship_to_region;
    const { rate_bps: rateBps } = (await finance()
      .selectFrom('tax_rates' as never)
      .selectAll()
      .where('region' as never, '=', region as never)
      .executeTakeFirstOrThrow()) as { rate_bps: number };
    // The tax table loses the region after the order was accepted: finance cannot invoice the shipment.
    await finance()
      .deleteFrom('tax_rates' as never)
      .where('region' as never, '=', region as never)
      .execute();

    const correlationId = `o2c-poison-${randomUUID()}`;
    await shipOrder(placed.id, { 'x-correlation-id': correlationId });
    const LIST = `{ financeEventExceptions(status: OPEN, first: 20) { edges { node { id handler eventType aggregateId correlationId error attempts status } } } }`;
    const exception = await eventually(async () => {
      const { financeEventExceptions } = await ok('dev-platform-admin', LIST);
      const found = financeEventExceptions.edges
        .map((e: any) => e.node)
        .find((n: any) => n.correlationId === correlationId);
      expect(found).toBeDefined();
      return found;
    });
    expect(exception).toMatchObject({
      handler: 'finance.invoice-shipment',
      eventType: 'ShipmentConfirmed',
      status: 'OPEN',
      attempts: 2,
    });
    expect(exception.error).toContain(region);
    // Nobody without events:operate sees the queue.
    const refused = await as('dev-web-store', LIST);
    expect(refused.errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

    // The fix, then the replay through the graph: one invoice, at the restored rate.
    await ok(
      'dev-finance-ops',
      'mutation T($r: String!, $bps: Int!) { setTaxRate(region: $r, rateBasisPoints: $bps) { region } }',
      { r: region, bps: rateBps },
    );
    const { replayFinanceEventException } = await ok(
      'dev-finance-ops',
      'mutation R($id: ID!) { replayFinanceEventException(id: $id) { id status resolvedBy } }',
      { id: exception.id },
    );
    expect(replayFinanceEventException).toMatchObject({
      status: 'REPLAYED',
      resolvedBy: 'dev-finance-ops',
    });
    const order = await eventually(async () => {
      const state = await orderState(placed.id);
      expect(state.status).toBe('INVOICED');
      return state;
    });
    expect(order.invoices).toEqual([expect.objectContaining({ total: placed.total })]);
  });

  test('a backordered order moves again when stock arrives: receiveStock allocates it and a shipment is planned', async () => {
    const { customers } = await ok(
      'dev-sales-portal',
      '{ customers(first: 100, status: ACTIVE) { edges { node { id creditLimit { amount } creditExposure { amount } } } } }',
    );
    const headroom = (c: any) => cents(c.creditLimit.amount) - cents(c.creditExposure.amount);
    const customer = customers.edges
      .map((e: any) => e.node)
      .sort((a: any, b: any) => headroom(b) - headroom(a))[0];
    // The product whose shortest backorder (one more than any single warehouse has) costs least.
    const { products } = await ok(
      'dev-sales-portal',
      '{ products(first: 100, status: ACTIVE) { edges { node { id sku listPrice { amount } availability { warehouse { id } available } } } } }',
    );
    const candidates = products.edges
      .map((e: any) => e.node)
      .filter((p: any) => p.availability.length > 0)
      .map((p: any) => {
        const best = [...p.availability].sort((a: any, b: any) => b.available - a.available)[0];
        return {
          id: p.id as string,
          sku: p.sku as string,
          warehouseId: best.warehouse.id as string,
          quantity: Math.max(best.available, 0) + 1,
          cost: cents(p.listPrice.amount) * (Math.max(best.available, 0) + 1),
        };
      })
      .sort((a: any, b: any) => a.cost - b.cost);
    const product = candidates[0];
    expect(product.cost).toBeLessThan(headroom(customer) / 2);

    const { placeOrder } = await ok('dev-web-store', PLACE_ORDER, {
      input: {
        customerId: customer.id,
        lines: [{ sku: product.sku, quantity: product.quantity }],
        allowBackorder: true,
      },
      key: randomUUID(),
    });
    expect(placeOrder).toMatchObject({ accepted: true, order: { status: 'ACCEPTED' } });
    const orderId = placeOrder.order.id as string;
    await eventually(async () => {
      const order = await orderState(orderId);
      expect(order).toMatchObject({
        status: 'BACKORDERED',
        allocations: [
          expect.objectContaining({ status: 'BACKORDERED', quantity: product.quantity }),
        ],
        shipments: [],
      });
    });

    const RECEIVE = `mutation R($w: ID!, $lines: [ReceiptLineInput!]!, $ref: String!) {
      receiveStock(warehouseId: $w, lines: $lines, reference: $ref) { id warehouse { id } lines { product { id } quantity } ordersAllocated { id } } }`;
    const variables = {
      w: product.warehouseId,
      lines: [{ productId: product.id, quantity: product.quantity }],
      ref: `ASN-${randomUUID()}`,
    };
    const refused = await as('dev-web-store', RECEIVE, variables);
    expect(refused.errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const { receiveStock } = await ok('dev-warehouse-ops', RECEIVE, variables);
    expect(receiveStock).toMatchObject({
      warehouse: { id: product.warehouseId },
      lines: [{ product: { id: product.id }, quantity: product.quantity }],
    });
    expect(receiveStock.ordersAllocated).toContainEqual({ id: orderId });

    const order = await eventually(async () => {
      const state = await orderState(orderId);
      expect(state.status).toBe('ALLOCATED');
      expect(state.shipments).toEqual([expect.objectContaining({ status: 'PLANNED' })]);
      return state;
    });
    expect(order.allocations).toEqual([
      { quantity: product.quantity, status: 'ALLOCATED', warehouse: { id: product.warehouseId } },
    ]);
  });
  test('past the event retention, housekeeping leaves no published outbox row and no acknowledged transport entry, and orders still flow', async () => {
    const { customerId, sku } = await pickCustomerAndProduct(100_000);
    const before = await placeAcceptedOrder(customerId, sku, 1);
    await shipOrder(before.id);
    await eventually(async () => expect((await orderState(before.id)).invoices).toHaveLength(1));
    const outboxRows = async () => {
      let rows = 0;
      for (const subgraph of Object.values(graph.subgraphs))
        rows += (
          await subgraph.database.db
            .selectFrom('event_outbox' as never)
            .select('id' as never)
            .execute()
        ).length;
      return rows;
    };
    expect(await outboxRows()).toBeGreaterThan(0);

    // Everything is older than the retention from eight days on; consumers may still be acknowledging.
    const later = new Date(Date.now() + 8 * 86_400_000);
    await eventually(async () => {
      for (const subgraph of Object.values(graph.subgraphs))
        await pruneEvents(subgraph.database.db as never, graph.transport, later);
      expect(await outboxRows()).toBe(0);
      expect(await graph.transport.trim(later)).toBe(0);
      if ('streamKey' in graph.transport) {
        const redis = new Redis(REDIS_URL);
        try {
          expect(await redis.xlen(graph.transport.streamKey as string)).toBe(0);
        } finally {
          redis.disconnect();
        }
      }
    });

    const after = await placeAcceptedOrder(customerId, sku, 1);
    await shipOrder(after.id);
    await eventually(async () => expect((await orderState(after.id)).invoices).toHaveLength(1));
  });
});
