import type { Kysely } from 'kysely';
import type {
  CatalogDB,
  ContractPriceRow,
  PriceListItemRow,
  ProductRow,
  QuantityBreakRow,
} from '../migrations';

/**
 * A small, exact catalogue for the tests. Product i (1..60):
 * - PRD-0000i, SKU FAS-1000i (i <= 30, alternately Bolts and Nuts & Washers, under Fasteners)
 *   or ELE-1000i (Wire & Cable, under Electrical); product 7 is named "Stainless Wedge Anchor";
 * - list price 1000 + 10i cents, cost 600 + i, DISCONTINUED when i % 10 == 0.
 * Price lists: WHOLESALE-A holds products 1..40 at list - 100; STANDARD holds none.
 * CUS-0001 buys from WHOLESALE-A and has contracts on product 1 (700, valid today), 2 (600,
 * expired) and 3 (650, starts in the future); CUS-0002 buys from STANDARD; CUS-0003 pays list.
 * Quantity breaks: product 5 at 10 -> 850 and 50 -> 800; product 6 at 10 -> 1000 (cheaper than its
 * list price 1060 but not than its WHOLESALE-A price 960); product 45 at 12 -> 1300.
 */
export const PRODUCT_COUNT = 60;
export const productId = (i: number) => `PRD-${String(i).padStart(5, '0')}`;
export const skuOf = (i: number) => `${i <= 30 ? 'FAS' : 'ELE'}-${10000 + i}`;
export const listPriceCents = (i: number) => 1000 + 10 * i;

/** Midnight UTC `days` from today, as the seed writes validity dates. */
export function daysFromNow(days: number): string {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  return new Date(today.getTime() + days * 86_400_000).toISOString();
}

function productRow(i: number): ProductRow {
  return {
    id: productId(i),
    sku: skuOf(i),
    name: i === 7 ? 'Stainless Wedge Anchor' : `${i <= 30 ? 'Hex Bolt' : 'THHN Wire'} ${i}`,
    description: `Product ${i}.`,
    category_id: i > 30 ? 'CAT-ELE-WIR' : i % 2 === 1 ? 'CAT-FAS-BLT' : 'CAT-FAS-NUT',
    unit_of_measure: i > 30 ? 'FT' : 'BX',
    status: i % 10 === 0 ? 'DISCONTINUED' : 'ACTIVE',
    list_price_cents: listPriceCents(i),
    cost_price_cents: 600 + i,
    currency: 'USD',
    // Product 1 is measured (a 2.45 kg box of 20 x 15 x 10.5 cm); product 2 is not yet.
    ...(i === 1 ? { shipping_weight_g: 2450, length_mm: 200, width_mm: 150, height_mm: 105 } : {}),
  };
}

const contract = (
  id: string,
  product: number,
  priceCents: number,
  from: number,
  to: number,
): ContractPriceRow => ({
  id,
  customer_id: 'CUS-0001',
  product_id: productId(product),
  price_cents: priceCents,
  valid_from: daysFromNow(from),
  valid_to: daysFromNow(to),
});

const quantityBreak = (
  id: string,
  product: number,
  minQuantity: number,
  priceCents: number,
): QuantityBreakRow => ({
  id,
  product_id: productId(product),
  min_quantity: minQuantity,
  price_cents: priceCents,
});

export async function insertFixtures(db: Kysely<CatalogDB>): Promise<void> {
  await db
    .insertInto('categories')
    .values([
      { id: 'CAT-FAS', name: 'Fasteners', parent_id: null },
      { id: 'CAT-FAS-BLT', name: 'Bolts', parent_id: 'CAT-FAS' },
      { id: 'CAT-FAS-NUT', name: 'Nuts & Washers', parent_id: 'CAT-FAS' },
      { id: 'CAT-ELE', name: 'Electrical', parent_id: null },
      { id: 'CAT-ELE-WIR', name: 'Wire & Cable', parent_id: 'CAT-ELE' },
    ])
    .execute();
  await db
    .insertInto('products')
    .values(Array.from({ length: PRODUCT_COUNT }, (_, i) => productRow(i + 1)))
    .execute();
  // Inserted out of code order, so ordering by code is proven.
  await db
    .insertInto('price_lists')
    .values([
      { id: 'PL-WHOLESALE-A', code: 'WHOLESALE-A', name: 'Wholesale Tier A', currency: 'USD' },
      { id: 'PL-STANDARD', code: 'STANDARD', name: 'Standard Price List', currency: 'USD' },
    ])
    .execute();
  const wholesaleItems: PriceListItemRow[] = Array.from({ length: 40 }, (_, i) => ({
    price_list_id: 'PL-WHOLESALE-A',
    product_id: productId(i + 1),
    price_cents: listPriceCents(i + 1) - 100,
  }));
  await db.insertInto('price_list_items').values(wholesaleItems).execute();
  await db
    .insertInto('customer_price_lists')
    .values([
      { customer_id: 'CUS-0001', price_list_id: 'PL-WHOLESALE-A' },
      { customer_id: 'CUS-0002', price_list_id: 'PL-STANDARD' },
    ])
    .execute();
  await db
    .insertInto('contract_prices')
    .values([
      contract('CP-000003', 3, 650, 10, 100),
      contract('CP-000001', 1, 700, -30, 30),
      contract('CP-000002', 2, 600, -100, -10),
    ])
    .execute();
  await db
    .insertInto('quantity_breaks')
    .values([
      quantityBreak('QB-000002', 5, 50, 800),
      quantityBreak('QB-000001', 5, 10, 850),
      quantityBreak('QB-000003', 6, 10, 1000),
      quantityBreak('QB-000004', 45, 12, 1300),
    ])
    .execute();
}
