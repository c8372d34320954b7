import {
  appendToOutbox,
  badUserInput,
  invalidStateTransition,
  type MilestoneRecorded,
  notFound,
  OrderToCashEvent,
  type RowScope,
  rowVisible,
  type ShipmentConfirmed,
  type ShipmentDelivered,
  takeIds,
} from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { ShipmentRow, ShipmentsBookkeeping, ShipmentsDB } from './migrations';
import { checkConfirmable, checkDeliverable, statusAfterMilestone } from './shipment-transitions';
import { MILESTONE_IDS } from './sql-shipment-planning';
import { toShipment } from './sql-row-mapping';
import type { MilestoneCode, ShipmentStatus, ShipmentStore } from './store';

/** Where a delivery happens, as far as shipments knows: the consignee's dock (the ship-to lives with the order). */
const DELIVERY_LOCATION = 'Consignee';

/**
 * The execution commands (warehouse and carrier milestones). Each runs in one transaction: the
 * shipment is read (locked FOR UPDATE on PostgreSQL), the caller's row scope and the shipment's status
 * checked, then the status, the milestone and the event are written together, so a refused command
 * writes nothing and an accepted one never loses its event.
 */
export function createSqlShipmentCommands(
  records: Kysely<ShipmentsDB>,
): Pick<ShipmentStore, 'recordMilestone' | 'confirmShipment' | 'recordDelivery'> {
  const db = records.withTables<ShipmentsBookkeeping>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  /**
   * The shipment the command is about: NOT_FOUND when unknown or outside the caller's rows (a 3pl:
   * its carriers' only), one answer for both so a caller cannot learn which ids exist.
   */
  async function shipmentFor(
    trx: Transaction<ShipmentsDB & ShipmentsBookkeeping>,
    shipmentId: string,
    scope: RowScope,
  ): Promise<ShipmentRow> {
    let query = trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId);
    if (locking) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row || !rowVisible(scope, { customerIds: row.customer_id, carrierIds: row.carrier_id }))
      throw notFound('Shipment', shipmentId);
    return row;
  }

  /** Moves the status from what was read; the condition on the old status makes a concurrent change fail loudly rather than be overwritten. */
  async function moveStatus(
    trx: Transaction<ShipmentsDB & ShipmentsBookkeeping>,
    row: ShipmentRow,
    to: ShipmentStatus,
    changes: Partial<ShipmentRow> = {},
  ) {
    const moved = await trx
      .updateTable('shipments')
      .set({ ...changes, status: to })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1)
      throw invalidStateTransition(
        'Shipment',
        row.id,
        row.status as ShipmentStatus,
        to,
        `shipment ${row.id} changed while ${to} was being recorded: try again`,
      );
  }

  async function addMilestone(
    trx: Transaction<ShipmentsDB & ShipmentsBookkeeping>,
    shipmentId: string,
    code: MilestoneCode,
    at: string,
    location: string,
    note: string | null,
  ) {
    const [id] = await takeIds(trx, MILESTONE_IDS, 1);
    await trx
      .insertInto('milestones')
      .values({ id, shipment_id: shipmentId, code, at, location, note })
      .execute();
  }

  return {
    recordMilestone(milestone, command) {
      return db.transaction().execute(async (trx) => {
        const row = await shipmentFor(trx, milestone.shipmentId, command.scope);
        const next = statusAfterMilestone(row.id, row.status as ShipmentStatus, milestone.code);
        notBefore(milestone.at, row.planned_at, 'at', 'the shipment was planned');
        if (next !== row.status) await moveStatus(trx, row, next);
        await addMilestone(
          trx,
          row.id,
          milestone.code,
          milestone.at,
          milestone.location,
          milestone.note,
        );
        const payload: MilestoneRecorded = {
          shipmentId: row.id,
          orderId: row.order_id,
          carrierId: row.carrier_id,
          code: milestone.code,
          at: milestone.at,
        };
        await appendToOutbox(trx, {
          source: 'shipments',
          type: OrderToCashEvent.MilestoneRecorded,
          aggregateId: row.id,
          payload,
          correlationId: command.correlationId,
        });
        return toShipment({ ...row, status: next });
      });
    },

    confirmShipment(confirmation, command) {
      return db.transaction().execute(async (trx) => {
        const row = await shipmentFor(trx, confirmation.shipmentId, command.scope);
        checkConfirmable(row.id, row.status as ShipmentStatus);
        notBefore(confirmation.shippedAt, row.planned_at, 'shippedAt', 'the shipment was planned');
        // Two shipments confirmed at once with one tracking number: the second waits here, then finds it taken (not a unique-index crash).
        if (locking)
          await sql`select pg_advisory_xact_lock(hashtext(${`tracking:${confirmation.trackingNumber}`}))`.execute(
            trx,
          );
        const taken = await trx
          .selectFrom('shipments')
          .select('id')
          .where('tracking_number', '=', confirmation.trackingNumber)
          .executeTakeFirst();
        // Which shipment holds it is not said: it may be another carrier's.
        if (taken)
          throw badUserInput(
            `trackingNumber ${JSON.stringify(confirmation.trackingNumber)} is already used by another shipment`,
            'trackingNumber',
          );
        const shipped = {
          tracking_number: confirmation.trackingNumber,
          shipped_at: confirmation.shippedAt,
        };
        await moveStatus(trx, row, 'SHIPPED', shipped);
        const carrier = await trx
          .selectFrom('carriers')
          .select('name')
          .where('id', '=', row.carrier_id)
          .executeTakeFirstOrThrow();
        await addMilestone(
          trx,
          row.id,
          'SHIPPED',
          confirmation.shippedAt,
          row.warehouse_id,
          `Tendered to ${carrier.name}, tracking ${confirmation.trackingNumber}`,
        );
        const lines = await trx
          .selectFrom('shipment_lines')
          .selectAll()
          .where('shipment_id', '=', row.id)
          .orderBy('line_number')
          .execute();
        const payload: ShipmentConfirmed = {
          shipmentId: row.id,
          orderId: row.order_id,
          customerId: row.customer_id,
          warehouseId: row.warehouse_id,
          carrierId: row.carrier_id,
          trackingNumber: confirmation.trackingNumber,
          shippedAt: confirmation.shippedAt,
          lines: lines.map((l) => ({
            orderLineNumber: Number(l.order_line_number),
            productId: l.product_id,
            quantity: Number(l.quantity),
          })),
        };
        await appendToOutbox(trx, {
          source: 'shipments',
          type: OrderToCashEvent.ShipmentConfirmed,
          aggregateId: row.id,
          payload,
          correlationId: command.correlationId,
        });
        return toShipment({ ...row, ...shipped, status: 'SHIPPED' });
      });
    },

    recordDelivery(delivery, command) {
      return db.transaction().execute(async (trx) => {
        const row = await shipmentFor(trx, delivery.shipmentId, command.scope);
        checkDeliverable(row.id, row.status as ShipmentStatus);
        notBefore(
          delivery.deliveredAt,
          row.shipped_at ?? row.planned_at,
          'deliveredAt',
          'the shipment shipped',
        );
        await moveStatus(trx, row, 'DELIVERED', { delivered_at: delivery.deliveredAt });
        await addMilestone(
          trx,
          row.id,
          'DELIVERED',
          delivery.deliveredAt,
          DELIVERY_LOCATION,
          delivery.receivedBy ? `Received by ${delivery.receivedBy}` : null,
        );
        const payload: ShipmentDelivered = {
          shipmentId: row.id,
          orderId: row.order_id,
          customerId: row.customer_id,
          deliveredAt: delivery.deliveredAt,
        };
        await appendToOutbox(trx, {
          source: 'shipments',
          type: OrderToCashEvent.ShipmentDelivered,
          aggregateId: row.id,
          payload,
          correlationId: command.correlationId,
        });
        return toShipment({ ...row, delivered_at: delivery.deliveredAt, status: 'DELIVERED' });
      });
    },
  };
}

/** An instant the command reports must not precede the step before it (ISO-8601 UTC strings compare in time order). */
function notBefore(at: string, earliest: string, argument: string, what: string) {
  if (at < earliest)
    throw badUserInput(`${argument} (${at}) is before ${what} (${earliest})`, argument);
}
