import type { Kysely } from 'kysely';
import type { ShipmentsDB } from './migrations';
import type { ShipmentStore } from './store';

const HOUR_MS = 3_600_000;

/** Shipments' business-health measures, computed from the shipment rows at query time (no counters). */
export function createSqlBusinessHealth(
  db: Kysely<ShipmentsDB>,
): Pick<ShipmentStore, 'shipmentHealth'> {
  return {
    async shipmentHealth(window) {
      // shipped_at is set by confirmShipment only (a cancelled shipment never has one).
      const rows = await db
        .selectFrom('shipments')
        .select(['planned_at', 'shipped_at'])
        .where('shipped_at', '>=', window.from)
        .where('shipped_at', '<', window.to)
        .execute();
      return {
        shipmentsConfirmed: rows.length,
        planToShipHours: rows.map(
          (r) => (Date.parse(r.shipped_at!) - Date.parse(r.planned_at)) / HOUR_MS,
        ),
      };
    },
  };
}
