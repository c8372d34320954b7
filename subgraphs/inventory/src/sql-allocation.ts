import {
  appendToOutbox,
  consumeOnce,
  type IdSequence,
  type InventoryAllocated,
  type OrderBackordered,
  OrderToCashEvent,
  takeIds,
} from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { planAllocation, type LineRequest } from './allocation-plan';
import type { AllocationRow, InventoryBookkeeping, InventoryDB } from './migrations';
import { toAllocation } from './sql-row-mapping';
import { activeReservationLines, endStockReservation } from './sql-stock-reservations';
import type { InventoryStore } from './store';

const ALLOCATION_IDS: IdSequence = { table: 'allocations', prefix: 'ALC', width: 6 };

/**
 * What the order-to-cash events do to the warehouse records: allocate an accepted order, release a
 * cancelled one, consume the stock a confirmed shipment took. Each method is one transaction that
 * starts with consumeOnce, so a redelivered event is a no-op and a failure leaves nothing behind.
 *
 * Stock never goes below what is reserved: every change of stock_levels is a conditional UPDATE
 * whose row count is checked (a miss throws, the transaction rolls back, the kit retries). On
 * PostgreSQL the stock rows are also locked FOR UPDATE, in (product, warehouse) order, before the
 * plan is made, so concurrent allocations queue instead of planning on the same units; and each
 * method first takes a transaction-scoped advisory lock on the order, so two deliveries about one
 * order (the same acceptance under two event ids) run one after the other and the second sees the
 * first's allocations. SQLite has one writer at a time.
 */
export function createSqlAllocation(
  records: Kysely<InventoryDB>,
): Pick<InventoryStore, 'allocateOrder' | 'releaseOrder' | 'consumeShippedStock'> {
  const db = records.withTables<InventoryBookkeeping>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  const lockOrder = async (trx: Kysely<InventoryDB & InventoryBookkeeping>, orderId: string) => {
    if (locking)
      await sql`select pg_advisory_xact_lock(hashtext(${`inventory.order:${orderId}`}))`.execute(
        trx,
      );
  };

  const planOnAvailable = async (
    trx: Kysely<InventoryDB & InventoryBookkeeping>,
    lines: LineRequest[],
  ) => (await planOnAvailableStock(trx, lines, locking)).plan;

  return {
    allocateOrder(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        const lines = checkedLines(`OrderAccepted of ${order.orderId}`, order.lines);
        await lockOrder(trx, order.orderId);
        const cancelled = await trx
          .selectFrom('cancelled_orders')
          .select('order_id')
          .where('order_id', '=', order.orderId)
          .executeTakeFirst();
        if (cancelled) {
          // Cancelled before its acceptance was processed: what was reserved for it goes back.
          if (order.reservationId)
            await endStockReservation(trx, order.reservationId, order.orderId);
          return { outcome: 'ORDER_CANCELLED', allocations: [] };
        }
        const held = await trx
          .selectFrom('allocations')
          .selectAll()
          .where('order_id', '=', order.orderId)
          .orderBy('line_number')
          .orderBy('id')
          .execute();
        if (held.length)
          return { outcome: 'ALREADY_ALLOCATED', allocations: held.map(toAllocation) };

        // The stock its placement reserved becomes its allocation, in the warehouses reserved: the
        // promise made at acceptance is kept. A reservation that does not cover every line (the order
        // changed since) is given back and the order planned on what is available, as one without.
        const reservation = order.reservationId
          ? await activeReservationLines(trx, order.reservationId)
          : [];
        const reservedFor = new Map(reservation.map((r) => [r.line_number, r]));
        const fromReservation =
          reservation.length === lines.length &&
          lines.every((l) => {
            const r = reservedFor.get(l.lineNumber);
            return r && r.product_id === l.productId && r.quantity === l.quantity;
          });
        if (reservation.length > 0 && !fromReservation)
          await endStockReservation(trx, order.reservationId!, order.orderId);
        const plan = fromReservation
          ? ({
              kind: 'ALLOCATED',
              picks: lines.map((line) => ({
                line,
                warehouseId: reservedFor.get(line.lineNumber)!.warehouse_id,
              })),
            } as const)
          : await planOnAvailable(trx, lines);
        if (fromReservation)
          await trx
            .updateTable('stock_reservations')
            .set({
              status: 'CONVERTED',
              order_id: order.orderId,
              ended_at: new Date().toISOString(),
            })
            .where('reservation_id', '=', order.reservationId!)
            .where('status', '=', 'ACTIVE')
            .execute();

        const ids = await takeIds(trx, ALLOCATION_IDS, plan.picks.length);
        const createdAt = new Date().toISOString();
        const rows: AllocationRow[] = plan.picks.map((pick, i) => ({
          id: ids[i],
          order_id: order.orderId,
          line_number: pick.line.lineNumber,
          product_id: pick.line.productId,
          warehouse_id: pick.warehouseId,
          quantity: pick.line.quantity,
          status: plan.kind,
          created_at: createdAt,
          initial_status: plan.kind,
          shipment_id: null,
          customer_id: order.customerId,
          sku: pick.line.sku,
        }));
        if (plan.kind === 'ALLOCATED') {
          for (const row of sortedByStockKey(rows)) {
            const reserved = await (
              fromReservation
                ? trx
                    .updateTable('stock_levels')
                    .set({
                      allocated: sql<number>`allocated + ${row.quantity}`,
                      reserved: sql<number>`reserved - ${row.quantity}`,
                    })
                    .where('reserved', '>=', row.quantity)
                : trx
                    .updateTable('stock_levels')
                    .set({ allocated: sql<number>`allocated + ${row.quantity}` })
                    .where(sql<boolean>`on_hand - allocated - reserved >= ${row.quantity}`)
            )
              .where('product_id', '=', row.product_id)
              .where('warehouse_id', '=', row.warehouse_id)
              .executeTakeFirst();
            if (Number(reserved.numUpdatedRows) !== 1) {
              throw new Error(
                `${row.product_id} in ${row.warehouse_id} has fewer than ${row.quantity} units available for order ${order.orderId} any more (changed concurrently)`,
              );
            }
          }
        }
        await trx.insertInto('allocations').values(rows).execute();

        const skuOf = new Map(lines.map((l) => [l.lineNumber, l.sku]));
        if (plan.kind === 'ALLOCATED') {
          const payload: InventoryAllocated = {
            orderId: order.orderId,
            customerId: order.customerId,
            allocations: rows.map((r) => ({
              allocationId: r.id,
              lineNumber: r.line_number,
              productId: r.product_id,
              sku: skuOf.get(r.line_number)!,
              quantity: r.quantity,
              warehouseId: r.warehouse_id,
            })),
          };
          await appendToOutbox(trx, {
            source: 'inventory',
            type: OrderToCashEvent.InventoryAllocated,
            aggregateId: order.orderId,
            payload,
            correlationId: delivery.correlationId,
          });
        } else {
          const payload: OrderBackordered = {
            orderId: order.orderId,
            customerId: order.customerId,
            shortLines: plan.shortLines.map((s) => ({
              lineNumber: s.line.lineNumber,
              productId: s.line.productId,
              sku: s.line.sku,
              requested: s.line.quantity,
              available: s.available,
            })),
          };
          await appendToOutbox(trx, {
            source: 'inventory',
            type: OrderToCashEvent.OrderBackordered,
            aggregateId: order.orderId,
            payload,
            correlationId: delivery.correlationId,
          });
        }
        return { outcome: plan.kind, allocations: rows.map(toAllocation) };
      });
    },

    releaseOrder(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        await lockOrder(trx, order.orderId);
        await trx
          .insertInto('cancelled_orders')
          .values({ order_id: order.orderId, cancelled_at: new Date().toISOString() })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
        // Stock still reserved for it (cancelled while held, or before its acceptance was processed) goes back.
        if (order.reservationId) await endStockReservation(trx, order.reservationId, order.orderId);
        let query = trx
          .selectFrom('allocations')
          .selectAll()
          .where('order_id', '=', order.orderId)
          .where('status', 'in', ['ALLOCATED', 'BACKORDERED'])
          .orderBy('line_number')
          .orderBy('id');
        if (locking) query = query.forUpdate();
        const rows = await query.execute();
        if (rows.length === 0) return [];
        // Backordered lines reserved nothing: only ALLOCATED ones give stock back.
        for (const row of sortedByStockKey(rows.filter((r) => r.status === 'ALLOCATED'))) {
          const released = await trx
            .updateTable('stock_levels')
            .set({ allocated: sql<number>`allocated - ${row.quantity}` })
            .where('product_id', '=', row.product_id)
            .where('warehouse_id', '=', row.warehouse_id)
            .where('allocated', '>=', row.quantity)
            .executeTakeFirst();
          if (Number(released.numUpdatedRows) !== 1) {
            throw new Error(
              `allocation ${row.id} reserves ${row.quantity} of ${row.product_id} in ${row.warehouse_id}, more than the stock level holds allocated`,
            );
          }
        }
        await trx
          .updateTable('allocations')
          .set({ status: 'RELEASED' })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        return rows.map((r) => toAllocation({ ...r, status: 'RELEASED' }));
      });
    },

    consumeShippedStock(shipment, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        const lines = checkedShipmentLines(shipment.shipmentId, shipment.lines);
        await lockOrder(trx, shipment.orderId);
        // The same shipment announced again (under another event id) consumes nothing more.
        const consumed = await trx
          .selectFrom('allocations')
          .select('line_number')
          .where('order_id', '=', shipment.orderId)
          .where('shipment_id', '=', shipment.shipmentId)
          .execute();
        const done = new Set(consumed.map((r) => r.line_number));
        let query = trx
          .selectFrom('allocations')
          .selectAll()
          .where('order_id', '=', shipment.orderId)
          .where('warehouse_id', '=', shipment.warehouseId)
          .where('status', '=', 'ALLOCATED')
          .orderBy('line_number')
          .orderBy('id');
        if (locking) query = query.forUpdate();
        const open = await query.execute();

        const whole: AllocationRow[] = [];
        const splits: { row: AllocationRow; quantity: number }[] = [];
        for (const line of lines) {
          if (done.has(line.orderLineNumber)) continue;
          const taken = new Set([...whole, ...splits.map((s) => s.row)].map((r) => r.id));
          const row = open.find(
            (r) =>
              r.line_number === line.orderLineNumber &&
              r.quantity >= line.quantity &&
              !taken.has(r.id),
          );
          if (!row) {
            throw new Error(
              `shipment ${shipment.shipmentId} shipped ${line.quantity} of order ${shipment.orderId} line ${line.orderLineNumber} from ${shipment.warehouseId}, which holds no ALLOCATED allocation that large for it`,
            );
          }
          if (row.product_id !== line.productId) {
            throw new Error(
              `shipment ${shipment.shipmentId} line ${line.orderLineNumber} ships ${line.productId}, but allocation ${row.id} reserved ${row.product_id}`,
            );
          }
          if (line.quantity === row.quantity)
            whole.push({ ...row, status: 'SHIPPED', shipment_id: shipment.shipmentId });
          else splits.push({ row, quantity: line.quantity });
        }
        if (whole.length) {
          await trx
            .updateTable('allocations')
            .set({ status: 'SHIPPED', shipment_id: shipment.shipmentId })
            .where(
              'id',
              'in',
              whole.map((r) => r.id),
            )
            .execute();
        }
        // A line shipped in part: the shipped units become a SHIPPED allocation of their own, the rest stays reserved.
        const partIds = await takeIds(trx, ALLOCATION_IDS, splits.length);
        const parts = splits.map(({ row, quantity }, i): AllocationRow => ({
          ...row,
          id: partIds[i],
          quantity,
          status: 'SHIPPED',
          shipment_id: shipment.shipmentId,
        }));
        for (const { row, quantity } of splits) {
          await trx
            .updateTable('allocations')
            .set({ quantity: row.quantity - quantity })
            .where('id', '=', row.id)
            .execute();
        }
        if (parts.length) await trx.insertInto('allocations').values(parts).execute();

        const shipped = [...whole, ...parts];
        for (const row of sortedByStockKey(shipped)) {
          const left = await trx
            .updateTable('stock_levels')
            .set({
              on_hand: sql<number>`on_hand - ${row.quantity}`,
              allocated: sql<number>`allocated - ${row.quantity}`,
            })
            .where('product_id', '=', row.product_id)
            .where('warehouse_id', '=', row.warehouse_id)
            .where('allocated', '>=', row.quantity)
            .where('on_hand', '>=', row.quantity)
            .executeTakeFirst();
          if (Number(left.numUpdatedRows) !== 1) {
            throw new Error(
              `${row.product_id} in ${row.warehouse_id} holds fewer than the ${row.quantity} units shipment ${shipment.shipmentId} took`,
            );
          }
        }
        return shipped.sort((a, b) => a.line_number - b.line_number).map(toAllocation);
      });
    },
  };
}

/** Stock rows are changed in one global order, so two transactions never wait on each other in a circle (PostgreSQL). */
export function sortedByStockKey<T extends { product_id: string; warehouse_id: string }>(
  rows: readonly T[],
): T[] {
  return [...rows].sort((a, b) =>
    a.product_id === b.product_id
      ? cmp(a.warehouse_id, b.warehouse_id)
      : cmp(a.product_id, b.product_id),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;

/** The lines of an event as the rule needs them; a malformed event is an anomaly for the exception queue. */
function checkedLines(what: string, lines: readonly LineRequest[] | undefined): LineRequest[] {
  if (!Array.isArray(lines) || lines.length === 0) throw new Error(`${what} has no lines`);
  for (const line of lines) {
    if (
      !isCount(line.lineNumber) ||
      !isCount(line.quantity) ||
      typeof line.productId !== 'string'
    ) {
      throw new Error(`${what} has a malformed line: ${JSON.stringify(line)}`);
    }
  }
  if (new Set(lines.map((l) => l.lineNumber)).size !== lines.length)
    throw new Error(`${what} repeats a line number`);
  return [...lines];
}

function checkedShipmentLines(
  shipmentId: string,
  lines: readonly { orderLineNumber: number; productId: string; quantity: number }[] | undefined,
) {
  if (!Array.isArray(lines) || lines.length === 0)
    throw new Error(`ShipmentConfirmed of ${shipmentId} has no lines`);
  for (const line of lines) {
    if (
      !isCount(line.orderLineNumber) ||
      !isCount(line.quantity) ||
      typeof line.productId !== 'string'
    ) {
      throw new Error(
        `ShipmentConfirmed of ${shipmentId} has a malformed line: ${JSON.stringify(line)}`,
      );
    }
  }
  return [...lines].sort((a, b) => a.orderLineNumber - b.orderLineNumber);
}

/**
 * Plans `lines` on what is available now (on hand less allocated and reserved by other orders),
 * reading their stock rows and, on PostgreSQL, locking them in (product, warehouse) order, so
 * allocations and reservations of the same stock queue behind each other.
 */
export async function planOnAvailableStock(
  trx: Kysely<InventoryDB & InventoryBookkeeping>,
  lines: LineRequest[],
  locking: boolean,
) {
  const warehouses = await trx.selectFrom('warehouses').select(['id', 'code']).execute();
  let stockQuery = trx
    .selectFrom('stock_levels')
    .selectAll()
    .where('product_id', 'in', [...new Set(lines.map((l) => l.productId))])
    .orderBy('product_id')
    .orderBy('warehouse_id');
  if (locking) stockQuery = stockQuery.forUpdate();
  const stock = await stockQuery.execute();
  const plan = planAllocation(
    lines,
    warehouses.map((w) => ({
      warehouseId: w.id,
      warehouseCode: w.code,
      available: new Map(
        stock
          .filter((s) => s.warehouse_id === w.id)
          .map((s) => [s.product_id, s.on_hand - s.allocated - (s.reserved ?? 0)]),
      ),
    })),
  );
  return { plan, stock };
}
