import type { HousekeepingTask } from '@switchyard/kit';
import type { FinanceStore } from './store';

/**
 * The orphan sweeper: a credit reservation still ACTIVE after the orphan timeout belongs to a placement
 * that never completed (orders crashed or gave up between reserving and writing the order, and no
 * event about the order came), so it is EXPIRED and leaves exposure.
 */
export const expireOrphanedCredit: HousekeepingTask<FinanceStore> = {
  name: 'finance.expire-orphaned-credit',
  run: (store, { now, orphanAfterMs }) =>
    store.expireCreditReservations(new Date(now.getTime() - orphanAfterMs).toISOString()),
};
