import { countRows, newestPage, rowScopeCondition, type RowScope } from '@switchyard/kit';
import type { Kysely } from 'kysely';
import type { ShipmentsDB } from './migrations';
import { createSqlBusinessHealth } from './sql-business-health';
import { createSqlShipmentCommands } from './sql-shipment-commands';
import { createSqlShipmentPlanning } from './sql-shipment-planning';
import { toCarrier, toMilestone, toShipment, toShipmentLine } from './sql-row-mapping';
import type { ShipmentFilter, ShipmentStore } from './store';

export function createSqlShipmentStore(db: Kysely<ShipmentsDB>): ShipmentStore {
  /** The shipments of `scope`: a shipment carries its customer and its carrier. */
  const scoped = (scope: RowScope | undefined) => {
    const inScope = rowScopeCondition(scope, {
      customerIds: 'customer_id',
      carrierIds: 'carrier_id',
    });
    return inScope ? db.selectFrom('shipments').where(inScope) : db.selectFrom('shipments');
  };
  const filtered = (filter: ShipmentFilter) => {
    let query = scoped(filter.scope);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.carrierId) query = query.where('carrier_id', '=', filter.carrierId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
    // ISO-8601 UTC strings of one format order lexically as they do in time; unshipped rows (NULL) never match.
    if (filter.shippedAfter) query = query.where('shipped_at', '>=', filter.shippedAfter);
    if (filter.shippedBefore) query = query.where('shipped_at', '<', filter.shippedBefore);
    return query;
  };

  return {
    async shipmentsByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('shipments')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toShipment);
    },
    async shipmentsByTrackingNumbers(trackingNumbers) {
      if (trackingNumbers.length === 0) return [];
      const rows = await db
        .selectFrom('shipments')
        .selectAll()
        .where('tracking_number', 'in', [...trackingNumbers])
        .execute();
      return rows.map(toShipment);
    },
    async shipmentsByOrderIds(orderIds, scope) {
      if (orderIds.length === 0) return [];
      const rows = await scoped(scope)
        .selectAll()
        .where('order_id', 'in', [...orderIds])
        .orderBy('planned_at')
        .orderBy('id')
        .execute();
      return rows.map(toShipment);
    },
    async listShipments(filter, page) {
      return (await newestPage(filtered(filter), page)).map(toShipment);
    },
    countShipments(filter) {
      return countRows(filtered(filter));
    },
    async linesByShipmentIds(shipmentIds) {
      if (shipmentIds.length === 0) return [];
      const rows = await db
        .selectFrom('shipment_lines')
        .selectAll()
        .where('shipment_id', 'in', [...shipmentIds])
        .orderBy('shipment_id')
        .orderBy('line_number')
        .execute();
      return rows.map(toShipmentLine);
    },
    async milestonesByShipmentIds(shipmentIds) {
      if (shipmentIds.length === 0) return [];
      const rows = await db
        .selectFrom('milestones')
        .selectAll()
        .where('shipment_id', 'in', [...shipmentIds])
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toMilestone);
    },
    async carriersByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('carriers')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toCarrier);
    },
    async listCarriers() {
      const rows = await db.selectFrom('carriers').selectAll().orderBy('code').execute();
      return rows.map(toCarrier);
    },
    ...createSqlShipmentPlanning(db),
    ...createSqlShipmentCommands(db),
    ...createSqlBusinessHealth(db),
  };
}
