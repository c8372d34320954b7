import type { CallerIdentity } from '@switchyard/kit';
import type { OrderChannel } from './store';

/**
 * The channel an order is placed through: an ecommerce store's orders are always ECOMMERCE (its row
 * scope is that channel); otherwise what the caller asked for, else what its kind usually sends:
 * a distributor's system EDI, a portal PORTAL, anyone else (internal tools, services) SALES_REP.
 */
export function orderChannelFor(
  caller: Pick<CallerIdentity, 'kind'>,
  requested: OrderChannel | null,
): OrderChannel {
  if (caller.kind === 'ecommerce') return 'ECOMMERCE';
  if (requested) return requested;
  switch (caller.kind) {
    case 'distributor':
      return 'EDI';
    case 'portal':
      return 'PORTAL';
    default:
      return 'SALES_REP';
  }
}
