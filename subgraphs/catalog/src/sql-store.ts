import { containsIgnoringCase, countRows } from '@switchyard/kit';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type {
  CatalogDB,
  CategoryRow,
  ContractPriceRow,
  PriceListRow,
  ProductRow,
  QuantityBreakRow,
} from './migrations';
import type {
  CatalogStore,
  Category,
  ContractPrice,
  PriceList,
  Product,
  ProductFilter,
  QuantityBreak,
} from './store';

export function createSqlCatalogStore(db: Kysely<CatalogDB>): CatalogStore {
  /** The ids of a category and of every category below it, for `IN (...)`. */
  const categoryAndDescendants = (categoryId: string) =>
    db
      .withRecursive('category_tree(id)', (cte) =>
        cte
          .selectFrom('categories')
          .select('id')
          .where('id', '=', categoryId)
          .unionAll((below) =>
            below
              .selectFrom('categories')
              .innerJoin('category_tree', 'category_tree.id', 'categories.parent_id')
              .select('categories.id'),
          ),
      )
      .selectFrom('category_tree')
      .select('id');

  const filtered = (filter: ProductFilter) => {
    let query = db.selectFrom('products');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.categoryId)
      query = query.where('category_id', 'in', categoryAndDescendants(filter.categoryId));
    if (filter.search) {
      const search = filter.search;
      query = query.where((eb) =>
        eb.or([containsIgnoringCase('name', search), containsIgnoringCase('sku', search)]),
      );
    }
    return query;
  };

  return {
    async productsByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('products')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toProduct);
    },
    async productsBySkus(skus) {
      if (skus.length === 0) return [];
      const rows = await db
        .selectFrom('products')
        .selectAll()
        .where('sku', 'in', [...skus])
        .execute();
      return rows.map(toProduct);
    },
    async listProducts(filter, page) {
      let query = filtered(filter).selectAll() as SelectQueryBuilder<
        CatalogDB,
        'products',
        ProductRow
      >;
      if (page.afterKey) query = query.where('id', '>', page.afterKey);
      const rows = await query
        .orderBy('id')
        .limit(page.limit + 1)
        .execute();
      return rows.map(toProduct);
    },
    countProducts(filter) {
      return countRows(filtered(filter));
    },
    async quantityBreaksByProductIds(productIds) {
      if (productIds.length === 0) return [];
      const rows = await db
        .selectFrom('quantity_breaks')
        .selectAll()
        .where('product_id', 'in', [...productIds])
        .orderBy('min_quantity')
        .execute();
      return rows.map(toQuantityBreak);
    },
    async categoriesByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('categories')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toCategory);
    },
    async listCategories() {
      const rows = await db.selectFrom('categories').selectAll().orderBy('id').execute();
      return rows.map(toCategory);
    },
    async priceListsByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('price_lists')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toPriceList);
    },
    async listPriceLists() {
      const rows = await db.selectFrom('price_lists').selectAll().orderBy('code').execute();
      return rows.map(toPriceList);
    },
    async priceListAssignments(customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('customer_price_lists')
        .selectAll()
        .where('customer_id', 'in', [...customerIds])
        .execute();
      return rows.map((row) => ({ customerId: row.customer_id, priceListId: row.price_list_id }));
    },
    async priceListItems(pairs) {
      if (pairs.length === 0) return [];
      const rows = await db
        .selectFrom('price_list_items')
        .selectAll()
        .where((eb) =>
          eb(
            eb.refTuple('price_list_id', 'product_id'),
            'in',
            pairs.map((p) => eb.tuple(p.priceListId, p.productId)),
          ),
        )
        .execute();
      return rows.map((row) => ({
        priceListId: row.price_list_id,
        productId: row.product_id,
        priceCents: Number(row.price_cents),
      }));
    },
    async contractPricesByCustomerIds(customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('contract_prices')
        .selectAll()
        .where('customer_id', 'in', [...customerIds])
        .orderBy('product_id')
        .orderBy('valid_from')
        .orderBy('id')
        .execute();
      return rows.map(toContractPrice);
    },
    async contractPricesFor(pairs) {
      if (pairs.length === 0) return [];
      const rows = await db
        .selectFrom('contract_prices')
        .selectAll()
        .where((eb) =>
          eb(
            eb.refTuple('customer_id', 'product_id'),
            'in',
            pairs.map((p) => eb.tuple(p.customerId, p.productId)),
          ),
        )
        .execute();
      return rows.map(toContractPrice);
    },
  };
}

const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  categoryId: row.category_id,
  unitOfMeasure: row.unit_of_measure as Product['unitOfMeasure'],
  status: row.status as Product['status'],
  listPriceCents: Number(row.list_price_cents),
  costPriceCents: Number(row.cost_price_cents),
  currency: row.currency,
  shipping: shippingOf(row),
});

/** All four measures or none: a product measured in part cannot be rated. */
function shippingOf(row: ProductRow): Product['shipping'] {
  const { shipping_weight_g, length_mm, width_mm, height_mm } = row;
  if (shipping_weight_g == null || length_mm == null || width_mm == null || height_mm == null)
    return null;
  return {
    weightGrams: Number(shipping_weight_g),
    lengthMm: Number(length_mm),
    widthMm: Number(width_mm),
    heightMm: Number(height_mm),
  };
}

const toCategory = (row: CategoryRow): Category => ({
  id: row.id,
  name: row.name,
  parentId: row.parent_id,
});

const toPriceList = (row: PriceListRow): PriceList => ({
  id: row.id,
  code: row.code,
  name: row.name,
  currency: row.currency,
});

const toQuantityBreak = (row: QuantityBreakRow): QuantityBreak => ({
  id: row.id,
  productId: row.product_id,
  minQuantity: row.min_quantity,
  priceCents: Number(row.price_cents),
});

const toContractPrice = (row: ContractPriceRow): ContractPrice => ({
  id: row.id,
  customerId: row.customer_id,
  productId: row.product_id,
  priceCents: Number(row.price_cents),
  validFrom: row.valid_from,
  validTo: row.valid_to,
});
