import type { ShipmentPlanned } from '@switchyard/kit';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { OrdersDB } from './migrations';
import type { OrderStore } from './store';

type ShipmentCarriers = Pick<OrderStore, 'recordShipmentCarrier' | 'carriersByOrderIds'>;

/**
 * The carrier of each shipment of an order, learnt from ShipmentPlanned: what a 3pl's rows are decided
 * by (it sees the orders its carrier ships). A shipment keeps its carrier, so the shipment is the natural
 * key and a redelivered event changes nothing; a shipment of an order this subgraph does not have
 * breaks the foreign key and throws (the exception queue).
 */
export function createSqlShipmentCarriers(db: Kysely<OrdersDB>): ShipmentCarriers {
  return {
    async recordShipmentCarrier(event: ShipmentPlanned) {
      const inserted = await db
        .insertInto('shipment_carriers')
        .values({
          shipment_id: event.shipmentId,
          order_id: event.orderId,
          carrier_id: event.carrierId,
        })
        .onConflict((conflict) => conflict.column('shipment_id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async carriersByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('shipment_carriers')
        .select(['order_id', 'carrier_id'])
        .distinct()
        .where('order_id', 'in', [...orderIds])
        .execute();
      return rows.map((row) => ({ orderId: row.order_id, carrierId: row.carrier_id }));
    },
  };
}

/** The orders row-scope condition of the carrier dimension: an order one of these carriers ships. */
export const shippedByOneOf = (carrierIds: string[]): RawBuilder<boolean> =>
  sql<boolean>`exists (select 1 from shipment_carriers where shipment_carriers.order_id = orders.id and shipment_carriers.carrier_id in (${sql.join(carrierIds)}))`;
