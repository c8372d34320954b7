import { consumeOnce } from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { InventoryBookkeeping, InventoryDB, StockReservationRow } from './migrations';
import { planOnAvailableStock, sortedByStockKey } from './sql-allocation';
import type { InventoryStore } from './store';

type DB = Kysely<InventoryDB & InventoryBookkeeping>;

/**
 * Stock reserved at order capture, per warehouse: a placement's lines are planned exactly as
 * allocation will plan them (allocation-plan.ts, each line whole from one warehouse) on what is
 * available (on hand - allocated - reserved), and each line is reserved in its warehouse
 * (stock_levels.reserved, a conditional UPDATE that never lets available go below 0) in one
 * transaction, with one row per line. The allocation of the accepted order then takes exactly
 * those units, so an order accepted on a reservation is never backordered. A reservation ends once:
 * CONVERTED by the allocation, RELEASED (held, cancelled, given back), or EXPIRED (orphan).
 */
export function createSqlStockReservations(
  records: Kysely<InventoryDB>,
): Pick<
  InventoryStore,
  'reserveStock' | 'releaseStockReservation' | 'releaseHeldOrderStock' | 'expireStockReservations'
> {
  const db = records.withTables<InventoryBookkeeping>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  return {
    reserveStock(request) {
      return db.transaction().execute(async (trx) => {
        // Two calls with one id (a retried placement racing itself) take turns.
        if (locking)
          await sql`select pg_advisory_xact_lock(hashtext(${`inventory.reservation:${request.reservationId}`}))`.execute(
            trx,
          );
        const earlier = await trx
          .selectFrom('stock_reservations')
          .select('status')
          .where('reservation_id', '=', request.reservationId)
          .execute();
        if (earlier.some((r) => r.status === 'ACTIVE' || r.status === 'CONVERTED'))
          return { reserved: true, shortLines: [] };
        // One that ended (released, expired) is reserved afresh by the same placement retried.
        if (earlier.length > 0)
          await trx
            .deleteFrom('stock_reservations')
            .where('reservation_id', '=', request.reservationId)
            .execute();

        // Locked in (product, warehouse) order, as allocation locks them: concurrent reservations queue.
        const { plan, stock } = await planOnAvailableStock(trx, request.lines, locking);
        if (plan.kind === 'BACKORDERED') {
          const total = new Map<string, number>();
          for (const s of stock)
            total.set(
              s.product_id,
              (total.get(s.product_id) ?? 0) +
                Math.max(0, s.on_hand - s.allocated - (s.reserved ?? 0)),
            );
          return {
            reserved: false,
            shortLines: plan.shortLines.map((s) => ({
              lineNumber: s.line.lineNumber,
              sku: s.line.sku,
              requested: s.line.quantity,
              availableInOneWarehouse: s.available,
              availableInAll: total.get(s.line.productId) ?? 0,
            })),
          };
        }
        if (request.checkOnly) return { reserved: true, shortLines: [] };

        const createdAt = new Date().toISOString();
        const rows: StockReservationRow[] = plan.picks.map((pick) => ({
          reservation_id: request.reservationId,
          line_number: pick.line.lineNumber,
          product_id: pick.line.productId,
          warehouse_id: pick.warehouseId,
          quantity: pick.line.quantity,
          status: 'ACTIVE',
          created_at: createdAt,
          order_id: null,
          ended_at: null,
        }));
        for (const row of sortedByStockKey(rows)) {
          const taken = await trx
            .updateTable('stock_levels')
            .set({ reserved: sql<number>`reserved + ${row.quantity}` })
            .where('product_id', '=', row.product_id)
            .where('warehouse_id', '=', row.warehouse_id)
            .where(sql<boolean>`on_hand - allocated - reserved >= ${row.quantity}`)
            .executeTakeFirst();
          if (Number(taken.numUpdatedRows) !== 1)
            throw new Error(
              `${row.product_id} in ${row.warehouse_id} has fewer than ${row.quantity} units available any more (changed concurrently)`,
            );
        }
        await trx.insertInto('stock_reservations').values(rows).execute();
        return { reserved: true, shortLines: [] };
      });
    },

    releaseStockReservation(reservationId) {
      return db
        .transaction()
        .execute(async (trx) => (await endStockReservation(trx, reservationId, null)) > 0);
    },

    releaseHeldOrderStock(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
        if (!order.reservationId) return false;
        return (await endStockReservation(trx, order.reservationId, order.orderId)) > 0;
      });
    },

    async expireStockReservations(createdBefore) {
      const orphans = await db
        .selectFrom('stock_reservations')
        .select('reservation_id')
        .distinct()
        .where('status', '=', 'ACTIVE')
        .where('created_at', '<', createdBefore)
        .execute();
      let expired = 0;
      for (const { reservation_id } of orphans)
        expired += await db
          .transaction()
          .execute((trx) => endStockReservation(trx, reservation_id, null, 'EXPIRED'));
      return expired;
    },
  };
}

/** The ACTIVE lines of a reservation, locked on PostgreSQL (FOR UPDATE) so one ending wins. */
export async function activeReservationLines(
  trx: DB,
  reservationId: string,
): Promise<StockReservationRow[]> {
  let query = trx
    .selectFrom('stock_reservations')
    .selectAll()
    .where('reservation_id', '=', reservationId)
    .where('status', '=', 'ACTIVE')
    .orderBy('line_number');
  if (trx.getExecutor().adapter instanceof PostgresAdapter) query = query.forUpdate();
  return query.execute();
}

/**
 * Ends a reservation's ACTIVE lines (RELEASED or EXPIRED) and gives their units back to available;
 * answers how many lines it ended (0 when it had ended already or never existed).
 */
export async function endStockReservation(
  trx: DB,
  reservationId: string,
  orderId: string | null,
  status: 'RELEASED' | 'EXPIRED' = 'RELEASED',
): Promise<number> {
  const lines = await activeReservationLines(trx, reservationId);
  for (const line of sortedByStockKey(lines)) {
    const given = await trx
      .updateTable('stock_levels')
      .set({ reserved: sql<number>`reserved - ${line.quantity}` })
      .where('product_id', '=', line.product_id)
      .where('warehouse_id', '=', line.warehouse_id)
      .where('reserved', '>=', line.quantity)
      .executeTakeFirst();
    if (Number(given.numUpdatedRows) !== 1)
      throw new Error(
        `reservation ${reservationId} holds ${line.quantity} of ${line.product_id} in ${line.warehouse_id}, more than the stock level holds reserved`,
      );
  }
  if (lines.length > 0)
    await trx
      .updateTable('stock_reservations')
      .set({ status, order_id: orderId, ended_at: new Date().toISOString() })
      .where('reservation_id', '=', reservationId)
      .where('status', '=', 'ACTIVE')
      .execute();
  return lines.length;
}
