import { alignByKey, groupByKey } from '@switchyard/kit';
import type {
  Category,
  ContractPrice,
  PriceList,
  PriceListAssignment,
  PriceListItem,
  Product,
  QuantityBreak,
} from '../store';
import type { Context } from './builder';

/** Per-request DataLoaders: one SQL statement per kind of lookup, however many parents ask. */

/** Two ids as one loader key (DataLoader caches by string); no id contains the separator. */
const SEPARATOR = '|';
export const pairKey = (first: string, second: string) => `${first}${SEPARATOR}${second}`;
const splitPairKey = (key: string) => {
  const [first, second] = key.split(SEPARATOR);
  return [first, second] as const;
};

export const productLoader = (ctx: Context) =>
  ctx.loaders.get<string, Product | null>('product', async (ids) =>
    alignByKey(ids, await ctx.store.productsByIds(ids), (p) => p.id),
  );

export const productBySkuLoader = (ctx: Context) =>
  ctx.loaders.get<string, Product | null>('productBySku', async (skus) =>
    alignByKey(skus, await ctx.store.productsBySkus(skus), (p) => p.sku),
  );

/** A product's quantity breaks, by ascending minimum quantity. */
export const quantityBreaksLoader = (ctx: Context) =>
  ctx.loaders.get<string, QuantityBreak[]>('quantityBreaks', async (productIds) =>
    groupByKey(
      productIds,
      await ctx.store.quantityBreaksByProductIds(productIds),
      (b) => b.productId,
    ),
  );

export const categoryLoader = (ctx: Context) =>
  ctx.loaders.get<string, Category | null>('category', async (ids) =>
    alignByKey(ids, await ctx.store.categoriesByIds(ids), (c) => c.id),
  );

export const priceListLoader = (ctx: Context) =>
  ctx.loaders.get<string, PriceList | null>('priceList', async (ids) =>
    alignByKey(ids, await ctx.store.priceListsByIds(ids), (l) => l.id),
  );

/** The price list a customer buys from, by customer id; null when it pays list price. */
export const priceListAssignmentLoader = (ctx: Context) =>
  ctx.loaders.get<string, PriceListAssignment | null>('priceListAssignment', async (customerIds) =>
    alignByKey(customerIds, await ctx.store.priceListAssignments(customerIds), (a) => a.customerId),
  );

/** A product's price on a price list, keyed pairKey(priceListId, productId); null when it is not on the list. */
export const priceListItemLoader = (ctx: Context) =>
  ctx.loaders.get<string, PriceListItem | null>('priceListItem', async (keys) => {
    const pairs = keys.map((key) => {
      const [priceListId, productId] = splitPairKey(key);
      return { priceListId, productId };
    });
    return alignByKey(keys, await ctx.store.priceListItems(pairs), (i) =>
      pairKey(i.priceListId, i.productId),
    );
  });

/** Every contract price of a customer, by customer id. */
export const contractPricesOfCustomerLoader = (ctx: Context) =>
  ctx.loaders.get<string, ContractPrice[]>('contractPricesOfCustomer', async (customerIds) =>
    groupByKey(
      customerIds,
      await ctx.store.contractPricesByCustomerIds(customerIds),
      (c) => c.customerId,
    ),
  );

/** A customer's contract prices for one product, keyed pairKey(customerId, productId). */
export const contractPricesForLoader = (ctx: Context) =>
  ctx.loaders.get<string, ContractPrice[]>('contractPricesFor', async (keys) => {
    const pairs = keys.map((key) => {
      const [customerId, productId] = splitPairKey(key);
      return { customerId, productId };
    });
    return groupByKey(keys, await ctx.store.contractPricesFor(pairs), (c) =>
      pairKey(c.customerId, c.productId),
    );
  });

/** The product of a row that references it: product_id is a foreign key, so a miss is a broken store, not bad input. */
export async function loadProductOf(ctx: Context, row: { productId: string }): Promise<Product> {
  const product = await productLoader(ctx).load(row.productId);
  if (!product) throw new Error(`product ${row.productId} is missing`);
  return product;
}
