import type { Kysely } from 'kysely';
import type { HoldRow, OrderLineRow, OrderRow, OrdersDB } from './migrations';
import type { Hold, Order, OrderFilter, OrderLine, OrderStore } from './store';

export function createSqlOrderStore(db: Kysely<OrdersDB>): OrderStore {
  const filtered = (filter: OrderFilter) => {
    let query = db.selectFrom('orders');
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
      let query = filtered(filter).selectAll();
      if (page.afterKey) query = query.where('id', '<', page.afterKey);
      const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
      return rows.map(toOrder);
    },
    async countOrders(filter) {
      const row = await filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async ordersPerCustomer(customerIds, filter, page) {
      if (customerIds.length === 0) return [];
      // A window function numbers each customer's orders newest first, so one statement reads a page per customer.
      let ranked = filtered(filter)
        .where('customer_id', 'in', [...customerIds])
        .selectAll()
        .select((eb) => eb.fn.agg<number>('row_number').over((over) => over.partitionBy('customer_id').orderBy('id', 'desc')).as('position'));
      if (page.afterKey) ranked = ranked.where('id', '<', page.afterKey);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .selectAll()
        .where('position', '<=', page.limit + 1)
        .orderBy('customer_id')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toOrder);
    },
    async countOrdersPerCustomer(customerIds, filter) {
      if (customerIds.length === 0) return new Map();
      const rows = await filtered(filter)
        .where('customer_id', 'in', [...customerIds])
        .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n')])
        .groupBy('customer_id')
        .execute();
      return new Map(rows.map((row) => [row.customer_id, Number(row.n)]));
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
