import { everyRowRule, rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import type { Order } from '../store';
import type { Context } from './builder';
import {
  customerChannelsLoader,
  orderByNumberLoader,
  orderCarriersLoader,
  orderLoader,
} from './loaders';

/**
 * An order belongs to its customer, its channel and the carriers of its shipments (read only for a
 * caller scoped by carrier, a 3pl: the shipments' carriers as ShipmentPlanned announced them).
 */
export const orderRow = (order: Order, ctx: Context): RowDimensions | Promise<RowDimensions> => {
  const dimensions = { customerIds: order.customerId, channels: order.channel };
  if (!ctx.rowScope?.carrierIds) return dimensions;
  return orderCarriersLoader(ctx)
    .load(order.id)
    .then((carrierIds) => ({ ...dimensions, carrierIds }));
};

/**
 * The customer as this subgraph extends it (Customer.orders): its own row, in the channels it ordered
 * through (read only for a caller scoped by channel, a web store, which sees the customers of its
 * channel's orders; the list itself keeps to the store's channel).
 */
const customerRow = (
  customer: { id: string },
  ctx: Context,
): RowDimensions | Promise<RowDimensions> => {
  if (!ctx.rowScope?.channels) return { customerIds: customer.id };
  return customerChannelsLoader(ctx)
    .load(customer.id)
    .then((channels) => ({ customerIds: customer.id, channels }));
};

/**
 * Row-level rules of the orders subgraph (lists and Customer.orders are scoped in the store):
 * another's order answers as one that does not exist; the extended Customer is the customer's row.
 * Commands check the row they act on themselves (place-order.ts, order-commands.ts): cancelling or
 * releasing another's order is NOT_FOUND like a missing one; placing for a customer outside the
 * caller's tenant is FORBIDDEN, decided from the tenant alone (an unknown id gets the same answer).
 */
export const orderRowRules: IRules = {
  Query: {
    order: rowLookupRule<{ id?: string | null; number?: string | null }>({
      typeName: 'Order',
      // As the resolver names the order in its NOT_FOUND (it refuses a lookup naming neither).
      keyOf: (args) =>
        args.id == null && args.number == null ? null : String(args.id ?? args.number),
      load: (args, ctx) =>
        args.id != null
          ? orderLoader(ctx).load(String(args.id))
          : orderByNumberLoader(ctx).load(args.number!),
      dimensionsOf: orderRow,
    }),
    // Whole-business figures: only callers that see every row (internal, portal, services).
    businessHealth: everyRowRule('BusinessHealth'),
  },
  Order: rowRule('Order', orderRow),
  Customer: rowRule('Customer', customerRow),
};
