import { badUserInput, checkDateRange } from '@switchyard/kit';
import type { OrderChannel, OrderFilter, OrderStatus } from '../store';
import { builder } from './builder';
import { OrderChannelEnum, OrderStatusEnum } from './enums';

/** The filters that `Query.orders` and `Customer.orders` share. */
export const orderFilterArgs = builder.args((t) => ({
  status: t.field({
    type: OrderStatusEnum,
    description: 'Only orders in this status (or use `statuses`, not both).',
  }),
  statuses: t.field({
    type: [OrderStatusEnum],
    description: 'Only orders in any of these statuses (at least one).',
  }),
  channel: t.field({ type: OrderChannelEnum }),
  placedAfter: t.field({
    type: 'DateTime',
    description: 'Only orders placed at or after this instant (inclusive).',
  }),
  placedBefore: t.field({
    type: 'DateTime',
    description: 'Only orders placed before this instant (exclusive).',
  }),
}));

interface OrderFilterInput {
  status?: OrderStatus | null;
  statuses?: readonly OrderStatus[] | null;
  channel?: OrderChannel | null;
  placedAfter?: string | null;
  placedBefore?: string | null;
  customerId?: string | number | null;
}

/** Validates filter arguments into a store filter; contradictory ones are BAD_USER_INPUT rather than an empty page. */
export function orderFilterFrom(args: OrderFilterInput): OrderFilter {
  if (args.status && args.statuses)
    throw badUserInput('Give "status" or "statuses", not both', 'statuses');
  if (args.statuses && args.statuses.length === 0)
    throw badUserInput('"statuses" must name at least one status', 'statuses');
  checkDateRange('placed', args.placedAfter, args.placedBefore);
  return {
    statuses: args.status ? [args.status] : (args.statuses ?? null),
    customerId: args.customerId != null ? String(args.customerId) : null,
    channel: args.channel ?? null,
    placedAfter: args.placedAfter ?? null,
    placedBefore: args.placedBefore ?? null,
  };
}
