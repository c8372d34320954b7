import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  openSubgraph,
  OrderToCashEvent,
  type RunningSubgraph,
  type SubgraphRuntimeOptions,
} from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { followAllocation, followBilling, followShipments } from './event-handlers';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import { migrations } from './migrations';
import {
  deliver,
  domainEvent,
  SALES_DESK,
  serverWith,
  standardDependencies,
} from './testing/order-capture';

/**
 * Orders on PostgreSQL (TEST_DATABASE_URL, default the local server), in a schema of its own dropped
 * afterwards: the same commands, handlers and health SQL as on SQLite, what only PostgreSQL runs
 * concurrently (one order number at a time, racing idempotency keys), and the 0002 migration over a
 * database that already holds orders, on both engines.
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `orders_test_${randomUUID().slice(0, 8)}`;
let orders: RunningSubgraph<OrdersDB, OrderStore>;
let server: FastifyInstance;

beforeAll(async () => {
  orders = await openSubgraph(ordersSubgraph, { databaseUrl, databaseSchema: schema });
  server = await serverWith(orders, standardDependencies());
});

afterAll(async () => {
  await server.close();
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(orders.database.db);
  await orders.close();
});

const PLACE = `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { replayed order { id number status total { amount } } } }`;
const place = (key: string, quantity = 2) =>
  querySubgraph(
    server,
    PLACE,
    { input: { customerId: 'CUS-0001', lines: [{ sku: 'WID-100', quantity }] }, key },
    {},
    SALES_DESK,
  );

test('concurrent orders take one number each; concurrent duplicates of one key make one order', async () => {
  const distinct = await Promise.all(
    Array.from({ length: 6 }, (_, i) => place(`pg-distinct-${i}-${randomUUID()}`)),
  );
  const ids = distinct.map((r) => r.data.placeOrder.order.id).sort();
  expect(new Set(ids).size).toBe(6);
  expect(ids.map((id) => Number(id.slice(4)))).toEqual(
    Array.from({ length: 6 }, (_, i) => Number(ids[0].slice(4)) + i),
  );

  const key = `pg-same-${randomUUID()}`;
  const same = await Promise.all(Array.from({ length: 5 }, () => place(key)));
  expect(same.every((r) => r.errors === undefined)).toBe(true);
  expect(new Set(same.map((r) => r.data.placeOrder.order.id)).size).toBe(1);
  expect(same.filter((r) => !r.data.placeOrder.replayed)).toHaveLength(1);
  const keyed = await orders.database.db
    .selectFrom('order_idempotency_keys')
    .selectAll()
    .where('idempotency_key', '=', key)
    .execute();
  expect(keyed).toHaveLength(1);
});

test('an order follows the chain to CLOSED, and health reads it', async () => {
  const placed = await place(`pg-chain-${randomUUID()}`, 4);
  const { id } = placed.data.placeOrder.order;
  const send = (handler: typeof followAllocation, type: string, payload: unknown, at?: string) =>
    deliver(orders, handler, domainEvent(type, id, payload, at));
  await send(followAllocation, OrderToCashEvent.InventoryAllocated, {
    orderId: id,
    customerId: 'CUS-0001',
    allocations: [],
  });
  const shipped = {
    shipmentId: `SHP-${id}`,
    orderId: id,
    customerId: 'CUS-0001',
    warehouseId: 'W',
    carrierId: 'C',
    trackingNumber: 'T',
    shippedAt: new Date().toISOString(),
    lines: [{ orderLineNumber: 1, productId: 'PRD-00100', quantity: 4 }],
  };
  await send(followShipments, OrderToCashEvent.ShipmentConfirmed, shipped);
  await send(followShipments, OrderToCashEvent.ShipmentDelivered, {
    shipmentId: `SHP-${id}`,
    orderId: id,
    customerId: 'CUS-0001',
    deliveredAt: new Date().toISOString(),
  });
  await send(followBilling, OrderToCashEvent.InvoiceIssued, {
    invoiceId: `INV-${id}`,
    invoiceNumber: 'N',
    orderId: id,
    shipmentId: `SHP-${id}`,
    customerId: 'CUS-0001',
    currency: 'USD',
    subtotalCents: 5000,
    taxCents: 413,
    totalCents: 5413,
    issuedAt: new Date().toISOString(),
  });
  await send(followBilling, OrderToCashEvent.PaymentApplied, {
    paymentId: 'P',
    customerId: 'CUS-0001',
    currency: 'USD',
    amountCents: 5413,
    unappliedCents: 0,
    invoices: [
      { invoiceId: `INV-${id}`, orderId: id, appliedCents: 5413, balanceCents: 0, status: 'PAID' },
    ],
  });
  const [order] = await orders.store.ordersByIds([id]);
  expect(order.status).toBe('CLOSED');

  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const health = await querySubgraph(
    orders.server,
    `{ businessHealth(from: "${from}", to: "${to}") { ordersPlaced ordersHeld orderToShip { count } openOrderAging { bucket orders value { amount } } } }`,
  );
  expect(health.errors).toBeUndefined();
  expect(health.data.businessHealth.ordersPlaced).toBeGreaterThanOrEqual(8);
  expect(health.data.businessHealth.orderToShip.count).toBe(1);
  // Every other order is open and young; the closed one is not counted.
  expect(health.data.businessHealth.openOrderAging[0]).toEqual({
    bucket: '0-2d',
    orders: health.data.businessHealth.ordersPlaced - 1,
    value: expect.objectContaining({ amount: expect.stringMatching(/^\d+\.\d\d$/) }),
  });
});

describe('the 0002 migration over a database that already holds orders', () => {
  const firstRelease = {
    ...ordersSubgraph,
    migrations: { '0001_sales_orders': migrations['0001_sales_orders'] },
  };

  async function upgrade(options: SubgraphRuntimeOptions) {
    const before = await openSubgraph(firstRelease, options);
    const db = before.database.db as any;
    await db
      .insertInto('orders')
      .values({
        id: 'ORD-000001',
        number: 'SO-100001',
        customer_id: 'CUS-0001',
        status: 'SHIPPED',
        channel: 'EDI',
        po_number: null,
        ship_to_address_id: 'A',
        ship_to_name: 'N',
        ship_to_line1: 'L',
        ship_to_city: 'C',
        ship_to_region: 'TX',
        ship_to_postal_code: 'P',
        ship_to_country: 'US',
        currency: 'USD',
        subtotal_cents: 100,
        tax_cents: 0,
        total_cents: 100,
        placed_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-03T00:00:00.000Z',
        idempotency_key: 'k',
      })
      .execute();
    await db
      .insertInto('order_lines')
      .values({
        order_id: 'ORD-000001',
        line_number: 1,
        product_id: 'PRD-1',
        sku: 'S',
        quantity: 1,
        unit_price_cents: 100,
        pricing_rule: 'LIST',
        extended_cents: 100,
      })
      .execute();
    await before.close();

    const after = await openSubgraph(ordersSubgraph, options);
    try {
      const [line] = await after.store.linesByOrderIds(['ORD-000001']);
      expect(line).toMatchObject({
        productId: 'PRD-1',
        pricingRule: 'LIST',
        shippedQuantity: 0,
        expectedUnitPriceCents: null,
      });
      expect(await after.store.statusHistoryByOrderIds(['ORD-000001'])).toEqual([
        {
          orderId: 'ORD-000001',
          status: 'SHIPPED',
          at: '2026-01-03T00:00:00.000Z',
          cause: 'migration',
          actor: 'migration',
          note: null,
        },
      ]);
      // Lines may now be unidentified.
      await after.database.db
        .insertInto('order_lines')
        .values({
          order_id: 'ORD-000001',
          line_number: 2,
          product_id: null,
          sku: 'T',
          quantity: 1,
          unit_price_cents: 0,
          pricing_rule: null,
          extended_cents: 0,
          expected_unit_price_cents: null,
          shipped_quantity: 0,
        })
        .execute();
      expect((await after.store.linesByOrderIds(['ORD-000001'])).map((l) => l.productId)).toEqual([
        'PRD-1',
        null,
      ]);
    } finally {
      await after.close();
    }
  }

  test('on PostgreSQL', async () => {
    const upgraded = `orders_upgrade_${randomUUID().slice(0, 8)}`;
    try {
      await upgrade({ databaseUrl, databaseSchema: upgraded });
    } finally {
      await sql`drop schema if exists ${sql.id(upgraded)} cascade`.execute(orders.database.db);
    }
  });

  test('on SQLite (order_lines is rebuilt)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-upgrade-'));
    try {
      await upgrade({ dataDir });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
