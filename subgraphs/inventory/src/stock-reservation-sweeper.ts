import type { HousekeepingTask } from '@switchyard/kit';
import type { InventoryStore } from './store';

/**
 * The orphan sweeper: a stock reservation still ACTIVE after the orphan timeout belongs to a placement
 * that never completed (orders crashed or gave up between reserving and writing the order, and no
 * event about the order came), so it is EXPIRED and its units are available again.
 */
export const expireOrphanedStock: HousekeepingTask<InventoryStore> = {
  name: 'inventory.expire-orphaned-stock',
  run: (store, { now, orphanAfterMs }) =>
    store.expireStockReservations(new Date(now.getTime() - orphanAfterMs).toISOString()),
};
