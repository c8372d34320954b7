import type { Kysely, Migration } from 'kysely';

/** ERP order management: sales orders, their lines and their holds. */
export const migrations: Record<string, Migration> = {
  '0001_sales_orders': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('po_number', 'text')
        .addColumn('ship_to_address_id', 'text', (c) => c.notNull())
        .addColumn('ship_to_name', 'text', (c) => c.notNull())
        .addColumn('ship_to_line1', 'text', (c) => c.notNull())
        .addColumn('ship_to_city', 'text', (c) => c.notNull())
        .addColumn('ship_to_region', 'text', (c) => c.notNull())
        .addColumn('ship_to_postal_code', 'text', (c) => c.notNull())
        .addColumn('ship_to_country', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
        .addColumn('tax_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .execute();
      await db.schema.createIndex('orders_customer').on('orders').columns(['customer_id', 'id']).execute();
      await db.schema.createIndex('orders_status').on('orders').columns(['status', 'id']).execute();
      await db.schema.createIndex('orders_placed_at').on('orders').column('placed_at').execute();
      await db.schema
        .createTable('order_lines')
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('pricing_rule', 'text', (c) => c.notNull())
        .addColumn('extended_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_number'])
        .execute();
      await db.schema
        .createTable('holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        .execute();
      await db.schema.createIndex('holds_order').on('holds').column('order_id').execute();
    },
  },
};

export interface OrderRow {
  id: string;
  number: string;
  customer_id: string;
  /** ON_HOLD, ACCEPTED, ALLOCATED, BACKORDERED, SHIPPED, INVOICED, PAID, CLOSED, CANCELLED */
  status: string;
  /** PORTAL, ECOMMERCE, EDI, SALES_REP, PHONE */
  channel: string;
  po_number: string | null;
  ship_to_address_id: string;
  ship_to_name: string;
  ship_to_line1: string;
  ship_to_city: string;
  ship_to_region: string;
  ship_to_postal_code: string;
  ship_to_country: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  placed_at: string;
  updated_at: string;
  idempotency_key: string | null;
}
export interface OrderLineRow {
  order_id: string;
  line_number: number;
  product_id: string;
  sku: string;
  quantity: number;
  unit_price_cents: number;
  /** LIST, PRICE_LIST, CONTRACT, QUANTITY_BREAK */
  pricing_rule: string;
  extended_cents: number;
}
export interface HoldRow {
  id: string;
  order_id: string;
  /** CREDIT, PRICING, INVENTORY, CUSTOMER_STATUS, DEPENDENCY_UNAVAILABLE */
  reason: string;
  detail: string;
  placed_at: string;
  released_at: string | null;
  released_by: string | null;
}
export interface OrdersDB {
  orders: OrderRow;
  order_lines: OrderLineRow;
  holds: HoldRow;
}
