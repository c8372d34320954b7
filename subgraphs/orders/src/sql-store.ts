import {
  countPerParent,
  countRows,
  newestPage,
  newestPagePerParent,
  rowScopeCondition,
} from '@switchyard/kit';
import type { Kysely } from 'kysely';
import type { OrdersDB } from './migrations';
import { statusRank } from './order-status-rules';
import { createSqlBusinessHealth } from './sql-business-health';
import { createSqlOrderCapture } from './sql-order-capture';
import { createSqlOrderProgress } from './sql-order-progress';
import { createSqlShipmentCarriers, shippedByOneOf } from './sql-shipment-carriers';
import { toHold, toOrder, toOrderLine, toStatusChange } from './sql-row-mapping';
import type { OrderChannel, OrderFilter, OrderStore } from './store';

export function createSqlOrderStore(db: Kysely<OrdersDB>): OrderStore {
  const filtered = (filter: OrderFilter) => {
    let query = db.selectFrom('orders');
    const inScope = rowScopeCondition(filter.scope, {
      customerIds: 'customer_id',
      channels: 'channel',
      carrierIds: shippedByOneOf,
    });
    if (inScope) query = query.where(inScope);
    if (filter.statuses) query = query.where('status', 'in', [...filter.statuses]);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.channel) query = query.where('channel', '=', filter.channel);
    // placed_at is an ISO-8601 UTC string of fixed shape, so string order is time order.
    if (filter.placedAfter) query = query.where('placed_at', '>=', filter.placedAfter);
    if (filter.placedBefore) query = query.where('placed_at', '<', filter.placedBefore);
    return query;
  };

  return {
    async ordersByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('orders')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toOrder);
    },
    async ordersByNumbers(numbers) {
      if (numbers.length === 0) return [];
      const rows = await db
        .selectFrom('orders')
        .selectAll()
        .where('number', 'in', [...numbers])
        .execute();
      return rows.map(toOrder);
    },
    async listOrders(filter, page) {
      return (await newestPage(filtered(filter), page)).map(toOrder);
    },
    countOrders(filter) {
      return countRows(filtered(filter));
    },
    async ordersPerCustomer(customerIds, filter, page) {
      return (
        await newestPagePerParent(db, filtered(filter), 'customer_id', customerIds, page)
      ).map(toOrder);
    },
    countOrdersPerCustomer(customerIds, filter) {
      return countPerParent(filtered(filter), 'customer_id', customerIds);
    },
    async linesByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('order_lines')
        .innerJoin('orders', 'orders.id', 'order_lines.order_id')
        .selectAll('order_lines')
        .select('orders.currency')
        .where('order_lines.order_id', 'in', [...orderIds])
        .orderBy('order_lines.order_id')
        .orderBy('order_lines.line_number')
        .execute();
      return rows.map(toOrderLine);
    },
    async holdsByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('holds')
        .selectAll()
        .where('order_id', 'in', [...orderIds])
        .orderBy('placed_at')
        .orderBy('id')
        .execute();
      return rows.map(toHold);
    },
    async statusHistoryByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('order_status_history')
        .selectAll()
        .where('order_id', 'in', [...orderIds])
        .execute();
      // Statuses entered at one instant (paid and closed by one payment) read in chain order.
      return rows
        .map(toStatusChange)
        .sort((a, b) => a.at.localeCompare(b.at) || statusRank(a.status) - statusRank(b.status));
    },
    async channelsByCustomerIds(customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('orders')
        .select(['customer_id', 'channel'])
        .distinct()
        .where('customer_id', 'in', [...customerIds])
        .execute();
      return rows.map((row) => ({
        customerId: row.customer_id,
        channel: row.channel as OrderChannel,
      }));
    },
    ...createSqlOrderCapture(db),
    ...createSqlOrderProgress(db),
    ...createSqlBusinessHealth(db),
    ...createSqlShipmentCarriers(db),
  };
}
