import type {
  CatalogDB,
  CategoryRow,
  ContractPriceRow,
  CustomerPriceListRow,
  PriceListItemRow,
  ProductRow,
  QuantityBreakRow,
} from '@switchyard/catalog/src/migrations';
import type { CustomerRow } from '@switchyard/customers/src/migrations';
import {
  CATEGORY_TREE,
  PRICE_LIST_BY_SEGMENT,
  PRICE_LISTS,
  UNIT_PHRASES,
  type LeafCategory,
  type TopCategory,
} from './catalog-vocabulary';
import { anchorDay } from './clock';
import type { Tables } from './dataset';
import { sequentialId } from './ids';
import type { Random } from './random';
import { shippingMeasuresOf } from './shipping-measures';

/** Break quantities by unit: wire and pipe by the foot break at longer runs. */
const BREAK_LADDERS: Record<string, readonly (readonly number[])[]> = {
  FT: [
    [250, 500, 1000],
    [500, 1000],
  ],
  default: [
    [10, 25, 50],
    [12, 48, 144],
    [5, 10, 25],
    [24, 72],
  ],
};

export function generateCatalog(
  random: Random,
  productCount: number,
  customers: readonly CustomerRow[],
): Tables<CatalogDB> {
  const categories: CategoryRow[] = CATEGORY_TREE.flatMap((top) => [
    { id: top.id, name: top.name, parent_id: null },
    ...top.leaves.map((leaf) => ({ id: leaf.id, name: leaf.name, parent_id: top.id })),
  ]);
  const leaves = CATEGORY_TREE.flatMap((top) => top.leaves.map((leaf) => [top, leaf] as const));
  const products = Array.from({ length: productCount }, (_, i) =>
    generateProduct(random, i + 1, random.pick(leaves)),
  );
  const quantity_breaks = generateQuantityBreaks(random, products);
  const price_lists = PRICE_LISTS.map(({ id, code, name }) => ({
    id,
    code,
    name,
    currency: 'USD',
  }));
  const price_list_items = generatePriceListItems(random, products);
  const customer_price_lists = assignPriceLists(random, customers);
  const contract_prices = generateContractPrices(random, customers, products);
  return {
    categories,
    products,
    price_lists,
    price_list_items,
    customer_price_lists,
    contract_prices,
    quantity_breaks,
  };
}

function generateProduct(
  random: Random,
  n: number,
  [top, leaf]: readonly [TopCategory, LeafCategory],
): ProductRow {
  const item = random.pick(leaf.items);
  const variant = random.pick(leaf.variants);
  const finish = random.pick(leaf.finishes);
  const unit = random.pick(leaf.units);
  // log-uniform, so cheap items are as common as expensive ones; prices end in 9 cents
  const [low, high] = leaf.priceCents;
  const listPrice = Math.max(
    19,
    Math.round(Math.exp(random.between(Math.log(low), Math.log(high))) / 10) * 10 - 1,
  );
  const id = sequentialId('PRD', n, 5);
  return {
    id,
    sku: `${top.skuPrefix}-${10000 + n}`,
    name: `${item}, ${variant}, ${finish}`,
    description: `${item}, ${variant}, ${finish}. ${UNIT_PHRASES[unit]} ${top.blurb}`,
    category_id: leaf.id,
    unit_of_measure: unit,
    status: random.chance(0.93) ? 'ACTIVE' : 'DISCONTINUED',
    list_price_cents: listPrice,
    cost_price_cents: Math.round(listPrice * random.between(0.5, 0.78)),
    currency: 'USD',
    ...shippingMeasuresOf({ id, unit_of_measure: unit }),
  };
}

/** About 30% of products get two or three break tiers, each a few percent cheaper than the last. */
function generateQuantityBreaks(
  random: Random,
  products: readonly ProductRow[],
): QuantityBreakRow[] {
  const rows: QuantityBreakRow[] = [];
  for (const product of products) {
    if (!random.chance(0.3)) continue;
    const ladder = random.pick(BREAK_LADDERS[product.unit_of_measure] ?? BREAK_LADDERS.default);
    let discount = 0;
    for (const minQuantity of ladder) {
      discount += random.between(0.04, 0.08);
      rows.push({
        id: sequentialId('QB', rows.length + 1, 6),
        product_id: product.id,
        min_quantity: minQuantity,
        price_cents: floorAtCost(product, product.list_price_cents * (1 - discount)),
      });
    }
  }
  return rows;
}

function generatePriceListItems(
  random: Random,
  products: readonly ProductRow[],
): PriceListItemRow[] {
  const rows: PriceListItemRow[] = [];
  for (const list of PRICE_LISTS) {
    for (const product of products) {
      if (!random.chance(list.coverage)) continue;
      const discount = random.between(list.discount[0], list.discount[1]);
      rows.push({
        price_list_id: list.id,
        product_id: product.id,
        price_cents: floorAtCost(product, product.list_price_cents * (1 - discount)),
      });
    }
  }
  return rows;
}

/** Most customers buy from their segment's price list; some pay list price. */
function assignPriceLists(
  random: Random,
  customers: readonly CustomerRow[],
): CustomerPriceListRow[] {
  return customers
    .filter((customer) => customer.id === 'CUS-0001' || random.chance(0.85))
    .map((customer) => ({
      customer_id: customer.id,
      price_list_id: PRICE_LIST_BY_SEGMENT[customer.segment],
    }));
}

/**
 * Negotiated prices for a quarter of the customers (and always for CUS-0001), on products from
 * the popular end of the catalogue so orders use them. A quarter of them have expired, so older
 * orders were priced by contract and recent ones are not.
 */
function generateContractPrices(
  random: Random,
  customers: readonly CustomerRow[],
  products: readonly ProductRow[],
): ContractPriceRow[] {
  const rows: ContractPriceRow[] = [];
  const popular = products.slice(0, Math.max(10, Math.ceil(products.length * 0.3)));
  for (const customer of customers) {
    const isAcme = customer.id === 'CUS-0001';
    if (!isAcme && !random.chance(0.25)) continue;
    for (const product of random.sample(popular, isAcme ? 15 : random.int(3, 12))) {
      const validFrom = -random.int(100, 400);
      const validTo = random.chance(0.25)
        ? -random.int(10, Math.min(120, -validFrom - 30))
        : random.int(30, 365);
      rows.push({
        id: sequentialId('CP', rows.length + 1, 6),
        customer_id: customer.id,
        product_id: product.id,
        price_cents: floorAtCost(product, product.list_price_cents * random.between(0.68, 0.85)),
        valid_from: anchorDay(validFrom),
        valid_to: anchorDay(validTo),
      });
    }
  }
  return rows;
}

/** A discounted price, in whole cents, never below cost plus 5%. */
function floorAtCost(product: ProductRow, cents: number): number {
  return Math.max(Math.round(cents), Math.ceil(product.cost_price_cents * 1.05));
}
