import {
  appendToOutbox,
  consumeOnce,
  type IdSequence,
  type InventoryAllocated,
  OrderToCashEvent,
  type ShipmentPlanned,
  takeIds,
} from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { chooseCarrier } from './carrier-choice';
import type { ShipmentLineRow, ShipmentRow, ShipmentsBookkeeping, ShipmentsDB } from './migrations';
import { toCarrier, toShipment } from './sql-row-mapping';
import type { ShipmentStore } from './store';

export const SHIPMENT_IDS: IdSequence = { table: 'shipments', prefix: 'SHP', width: 6 };
export const MILESTONE_IDS: IdSequence = { table: 'milestones', prefix: 'MLS', width: 7 };

/** Statuses a shipment may still be cancelled from: nothing has left the warehouse. */
const CANCELLABLE = ['PLANNED', 'PICKED', 'PACKED'] as const;

type Allocation = InventoryAllocated['allocations'][number];

/**
 * What the order-to-cash events do to shipments: plan them when stock is allocated, cancel them when
 * the order is. Each method is one transaction that starts with consumeOnce, so a redelivered event is
 * a no-op and a failure leaves nothing behind. The natural key (one live shipment per order and
 * warehouse) is checked first and held by the unique plan_key, so the same allocation announced
 * under another event id plans nothing more. On PostgreSQL both first take a transaction-scoped
 * advisory lock on the order: a plan and a cancellation of one order run one after the other, so
 * neither misses what the other wrote (SQLite has one writer at a time).
 */
export function createSqlShipmentPlanning(
  records: Kysely<ShipmentsDB>,
): Pick<ShipmentStore, 'planShipments' | 'cancelShipments'> {
  const db = records.withTables<ShipmentsBookkeeping>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  const lockOrder = async (trx: Kysely<ShipmentsDB & ShipmentsBookkeeping>, orderId: string) => {
    if (locking)
      await sql`select pg_advisory_xact_lock(hashtext(${`shipments.order:${orderId}`}))`.execute(
        trx,
      );
  };

  return {
    planShipments(allocated, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        const byWarehouse = allocationsByWarehouse(allocated);
        await lockOrder(trx, allocated.orderId);
        const cancelled = await trx
          .selectFrom('cancelled_orders')
          .select('order_id')
          .where('order_id', '=', allocated.orderId)
          .executeTakeFirst();
        if (cancelled) return [];

        const carriers = (await trx.selectFrom('carriers').selectAll().execute()).map(toCarrier);
        const history = await trx
          .selectFrom('shipments')
          .select([
            'carrier_id',
            sql<number>`count(*)`.as('shipments'),
            sql<string>`max(planned_at)`.as('last_planned_at'),
          ])
          .where('customer_id', '=', allocated.customerId)
          .where('status', '<>', 'CANCELLED')
          .groupBy('carrier_id')
          .execute();
        const customerHistory = history.map((h) => ({
          carrierId: h.carrier_id,
          shipments: Number(h.shipments),
          lastPlannedAt: h.last_planned_at,
        }));

        const planned: ShipmentRow[] = [];
        for (const [warehouseId, allocations] of byWarehouse) {
          const live = await trx
            .selectFrom('shipments')
            .select('id')
            .where('order_id', '=', allocated.orderId)
            .where('warehouse_id', '=', warehouseId)
            .where('status', '<>', 'CANCELLED')
            .executeTakeFirst();
          if (live) continue;
          const units = allocations.reduce((sum, a) => sum + a.quantity, 0);
          const { carrier, serviceLevel } = chooseCarrier(units, customerHistory, carriers);
          const [id] = await takeIds(trx, SHIPMENT_IDS, 1);
          const plannedAt = new Date().toISOString();
          const row: ShipmentRow = {
            id,
            order_id: allocated.orderId,
            customer_id: allocated.customerId,
            warehouse_id: warehouseId,
            carrier_id: carrier.id,
            service_level: serviceLevel,
            tracking_number: null,
            status: 'PLANNED',
            planned_at: plannedAt,
            shipped_at: null,
            delivered_at: null,
            plan_key: `${allocated.orderId}|${warehouseId}`,
          };
          const lines: ShipmentLineRow[] = allocations.map((a, i) => ({
            shipment_id: id,
            line_number: i + 1,
            order_line_number: a.lineNumber,
            product_id: a.productId,
            quantity: a.quantity,
          }));
          const [milestoneId] = await takeIds(trx, MILESTONE_IDS, 1);
          await trx.insertInto('shipments').values(row).execute();
          await trx.insertInto('shipment_lines').values(lines).execute();
          await trx
            .insertInto('milestones')
            .values({
              id: milestoneId,
              shipment_id: id,
              code: 'PLANNED',
              at: plannedAt,
              location: warehouseId,
              note: `${carrier.name}, ${serviceLevel}`,
            })
            .execute();
          const payload: ShipmentPlanned = {
            shipmentId: id,
            orderId: allocated.orderId,
            customerId: allocated.customerId,
            warehouseId,
            carrierId: carrier.id,
            lines: lines.map((l) => ({
              orderLineNumber: l.order_line_number,
              productId: l.product_id,
              quantity: l.quantity,
            })),
          };
          await appendToOutbox(trx, {
            source: 'shipments',
            type: OrderToCashEvent.ShipmentPlanned,
            aggregateId: id,
            payload,
            correlationId: delivery.correlationId,
          });
          planned.push(row);
        }
        return planned.map(toShipment);
      });
    },

    cancelShipments(cancelled, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        await lockOrder(trx, cancelled.orderId);
        await trx
          .insertInto('cancelled_orders')
          .values({ order_id: cancelled.orderId, cancelled_at: new Date().toISOString() })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
        let query = trx
          .selectFrom('shipments')
          .selectAll()
          .where('order_id', '=', cancelled.orderId)
          .where('status', 'in', [...CANCELLABLE])
          .orderBy('id');
        if (locking) query = query.forUpdate();
        const rows = await query.execute();
        if (rows.length === 0) return [];
        // Clearing plan_key frees the natural key: a cancelled shipment no longer counts as the order's shipment from there.
        await trx
          .updateTable('shipments')
          .set({ status: 'CANCELLED', plan_key: null })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        return rows.map((r) => toShipment({ ...r, status: 'CANCELLED' }));
      });
    },
  };
}

/** The allocations of each warehouse, warehouses in id order, lines in line order; a malformed event is an anomaly for the exception queue. */
function allocationsByWarehouse(allocated: InventoryAllocated): Map<string, Allocation[]> {
  const allocations = allocated.allocations;
  if (!Array.isArray(allocations) || allocations.length === 0)
    throw new Error(`InventoryAllocated of ${allocated.orderId} has no allocations`);
  for (const a of allocations) {
    if (
      !Number.isInteger(a.lineNumber) ||
      !Number.isInteger(a.quantity) ||
      a.quantity <= 0 ||
      typeof a.warehouseId !== 'string' ||
      typeof a.productId !== 'string'
    ) {
      throw new Error(
        `InventoryAllocated of ${allocated.orderId} has a malformed allocation: ${JSON.stringify(a)}`,
      );
    }
  }
  const groups = new Map<string, Allocation[]>();
  for (const a of [...allocations].sort((x, y) =>
    x.warehouseId < y.warehouseId
      ? -1
      : x.warehouseId > y.warehouseId
        ? 1
        : x.lineNumber - y.lineNumber,
  )) {
    groups.set(a.warehouseId, [...(groups.get(a.warehouseId) ?? []), a]);
  }
  return groups;
}
