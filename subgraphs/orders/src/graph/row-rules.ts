import { rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import type { Order } from '../store';
import { orderByNumberLoader, orderLoader } from './loaders';

const orderRow = (order: Order): RowDimensions => ({ customerIds: order.customerId, channels: order.channel });

/**
 * Row-level rules of the orders subgraph (lists and Customer.orders are scoped in the store):
 * an order belongs to its customer and its channel; the extended Customer is the customer's row.
 */
export const orderRowRules: IRules = {
  Query: {
    order: rowLookupRule<{ id?: string | null; number?: string | null }>(
      'Order',
      (args, ctx) => (args.id != null ? orderLoader(ctx).load(String(args.id)) : orderByNumberLoader(ctx).load(args.number!)),
      orderRow,
    ),
  },
  Order: rowRule('Order', orderRow),
  Customer: rowRule('Customer', (customer: { id: string }) => ({ customerIds: customer.id })),
};
