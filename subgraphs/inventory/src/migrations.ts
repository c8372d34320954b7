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
      await db.schema.createIndex('stock_levels_warehouse').on('stock_levels').columns(['warehouse_id', 'product_id']).execute();
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
      await db.schema.createIndex('allocations_order').on('allocations').column('order_id').execute();
    },
  },
};

export interface WarehouseRow { id: string; code: string; name: string; city: string; region: string; country: string }
export interface StockLevelRow { product_id: string; warehouse_id: string; on_hand: number; allocated: number; reorder_point: number }
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
}
export interface InventoryDB {
  warehouses: WarehouseRow;
  stock_levels: StockLevelRow;
  allocations: AllocationRow;
}
