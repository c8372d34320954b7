import { openSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { ordersSubgraph } from '@switchyard/orders';
import { progressOf } from '@switchyard/orders/src/order-status-rules';
import type { Kysely } from 'kysely';
import { SEED_ANCHOR } from './clock';
import { generateDataset, type Dataset } from './index';

/**
 * The orders subgraph's view of each seeded order's way along the chain (status history, shipments,
 * invoices, units shipped) agrees with the order's status, and business health reads real figures from it.
 */
let d: Dataset;
beforeAll(() => {
  d = generateDataset({ seed: 42, scale: 0.2 });
});

const CHAIN = [
  'ON_HOLD',
  'ACCEPTED',
  'BACKORDERED',
  'ALLOCATED',
  'SHIPPED',
  'INVOICED',
  'PAID',
  'CLOSED',
  'CANCELLED',
];
const groupBy = <T>(rows: readonly T[], key: (row: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
};

test("each order's history starts at placement, moves forward in time and along the chain, and ends at its status", () => {
  const history = groupBy(d.orders.order_status_history, (h) => h.order_id);
  const broken = d.orders.orders.filter((o) => {
    const entries = history.get(o.id) ?? [];
    const ordered = entries.every(
      (h, i) =>
        i === 0 ||
        (h.at >= entries[i - 1].at &&
          CHAIN.indexOf(h.status) > CHAIN.indexOf(entries[i - 1].status)),
    );
    return (
      !ordered ||
      !['ON_HOLD', 'ACCEPTED'].includes(entries[0]?.status) ||
      entries[0].at < o.placed_at ||
      entries.at(-1)!.status !== o.status
    );
  });
  expect(broken.map((o) => o.id)).toEqual([]);
});

test('the facts recorded for each order (allocation, shipments, units shipped, invoices paid) justify its status', () => {
  const lines = groupBy(d.orders.order_lines, (l) => l.order_id);
  const shipments = groupBy(d.orders.order_shipments, (s) => s.order_id);
  const invoices = groupBy(d.orders.order_invoices, (i) => i.order_id);
  const broken = d.orders.orders
    .filter((o) => !['ON_HOLD', 'CANCELLED'].includes(o.status))
    .filter((o) => {
      const { status } = progressOf({
        status: 'ACCEPTED',
        allocated: o.allocated_at !== null,
        backordered: o.backordered_at !== null,
        lines: lines
          .get(o.id)!
          .map((l) => ({ quantity: l.quantity, shippedQuantity: l.shipped_quantity })),
        shipments: (shipments.get(o.id) ?? []).map((s) => ({
          shipmentId: s.shipment_id,
          shippedAt: s.shipped_at,
          deliveredAt: s.delivered_at,
        })),
        invoices: (invoices.get(o.id) ?? []).map((i) => ({
          shipmentId: i.shipment_id,
          balanceCents: i.balance_cents,
        })),
      });
      // A seeded order closes a while after it is paid and delivered; the handlers close it at once.
      return o.status === 'PAID' ? !['PAID', 'CLOSED'].includes(status) : status !== o.status;
    });
  expect(broken.map((o) => o.id)).toEqual([]);
});

test('business health over seeded orders reads the figures the dataset holds', async () => {
  const subgraph = await openSubgraph(ordersSubgraph, { dataDir: ':memory:' });
  try {
    const db = subgraph.database.db as Kysely<any>;
    for (const table of [
      'orders',
      'order_lines',
      'holds',
      'order_status_history',
      'order_shipments',
      'order_invoices',
    ] as const) {
      const rows = d.orders[table] as unknown as Record<string, unknown>[];
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto(table)
          .values(rows.slice(i, i + 200))
          .execute();
    }
    const to = SEED_ANCHOR;
    const from = new Date(Date.parse(to) - 60 * 86_400_000).toISOString();
    const result = await querySubgraph(
      subgraph.server,
      `{ businessHealth(from: "${from}", to: "${to}") { ordersPlaced ordersHeld orderExceptionRate orderToAccept { count p50Hours } orderToShip { count p50Hours p95Hours } openOrderAging { bucket orders value { amount } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const health = result.data.businessHealth;
    const inWindow = d.orders.orders.filter((o) => o.placed_at >= from && o.placed_at < to);
    const held = new Set(d.orders.holds.map((h) => h.order_id));
    expect(health.ordersPlaced).toBe(inWindow.length);
    expect(health.ordersHeld).toBe(inWindow.filter((o) => held.has(o.id)).length);
    expect(health.orderToAccept.count).toBe(
      inWindow.filter(
        (o) =>
          !['ON_HOLD'].includes(o.status) &&
          d.orders.order_status_history.some((h) => h.order_id === o.id && h.status === 'ACCEPTED'),
      ).length,
    );
    expect(health.orderToShip.count).toBeGreaterThan(0);
    expect(health.orderToShip.p50Hours).toBeGreaterThan(0);
    expect(health.orderToShip.p95Hours).toBeGreaterThanOrEqual(health.orderToShip.p50Hours);
    // Every seeded event happened before the anchor: the orders open at it are the ones open now.
    const open = d.orders.orders.filter((o) => !['PAID', 'CLOSED', 'CANCELLED'].includes(o.status));
    expect(health.openOrderAging.reduce((sum: number, b: any) => sum + b.orders, 0)).toBe(
      open.length,
    );
    const valueCents = health.openOrderAging.reduce(
      (sum: number, b: any) => sum + Math.round(Number(b.value.amount) * 100),
      0,
    );
    expect(valueCents).toBe(open.reduce((sum, o) => sum + o.total_cents, 0));
  } finally {
    await subgraph.close();
  }
});
