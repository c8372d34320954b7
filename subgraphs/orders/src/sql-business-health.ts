import { sql, type Kysely } from 'kysely';
import type { OrdersDB } from './migrations';
import { SETTLED_STATUSES } from './order-status-rules';
import type { HoldReason, OrderStore } from './store';

type BusinessHealth = Pick<
  OrderStore,
  'captureHealth' | 'openOrderAging' | 'hoursToAccept' | 'hoursToShip'
>;

const HOUR_MS = 3_600_000;
const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR_MS;

/**
 * Orders' measures of business health, read from the records at query time (never kept as counters
 * that could drift). Instants are ISO-8601 UTC strings of one shape, so string order is time order.
 */
export function createSqlBusinessHealth(db: Kysely<OrdersDB>): BusinessHealth {
  const placedIn = (from: string, to: string) =>
    db
      .selectFrom('orders')
      .where('orders.placed_at', '>=', from)
      .where('orders.placed_at', '<', to);

  return {
    async captureHealth({ from, to }) {
      const [placed, held, reasons] = await Promise.all([
        placedIn(from, to)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
        placedIn(from, to)
          .innerJoin('holds', 'holds.order_id', 'orders.id')
          .select(sql<number>`count(distinct orders.id)`.as('n'))
          .executeTakeFirstOrThrow(),
        placedIn(from, to)
          .innerJoin('holds', 'holds.order_id', 'orders.id')
          .select(['holds.reason', sql<number>`count(distinct orders.id)`.as('n')])
          .groupBy('holds.reason')
          .execute(),
      ]);
      const holdReasons = reasons
        .map((r) => ({ reason: r.reason as HoldReason, count: Number(r.n) }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
      return { placed: Number(placed.n), held: Number(held.n), holdReasons };
    },

    async openOrderAging(asOf, buckets) {
      // The first bucket whose bound the order was placed after; the last one has none.
      const bounded = buckets.filter((b) => b.placedAfter !== null);
      const unbounded = buckets.find((b) => b.placedAfter === null);
      const bucket = sql<string>`case ${sql.join(
        bounded.map((b) => sql`when orders.placed_at > ${b.placedAfter} then ${b.label}`),
        sql` `,
      )} else ${unbounded?.label ?? null} end`;
      const open = db
        .selectFrom('orders')
        .select([bucket.as('bucket'), 'orders.currency', 'orders.total_cents'])
        .where('orders.placed_at', '<', asOf)
        // Open as of asOf: not yet PAID, CLOSED or CANCELLED then (the status history says when it was).
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('order_status_history as h')
                .select('h.order_id')
                .whereRef('h.order_id', '=', 'orders.id')
                .where('h.status', 'in', [...SETTLED_STATUSES])
                .where('h.at', '<', asOf),
            ),
          ),
        );
      // Grouped outside, so PostgreSQL groups by the bucket's name rather than by its parameterised expression.
      const rows = await db
        .selectFrom(open.as('aged'))
        .select([
          'aged.bucket',
          'aged.currency',
          (eb) => eb.fn.countAll<number>().as('n'),
          sql<number>`sum(aged.total_cents)`.as('value'),
        ])
        .where('aged.bucket', 'is not', null)
        .groupBy(['aged.bucket', 'aged.currency'])
        .execute();
      return rows.map((r) => ({
        label: r.bucket,
        currency: r.currency,
        orders: Number(r.n),
        valueCents: Number(r.value),
      }));
    },

    async hoursToAccept({ from, to }) {
      const rows = await placedIn(from, to)
        .innerJoin('order_status_history as h', (join) =>
          join.onRef('h.order_id', '=', 'orders.id').on('h.status', '=', 'ACCEPTED'),
        )
        .select(['orders.placed_at', 'h.at'])
        .execute();
      return rows.map((r) => hoursBetween(r.placed_at, r.at));
    },

    async hoursToShip({ from, to }) {
      const rows = await placedIn(from, to)
        .innerJoin('order_shipments as s', 's.order_id', 'orders.id')
        .where('s.shipped_at', 'is not', null)
        .select([
          'orders.id',
          'orders.placed_at',
          sql<string>`min(s.shipped_at)`.as('first_shipped_at'),
        ])
        .groupBy(['orders.id', 'orders.placed_at'])
        .execute();
      return rows.map((r) => hoursBetween(r.placed_at, r.first_shipped_at));
    },
  };
}
