import type { PageRequest } from '@switchyard/kit';

/**
 * The product information (PIM) and pricing system as the graph sees it. The built-in
 * implementation is SQL (sql-store.ts); a PIM or ERP pricing connector implements the same interface.
 */
export interface CatalogStore {
  productsByIds(ids: readonly string[]): Promise<Product[]>;
  productsBySkus(skus: readonly string[]): Promise<Product[]>;
  /** Up to `page.limit + 1` products ordered by id, after `page.afterKey`. */
  listProducts(filter: ProductFilter, page: PageRequest): Promise<Product[]>;
  countProducts(filter: ProductFilter): Promise<number>;
  quantityBreaksByProductIds(productIds: readonly string[]): Promise<QuantityBreak[]>;

  categoriesByIds(ids: readonly string[]): Promise<Category[]>;
  /** Every category, ordered by id (the tree is small). */
  listCategories(): Promise<Category[]>;

  priceListsByIds(ids: readonly string[]): Promise<PriceList[]>;
  /** Every price list, ordered by code. */
  listPriceLists(): Promise<PriceList[]>;
  /** Which price list each of these customers buys from; customers without one are absent. */
  priceListAssignments(customerIds: readonly string[]): Promise<PriceListAssignment[]>;
  /** The prices of these (price list, product) pairs that exist. */
  priceListItems(pairs: readonly PriceListProduct[]): Promise<PriceListItem[]>;

  /** Every contract price of these customers, whatever its validity, ordered by product then validFrom. */
  contractPricesByCustomerIds(customerIds: readonly string[]): Promise<ContractPrice[]>;
  /** The contract prices of these (customer, product) pairs, whatever their validity. */
  contractPricesFor(pairs: readonly CustomerProduct[]): Promise<ContractPrice[]>;
}

/** ACTIVE products are sold; DISCONTINUED ones are still shown and priced for open orders and history. */
export type ProductStatus = 'ACTIVE' | 'DISCONTINUED';
/** EA each, BX box, CS case, PK pack, FT foot, RL roll. */
export type UnitOfMeasure = 'EA' | 'BX' | 'CS' | 'PK' | 'FT' | 'RL';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  categoryId: string;
  unitOfMeasure: UnitOfMeasure;
  status: ProductStatus;
  listPriceCents: number;
  costPriceCents: number;
  currency: string;
  /** One unit as packed for shipping; null while the item master has not measured it. */
  shipping: ShippingMeasures | null;
}

/** A packed unit's shipping weight and carton size, in grams and millimetres. */
export interface ShippingMeasures {
  weightGrams: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
}

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
}

/** A cheaper unit price for a product from a minimum quantity on. */
export interface QuantityBreak {
  id: string;
  productId: string;
  minQuantity: number;
  priceCents: number;
}

export interface PriceList {
  id: string;
  code: string;
  name: string;
  currency: string;
}

export interface PriceListAssignment {
  customerId: string;
  priceListId: string;
}

export interface PriceListProduct {
  priceListId: string;
  productId: string;
}

export interface PriceListItem extends PriceListProduct {
  priceCents: number;
}

export interface CustomerProduct {
  customerId: string;
  productId: string;
}

/** A price negotiated with one customer for one product, valid between two instants (inclusive, by day). */
export interface ContractPrice extends CustomerProduct {
  id: string;
  priceCents: number;
  validFrom: string;
  validTo: string;
}

export interface ProductFilter {
  /** Case-insensitive match on name or SKU. */
  search?: string | null;
  /** This category or any category below it. */
  categoryId?: string | null;
  status?: ProductStatus | null;
}
