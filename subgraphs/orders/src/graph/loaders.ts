import { alignByKey, groupByKey, type PageRequest } from '@switchyard/kit';
import type { Hold, Order, OrderFilter, OrderLine, OrderStatusChange } from '../store';
import type { Context } from './builder';

/** Per-request DataLoaders: one SQL statement per kind of lookup, however many parents ask. */

export const orderLoader = (ctx: Context) =>
  ctx.loaders.get<string, Order | null>('order', async (ids) =>
    alignByKey(ids, await ctx.store.ordersByIds(ids), (o) => o.id),
  );

export const orderByNumberLoader = (ctx: Context) =>
  ctx.loaders.get<string, Order | null>('orderByNumber', async (numbers) =>
    alignByKey(numbers, await ctx.store.ordersByNumbers(numbers), (o) => o.number),
  );

export const orderLinesLoader = (ctx: Context) =>
  ctx.loaders.get<string, OrderLine[]>('orderLines', async (orderIds) =>
    groupByKey(orderIds, await ctx.store.linesByOrderIds(orderIds), (l) => l.orderId),
  );

export const holdsLoader = (ctx: Context) =>
  ctx.loaders.get<string, Hold[]>('holds', async (orderIds) =>
    groupByKey(orderIds, await ctx.store.holdsByOrderIds(orderIds), (h) => h.orderId),
  );

export const statusHistoryLoader = (ctx: Context) =>
  ctx.loaders.get<string, OrderStatusChange[]>('statusHistory', async (orderIds) =>
    groupByKey(orderIds, await ctx.store.statusHistoryByOrderIds(orderIds), (c) => c.orderId),
  );

/**
 * A page of orders per customer. Loaders are keyed by customer id, so there is one loader per
 * distinct filter and page: the usual case (many customers, same arguments) is one statement.
 */
export const customerOrdersLoader = (ctx: Context, filter: OrderFilter, page: PageRequest) =>
  ctx.loaders.get<string, Order[]>(
    `customerOrders:${JSON.stringify([filter, page])}`,
    async (customerIds) =>
      groupByKey(
        customerIds,
        await ctx.store.ordersPerCustomer(customerIds, filter, page),
        (o) => o.customerId,
      ),
  );

export const customerOrderCountLoader = (ctx: Context, filter: OrderFilter) =>
  ctx.loaders.get<string, number>(
    `customerOrderCount:${JSON.stringify(filter)}`,
    async (customerIds) => {
      const counts = await ctx.store.countOrdersPerCustomer(customerIds, filter);
      return customerIds.map((id) => counts.get(id) ?? 0);
    },
  );

/** The carriers shipping each order (a 3pl's row dimension). */
export const orderCarriersLoader = (ctx: Context) =>
  ctx.loaders.get<string, string[]>('orderCarriers', async (orderIds) =>
    groupByKey(orderIds, await ctx.store.carriersByOrderIds(orderIds), (c) => c.orderId).map(
      (rows) => rows.map((row) => row.carrierId),
    ),
  );

/** The channels each customer ordered through (what a store's channel sees of a customer). */
export const customerChannelsLoader = (ctx: Context) =>
  ctx.loaders.get<string, string[]>('customerChannels', async (customerIds) =>
    groupByKey(
      customerIds,
      await ctx.store.channelsByCustomerIds(customerIds),
      (c) => c.customerId,
    ).map((rows) => rows.map((row) => row.channel)),
  );
