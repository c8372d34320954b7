/**
 * Order capture under concurrency (issue 19): placeOrder reserves what its checks promise, credit at
 * finance and stock at inventory, so parallel orders never count on the same room or units. Real
 * subgraph servers and the real gateway over HTTP, on SQLite and on PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventually, startGraph, type RunningGraph } from './testing/graph-harness';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Longer than the default orphan timeout (10 minutes): what housekeeping sees once a reservation is orphaned. */
const LATER = () => new Date(Date.now() + 11 * 60_000);

const PLACE_ORDER = `mutation Place($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) {
    accepted replayed order { id status total { amount } } holds { reason detail }
  }
}`;
const CREDIT = `query Credit($id: ID!) {
  customer(id: $id) { creditLimit { amount } creditExposure { amount } reservedCredit { amount } }
}`;
const STOCK = `query Stock($sku: String!) {
  product(sku: $sku) { availability { warehouse { id } onHand allocated reserved available } totalAvailable }
}`;
const ORDER = `query Order($id: ID!) { order(id: $id) { status allocations { quantity status } } }`;

const cents = (amount: string) => Math.round(Number(amount) * 100);

interface Placed {
  accepted: boolean;
  replayed: boolean;
  order: { id: string; status: string; total: { amount: string } };
  holds: { reason: string; detail: string }[];
}

describe.each([
  ['SQLite', undefined],
  ['PostgreSQL', DATABASE_URL],
])('order capture under concurrency on %s', (_name, databaseUrl) => {
  let graph: RunningGraph;
  let dataDir: string;
  /** ACTIVE customers of the seed with a default ship-to, each used by one test only. */
  let customers: string[];
  /** Products of the seed, each used by one test only. */
  let products: { id: string; sku: string }[];
  /** Holds by reason placed around now, before these tests placed any. */
  let holdsBefore: Map<string, number>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-capture-'));
    // A loaded machine must not turn a slow reservation call into a DEPENDENCY_UNAVAILABLE hold: these
    // tests count acceptances, so calls between subgraphs wait as long as a test may.
    graph = await startGraph({ seedScale: 0.05, dataDir, databaseUrl, serviceTimeoutMs: 30_000 });
    const dataset = graph.dataset!;
    const shipTo = new Set(
      dataset.customers.addresses.filter((a) => a.kind === 'SHIP_TO').map((a) => a.customer_id),
    );
    customers = dataset.customers.customers
      .filter((c) => c.status === 'ACTIVE' && shipTo.has(c.id))
      .map((c) => c.id);
    products = dataset.catalog.products
      .filter((p) => p.status === 'ACTIVE')
      .map((p) => ({ id: p.id, sku: p.sku }));
    // Every region has a tax rate, so no order here is held for PRICING.
    const regions = [...new Set(dataset.customers.addresses.map((a) => a.region))];
    await graph.subgraphs.finance.database.db
      .insertInto('tax_rates')
      .values(regions.map((region) => ({ region, rate_bps: 800 })))
      .onConflict((oc: any) => oc.column('region').doNothing())
      .execute();
    holdsBefore = await holdReasonsNow();
  }, 240_000);
  afterAll(async () => {
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let nextCustomer = 0;
  /** The seed's customers in turn (a test sets the credit limit each needs). */
  const takeCustomer = () => customers[nextCustomer++ % customers.length];
  const takeProduct = () => products.shift()!;

  /** Business health's hold reasons over the day around now. */
  async function holdReasonsNow(): Promise<Map<string, number>> {
    const day = 86_400_000;
    const { businessHealth } = await gql(
      `query Health($from: DateTime!, $to: DateTime!) { businessHealth(from: $from, to: $to) { holdReasons { reason count } } }`,
      {
        from: new Date(Date.now() - day).toISOString(),
        to: new Date(Date.now() + day).toISOString(),
      },
    );
    return new Map(
      businessHealth.holdReasons.map((h: { reason: string; count: number }) => [h.reason, h.count]),
    );
  }

  async function gql<T = any>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await graph.query(query, variables);
    expect(response.body.errors).toBeUndefined();
    return response.body.data as T;
  }

  const place = async (
    customerId: string,
    sku: string,
    quantity: number,
    options: { key?: string; allowBackorder?: boolean } = {},
  ): Promise<Placed> =>
    (
      await gql(PLACE_ORDER, {
        input: {
          customerId,
          lines: [{ sku, quantity }],
          allowBackorder: options.allowBackorder ?? false,
        },
        key: options.key ?? randomUUID(),
      })
    ).placeOrder;

  const credit = async (customerId: string) => {
    const { customer } = await gql(CREDIT, { id: customerId });
    return {
      limit: cents(customer.creditLimit.amount),
      exposure: cents(customer.creditExposure.amount),
      reserved: cents(customer.reservedCredit.amount),
    };
  };

  const stockOf = async (sku: string) => (await gql(STOCK, { sku })).product;

  /** Sets the customer's credit limit in the customer master. */
  const setCreditLimit = (customerId: string, limitCents: number) =>
    graph.subgraphs.customers.database.db
      .updateTable('customers')
      .set({ credit_limit_cents: limitCents })
      .where('id', '=', customerId)
      .execute();

  /** Leaves `free` units of the product available, all in its first warehouse (none elsewhere). */
  async function setStock(productId: string, free: number) {
    const db = graph.subgraphs.inventory.database.db;
    const levels = await db
      .selectFrom('stock_levels')
      .selectAll()
      .where('product_id', '=', productId)
      .orderBy('warehouse_id')
      .execute();
    const warehouses = await db.selectFrom('warehouses').select('id').orderBy('id').execute();
    const first = levels[0]?.warehouse_id ?? warehouses[0].id;
    if (!levels[0])
      await db
        .insertInto('stock_levels')
        .values({
          product_id: productId,
          warehouse_id: first,
          on_hand: 0,
          allocated: 0,
          reorder_point: 0,
        })
        .execute();
    for (const level of levels.length ? levels : [{ warehouse_id: first, allocated: 0 }])
      await db
        .updateTable('stock_levels')
        .set({
          on_hand: Number(level.allocated) + (level.warehouse_id === first ? free : 0),
        })
        .where('product_id', '=', productId)
        .where('warehouse_id', '=', level.warehouse_id)
        .execute();
  }

  const creditReservation = (id: string) =>
    graph.subgraphs.finance.database.db
      .selectFrom('credit_reservations')
      .selectAll()
      .where('id', '=', id)
      .execute();
  const stockReservationsOf = (orderId: string) =>
    graph.subgraphs.inventory.database.db
      .selectFrom('stock_reservations')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
  const reservationIdOf = async (orderId: string): Promise<string> =>
    (
      await graph.subgraphs.orders.database.db
        .selectFrom('orders')
        .select('reservation_id')
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow()
    ).reservation_id;

  test('N parallel orders for one customer whose room fits k: exactly k accepted, the rest held for CREDIT, exposure never above the limit', async () => {
    const customerId = takeCustomer();
    const { id: productId, sku } = takeProduct();
    await setStock(productId, 10_000);
    await setCreditLimit(customerId, 1_000_000_000);
    // One order first, to learn what each costs this customer (contract prices, tax).
    const probe = await place(customerId, sku, 20);
    expect(probe.accepted).toBe(true);
    const orderCents = cents(probe.order.total.amount);
    const settled = await eventually(async () => {
      const figures = await credit(customerId);
      expect(figures.reserved).toBe(0);
      return figures;
    });
    const k = 4;
    const limit = settled.exposure + k * orderCents + Math.floor(orderCents / 2);
    await setCreditLimit(customerId, limit);

    // Readers sample exposure all through the burst.
    let bursting = true;
    const samples: number[] = [];
    const sampler = (async () => {
      while (bursting) samples.push((await credit(customerId)).exposure);
    })();
    const results = await Promise.all(Array.from({ length: 10 }, () => place(customerId, sku, 20)));
    bursting = false;
    await sampler;

    const accepted = results.filter((r) => r.accepted);
    expect(accepted).toHaveLength(k);
    for (const held of results.filter((r) => !r.accepted)) {
      expect(held.order.status).toBe('ON_HOLD');
      expect(held.holds.map((h) => h.reason)).toEqual(['CREDIT']);
    }
    expect(samples.length).toBeGreaterThan(0);
    for (const exposure of samples) expect(exposure).toBeLessThanOrEqual(limit);
    // The k accepted orders replace their reservations in exposure: nothing reserved, nothing lost.
    const after = await eventually(async () => {
      const figures = await credit(customerId);
      expect(figures.reserved).toBe(0);
      expect(figures.exposure).toBe(settled.exposure + k * orderCents);
      return figures;
    });
    expect(after.exposure).toBeLessThanOrEqual(limit);
  }, 60_000);

  test('N parallel orders for one SKU whose stock fits k: exactly k accepted without an INVENTORY hold and none of them backordered; backorders only when asked', async () => {
    const { id: productId, sku } = takeProduct();
    const buyers = Array.from({ length: 10 }, takeCustomer);
    for (const buyer of buyers) await setCreditLimit(buyer, 1_000_000_000);
    await setStock(productId, 23);
    const k = 4; // 23 units, 5 per order

    const results = await Promise.all(buyers.map((buyer) => place(buyer, sku, 5)));
    const accepted = results.filter((r) => r.accepted);
    expect(accepted).toHaveLength(k);
    for (const r of accepted) expect(r.holds).toEqual([]);
    for (const held of results.filter((r) => !r.accepted))
      expect(held.holds.map((h) => h.reason)).toEqual(['INVENTORY']);
    // Asked for: accepted beyond what is available, and backordered by the chain.
    const backorder = await place(takeCustomer(), sku, 5, { allowBackorder: true });
    expect(backorder.accepted).toBe(true);

    for (const r of accepted)
      await eventually(async () => {
        const { order } = await gql(ORDER, { id: r.order.id });
        expect(order.status).toBe('ALLOCATED');
        expect(order.allocations).toEqual([{ quantity: 5, status: 'ALLOCATED' }]);
      });
    await eventually(async () =>
      expect((await gql(ORDER, { id: backorder.order.id })).order.status).toBe('BACKORDERED'),
    );
    const stock = await stockOf(sku);
    expect(stock.totalAvailable).toBe(3);
    expect(stock.availability.reduce((sum: number, s: any) => sum + s.reserved, 0)).toBe(0);
  }, 60_000);

  test('a retried placement reserves once; a held or cancelled order gives its stock back to the next order', async () => {
    const { id: productId, sku } = takeProduct();
    const [buyer, poorBuyer, nextBuyer, lastBuyer] = [1, 2, 3, 4].map(takeCustomer);
    for (const c of [buyer, nextBuyer, lastBuyer]) await setCreditLimit(c, 1_000_000_000);
    await setCreditLimit(poorBuyer, 100);
    await setStock(productId, 5);

    // The same key three times at once, then again: one order, one reservation at each owner.
    const key = randomUUID();
    const tries = await Promise.all([1, 2, 3].map(() => place(buyer, sku, 2, { key })));
    const again = await place(buyer, sku, 2, { key });
    const orderId = again.order.id;
    expect(new Set([...tries, again].map((t) => t.order.id))).toEqual(new Set([orderId]));
    expect(again.replayed).toBe(true);
    const reservationId = await reservationIdOf(orderId);
    await eventually(async () => {
      expect((await creditReservation(reservationId)).map((r) => r.status)).toEqual(['CONVERTED']);
      expect((await stockReservationsOf(orderId)).map((r) => r.status)).toEqual(['CONVERTED']);
    });
    expect((await stockOf(sku)).totalAvailable).toBe(3);

    // Held for CREDIT: the stock its check reserved goes back, and the next order gets it.
    const held = await place(poorBuyer, sku, 3);
    expect(held.holds.map((h) => h.reason)).toEqual(['CREDIT']);
    await eventually(async () => {
      const rows = await graph.subgraphs.inventory.database.db
        .selectFrom('stock_reservations')
        .select('status')
        .where('reservation_id', '=', await reservationIdOf(held.order.id))
        .execute();
      expect(rows.map((r) => r.status)).toEqual(['RELEASED']);
    });
    const next = await place(nextBuyer, sku, 3);
    expect(next.accepted).toBe(true);

    // Cancelled: its allocation goes back, and the last order gets the units.
    await eventually(async () =>
      expect((await gql(ORDER, { id: next.order.id })).order.status).toBe('ALLOCATED'),
    );
    await gql(
      `mutation { cancelOrder(orderId: "${next.order.id}", reason: "Not needed") { status } }`,
      {},
    );
    await eventually(async () => expect((await stockOf(sku)).totalAvailable).toBe(3));
    const last = await place(lastBuyer, sku, 3);
    expect(last.accepted).toBe(true);
    expect(last.holds).toEqual([]);
  }, 60_000);

  test('a reservation whose order never completed is released by the orphan sweeper', async () => {
    const customerId = takeCustomer();
    const { id: productId, sku } = takeProduct();
    await setStock(productId, 10);
    const services = graph.subgraphs.orders.services;
    // What a placement that crashed after reserving leaves behind: reservations no order names.
    await services.query(
      'finance',
      `mutation { reserveCredit(input: { reservationId: "RSV-orphan-${productId}", customerId: "${customerId}",
        amount: "10.00", currency: "USD", creditLimit: "1000000000.00" }) { reserved } }`,
    );
    await services.query(
      'inventory',
      `mutation { reserveStock(input: { reservationId: "RSV-orphan-${productId}",
        lines: [{ lineNumber: 1, productId: "${productId}", sku: "${sku}", quantity: 4 }] }) { reserved } }`,
    );
    expect((await credit(customerId)).reserved).toBe(1000);
    expect((await stockOf(sku)).totalAvailable).toBe(6);

    // Not yet an orphan: the sweeper leaves it.
    await graph.subgraphs.finance.housekeeping.runOnce();
    await graph.subgraphs.inventory.housekeeping.runOnce();
    expect((await credit(customerId)).reserved).toBe(1000);

    await graph.subgraphs.finance.housekeeping.runOnce(LATER());
    await graph.subgraphs.inventory.housekeeping.runOnce(LATER());
    expect((await credit(customerId)).reserved).toBe(0);
    const stock = await stockOf(sku);
    expect(stock.totalAvailable).toBe(10);
    expect(stock.availability.reduce((sum: number, s: any) => sum + s.reserved, 0)).toBe(0);
    expect((await creditReservation(`RSV-orphan-${productId}`))[0].status).toBe('EXPIRED');
  }, 60_000);

  test('a dependency down at placement: held DEPENDENCY_UNAVAILABLE with nothing reserved; releasing the hold later reserves again', async () => {
    const customerId = takeCustomer();
    const { id: productId, sku } = takeProduct();
    await setCreditLimit(customerId, 1_000_000_000);
    await setStock(productId, 10);
    await graph.stopSubgraph('inventory');
    let placed: Placed;
    try {
      placed = await place(customerId, sku, 4);
    } finally {
      await graph.restartSubgraph('inventory');
    }
    expect(placed.order.status).toBe('ON_HOLD');
    expect(placed.holds.map((h) => h.reason)).toEqual(['DEPENDENCY_UNAVAILABLE']);
    // finance reserved the credit, and was given it back when the order was held.
    const first = await reservationIdOf(placed.order.id);
    expect((await creditReservation(first)).map((r) => r.status)).toEqual(['RELEASED']);
    expect((await credit(customerId)).reserved).toBe(0);
    expect((await stockOf(sku)).totalAvailable).toBe(10);

    const released = await gql(
      `mutation { releaseHold(orderId: "${placed.order.id}", note: "inventory is back") { status } }`,
      {},
    );
    expect(released.releaseHold.status).toBe('ACCEPTED');
    const second = await reservationIdOf(placed.order.id);
    expect(second).not.toBe(first);
    await eventually(async () => {
      expect((await creditReservation(second)).map((r) => r.status)).toEqual(['CONVERTED']);
      expect((await stockReservationsOf(placed.order.id)).map((r) => r.status)).toEqual([
        'CONVERTED',
      ]);
      expect((await gql(ORDER, { id: placed.order.id })).order.status).toBe('ALLOCATED');
    });
    expect((await stockOf(sku)).totalAvailable).toBe(6);
  }, 60_000);

  test('business health counts reservation refusals as holds', async () => {
    const holds = await holdReasonsNow();
    const added = (reason: string) => (holds.get(reason) ?? 0) - (holdsBefore.get(reason) ?? 0);
    // The tests above: 6 orders refused on credit in the burst and 1 in the retry test, 6 on stock.
    expect(added('CREDIT')).toBe(7);
    expect(added('INVENTORY')).toBe(6);
  }, 60_000);
});
