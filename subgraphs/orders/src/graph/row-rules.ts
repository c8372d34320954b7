import {
  forbiddenRow,
  rowLookupRule,
  rowRule,
  type RowDimensions,
  type SubgraphContext,
} from '@switchyard/kit';
import { rule, type IRules } from 'graphql-shield';
import type { Order } from '../store';
import { orderByNumberLoader, orderLoader } from './loaders';

const orderRow = (order: Order): RowDimensions => ({
  customerIds: order.customerId,
  channels: order.channel,
});

/** Whole-business figures: only callers that see every row (internal, portal, services) may read them. */
const seesEveryRow = rule('health:every-row', { cache: 'no_cache' })(
  (_root: unknown, _args: unknown, ctx: SubgraphContext<unknown>) =>
    ctx.rowScope === null || forbiddenRow('BusinessHealth'),
);

/**
 * Row-level rules of the orders subgraph (lists and Customer.orders are scoped in the store):
 * an order belongs to its customer and its channel; the extended Customer is the customer's row.
 * Commands check the row they act on themselves (place-order.ts, order-commands.ts): placing for
 * another's customer, or cancelling or releasing another's order, is FORBIDDEN.
 */
export const orderRowRules: IRules = {
  Query: {
    order: rowLookupRule<{ id?: string | null; number?: string | null }>(
      'Order',
      (args, ctx) =>
        args.id != null
          ? orderLoader(ctx).load(String(args.id))
          : orderByNumberLoader(ctx).load(args.number!),
      orderRow,
    ),
    businessHealth: seesEveryRow,
  },
  Order: rowRule('Order', orderRow),
  Customer: rowRule('Customer', (customer: { id: string }) => ({ customerIds: customer.id })),
};
