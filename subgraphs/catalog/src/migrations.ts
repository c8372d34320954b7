import type { Kysely, Migration } from 'kysely';

/** Product information (PIM) and pricing: products, categories, price lists, contract prices, quantity breaks. */
export const migrations: Record<string, Migration> = {
  '0001_catalog_and_pricing': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('categories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text')
        .execute();
      await db.schema
        .createTable('products')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sku', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('category_id', 'text', (c) => c.notNull().references('categories.id'))
        .addColumn('unit_of_measure', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('list_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('cost_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('products_name').on('products').column('name').execute();
      await db.schema
        .createIndex('products_category')
        .on('products')
        .column('category_id')
        .execute();
      await db.schema
        .createTable('price_lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('price_list_items')
        .addColumn('price_list_id', 'text', (c) => c.notNull().references('price_lists.id'))
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('price_list_items_pk', ['price_list_id', 'product_id'])
        .execute();
      await db.schema
        .createIndex('price_list_items_product')
        .on('price_list_items')
        .column('product_id')
        .execute();
      await db.schema
        .createTable('customer_price_lists')
        .addColumn('customer_id', 'text', (c) => c.primaryKey())
        .addColumn('price_list_id', 'text', (c) => c.notNull().references('price_lists.id'))
        .execute();
      await db.schema
        .createTable('contract_prices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_to', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contract_prices_lookup')
        .on('contract_prices')
        .columns(['customer_id', 'product_id'])
        .execute();
      await db.schema
        .createTable('quantity_breaks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
        .addColumn('min_quantity', 'integer', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('quantity_breaks_product')
        .on('quantity_breaks')
        .column('product_id')
        .execute();
    },
  },
  '0002_shipping_dimensions': {
    async up(db: Kysely<any>) {
      // The packed unit's shipping weight and carton size, what a TMS rates freight by (grams and
      // millimetres, whole numbers); null while the item master has not measured the product.
      for (const column of ['shipping_weight_g', 'length_mm', 'width_mm', 'height_mm'])
        await db.schema.alterTable('products').addColumn(column, 'integer').execute();
    },
  },
};

export interface CategoryRow {
  id: string;
  name: string;
  parent_id: string | null;
}
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category_id: string;
  unit_of_measure: string;
  status: string;
  list_price_cents: number;
  cost_price_cents: number;
  currency: string;
  /** One unit as packed for shipping (0002); null (or absent in older fixtures) while not measured. */
  shipping_weight_g?: number | null;
  length_mm?: number | null;
  width_mm?: number | null;
  height_mm?: number | null;
}
export interface PriceListRow {
  id: string;
  code: string;
  name: string;
  currency: string;
}
export interface PriceListItemRow {
  price_list_id: string;
  product_id: string;
  price_cents: number;
}
export interface CustomerPriceListRow {
  customer_id: string;
  price_list_id: string;
}
export interface ContractPriceRow {
  id: string;
  customer_id: string;
  product_id: string;
  price_cents: number;
  valid_from: string;
  valid_to: string;
}
export interface QuantityBreakRow {
  id: string;
  product_id: string;
  min_quantity: number;
  price_cents: number;
}
export interface CatalogDB {
  categories: CategoryRow;
  products: ProductRow;
  price_lists: PriceListRow;
  price_list_items: PriceListItemRow;
  customer_price_lists: CustomerPriceListRow;
  contract_prices: ContractPriceRow;
  quantity_breaks: QuantityBreakRow;
}
