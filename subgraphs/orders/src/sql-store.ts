import { countPerParent, countRows, newestPage, newestPagePerParent, rowScopeCondition } from '@switchyard/kit';
import type { Kysely } from 'kysely';
import type { HoldRow, OrderLineRow, OrderRow, OrdersDB } from './migrations';
import type { Hold, Order, OrderFilter, OrderLine, OrderStore } from './store';

export function createSqlOrderStore(db: Kysely<OrdersDB>): OrderStore {
  const filtered = (filter: OrderFilter) => {
    let query = db.selectFrom('orders');
    const inScope = rowScopeCondition(filter.scope, { customerIds: 'customer_id', channels: 'channel' });
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
      const rows = await db.selectFrom('orders').selectAll().where('id', 'in', [...ids]).execute();
      return rows.map(toOrder);
    },
    async ordersByNumbers(numbers) {
      if (numbers.length === 0) return [];
      const rows = await db.selectFrom('orders').selectAll().where('number', 'in', [...numbers]).execute();
      return rows.map(toOrder);
    },
    async listOrders(filter, page) {
      return (await newestPage(filtered(filter), page)).map(toOrder);
    },
    countOrders(filter) {
      return countRows(filtered(filter));
    },
    async ordersPerCustomer(customerIds, filter, page) {
      return (await newestPagePerParent(db, filtered(filter), 'customer_id', customerIds, page)).map(toOrder);
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
      const rows = await db.selectFrom('holds').selectAll().where('order_id', 'in', [...orderIds]).orderBy('placed_at').orderBy('id').execute();
      return rows.map(toHold);
    },
  };
}

const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  number: row.number,
  customerId: row.customer_id,
  status: row.status as Order['status'],
  channel: row.channel as Order['channel'],
  poNumber: row.po_number,
  shipTo: {
    addressId: row.ship_to_address_id,
    name: row.ship_to_name,
    line1: row.ship_to_line1,
    city: row.ship_to_city,
    region: row.ship_to_region,
    postalCode: row.ship_to_postal_code,
    country: row.ship_to_country,
  },
  currency: row.currency,
  subtotalCents: Number(row.subtotal_cents),
  taxCents: Number(row.tax_cents),
  totalCents: Number(row.total_cents),
  placedAt: row.placed_at,
  updatedAt: row.updated_at,
});

const toOrderLine = (row: OrderLineRow & { currency: string }): OrderLine => ({
  orderId: row.order_id,
  lineNumber: row.line_number,
  productId: row.product_id,
  sku: row.sku,
  quantity: row.quantity,
  unitPriceCents: Number(row.unit_price_cents),
  extendedCents: Number(row.extended_cents),
  currency: row.currency,
  pricingRule: row.pricing_rule as OrderLine['pricingRule'],
});

const toHold = (row: HoldRow): Hold => ({
  id: row.id,
  orderId: row.order_id,
  reason: row.reason as Hold['reason'],
  detail: row.detail,
  placedAt: row.placed_at,
  releasedAt: row.released_at,
  releasedBy: row.released_by,
});
