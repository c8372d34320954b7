import type { Kysely, Migration } from 'kysely';

/** The warehouse management system: warehouses, stock per product and warehouse, allocations to order lines. */
export const migrations: Record<string, Migration> = {
  '0001_warehouse_stock': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('warehouses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stock_levels')
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('on_hand', 'integer', (c) => c.notNull())
        .addColumn('allocated', 'integer', (c) => c.notNull())
        .addColumn('reorder_point', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_levels_pk', ['product_id', 'warehouse_id'])
        .execute();
      // The primary key serves lookups by product; this one serves a warehouse's stock, paged by product.
      await db.schema
        .createIndex('stock_levels_warehouse')
        .on('stock_levels')
        .columns(['warehouse_id', 'product_id'])
        .execute();
      await db.schema
        .createTable('allocations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('allocations_order')
        .on('allocations')
        .column('order_id')
        .execute();
    },
  },
  '0002_allocation_commands': {
    async up(db: Kysely<any>) {
      // How an allocation was first made (ALLOCATED or BACKORDERED), whatever became of it since: the
      // fill rate counts what was reserved at the time. Null on rows written before this column
      // (read as BACKORDERED when still backordered, else ALLOCATED: see sql-business-health.ts).
      await db.schema.alterTable('allocations').addColumn('initial_status', 'text').execute();
      // The shipment that consumed a SHIPPED allocation: a ShipmentConfirmed delivered twice consumes once.
      await db.schema.alterTable('allocations').addColumn('shipment_id', 'text').execute();
      // Business health reads allocations by creation time.
      await db.schema
        .createIndex('allocations_created_at')
        .on('allocations')
        .column('created_at')
        .execute();
      // Orders cancelled, remembered so an OrderAccepted processed after its OrderCancelled reserves nothing.
      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('cancelled_at', 'text', (c) => c.notNull())
        .execute();
      // The last number handed out per id prefix (the kit's takeIds, sequential-ids.ts).
      await db.schema
        .createTable('id_sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_value', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  '0003_stock_receipts': {
    async up(db: Kysely<any>) {
      // What InventoryAllocated needs when a backordered order is allocated later (receiveStock): the
      // order's customer and each line's SKU, kept from its OrderAccepted. Null on older (seeded) rows.
      await db.schema.alterTable('allocations').addColumn('customer_id', 'text').execute();
      await db.schema.alterTable('allocations').addColumn('sku', 'text').execute();
      // receiveStock finds the backordered allocations of the products received.
      await db.schema
        .createIndex('allocations_status_product')
        .on('allocations')
        .columns(['status', 'product_id'])
        .execute();
      // Stock received at a warehouse; the reference (the ASN or packing slip) makes a receipt idempotent.
      await db.schema
        .createTable('stock_receipts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('received_at', 'text', (c) => c.notNull())
        // The orders the receipt allocated, a JSON array of ids, so the same reference answers the same receipt.
        .addColumn('orders_allocated', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stock_receipt_lines')
        .addColumn('receipt_id', 'text', (c) => c.notNull().references('stock_receipts.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_receipt_lines_pk', ['receipt_id', 'line_number'])
        .execute();
    },
  },
  '0004_stock_reservations': {
    async up(db: Kysely<any>) {
      // Units promised to orders being placed, per warehouse: available = on hand - allocated - reserved.
      await db.schema
        .alterTable('stock_levels')
        .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Each line of a placement's reservation, in the warehouse its allocation will come from.
      await db.schema
        .createTable('stock_reservations')
        .addColumn('reservation_id', 'text', (c) => c.notNull())
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('ended_at', 'text')
        .addPrimaryKeyConstraint('stock_reservations_pk', ['reservation_id', 'line_number'])
        .execute();
      await db.schema
        .createIndex('stock_reservations_status')
        .on('stock_reservations')
        .columns(['status', 'created_at'])
        .execute();
    },
  },
};

export interface WarehouseRow {
  id: string;
  code: string;
  name: string;
  city: string;
  region: string;
  country: string;
}
export interface StockLevelRow {
  product_id: string;
  warehouse_id: string;
  on_hand: number;
  allocated: number;
  reorder_point: number;
  /** Units reserved for orders being placed (0004); absent in the seed's rows (0). */
  reserved?: number;
}
export interface AllocationRow {
  id: string;
  order_id: string;
  line_number: number;
  product_id: string;
  warehouse_id: string;
  quantity: number;
  /** ALLOCATED, BACKORDERED, SHIPPED, RELEASED */
  status: string;
  created_at: string;
  /** ALLOCATED or BACKORDERED: how it was first made; absent on rows older than 0002 (and in the seed). */
  initial_status?: string | null;
  /** The shipment that consumed it (SHIPPED allocations made by inventory.consume-shipped-stock). */
  shipment_id?: string | null;
  /** The order's customer and the line's SKU (from OrderAccepted); absent on rows older than 0003 (and in the seed). */
  customer_id?: string | null;
  sku?: string | null;
}
export interface CancelledOrderRow {
  order_id: string;
  cancelled_at: string;
}
export interface IdSequenceRow {
  name: string;
  last_value: number;
}
export interface StockReceiptRow {
  id: string;
  reference: string;
  warehouse_id: string;
  received_at: string;
  orders_allocated: string;
}
/** One line of a stock reservation (0004). */
export interface StockReservationRow {
  reservation_id: string;
  line_number: number;
  product_id: string;
  warehouse_id: string;
  quantity: number;
  /** ACTIVE; then CONVERTED (the order's allocation replaced it), RELEASED (held, cancelled) or EXPIRED (orphan). */
  status: string;
  created_at: string;
  order_id: string | null;
  ended_at: string | null;
}
export interface StockReceiptLineRow {
  receipt_id: string;
  line_number: number;
  product_id: string;
  quantity: number;
}
/** The warehouse records (what a WMS holds, and what the seed fills). */
export interface InventoryDB {
  warehouses: WarehouseRow;
  stock_levels: StockLevelRow;
  allocations: AllocationRow;
}
/** The event handlers' own bookkeeping, next to the records (reached with `db.withTables<InventoryBookkeeping>()`). */
export type InventoryBookkeeping = {
  cancelled_orders: CancelledOrderRow;
  id_sequences: IdSequenceRow;
  stock_receipts: StockReceiptRow;
  stock_receipt_lines: StockReceiptLineRow;
  stock_reservations: StockReservationRow;
};
