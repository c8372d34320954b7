import type { CatalogDB, ProductRow } from '@switchyard/catalog/src/migrations';
import { priceLine, type PricedLine, type PricingInputs } from '@switchyard/catalog/src/pricing';
import type { Tables } from './dataset';

/** The catalog's pricing tables indexed for line pricing, so every seed order line goes through the catalog's own `priceLine`. */
export class PricingBook {
  private readonly priceListOf = new Map<string, string>();
  private readonly listPrices = new Map<string, number>();
  private readonly contracts = new Map<string, PricingInputs['contracts']>();
  private readonly breaks = new Map<string, PricingInputs['quantityBreaks']>();
  /** The products each customer has a contract for (any validity). */
  readonly contractProducts = new Map<string, string[]>();

  constructor(catalog: Tables<CatalogDB>) {
    for (const row of catalog.customer_price_lists)
      this.priceListOf.set(row.customer_id, row.price_list_id);
    for (const row of catalog.price_list_items)
      this.listPrices.set(`${row.price_list_id}|${row.product_id}`, row.price_cents);
    for (const row of catalog.contract_prices) {
      push(this.contracts, `${row.customer_id}|${row.product_id}`, {
        priceCents: row.price_cents,
        validFrom: row.valid_from,
        validTo: row.valid_to,
      });
      push(this.contractProducts, row.customer_id, row.product_id);
    }
    for (const row of catalog.quantity_breaks)
      push(this.breaks, row.product_id, {
        minQuantity: row.min_quantity,
        priceCents: row.price_cents,
      });
  }

  /** The quantities at which a product's price breaks, lowest first. */
  breakQuantities(productId: string): number[] {
    return (this.breaks.get(productId) ?? []).map((b) => b.minQuantity).sort((a, b) => a - b);
  }

  price(customerId: string, product: ProductRow, quantity: number, at: string): PricedLine {
    const priceListId = this.priceListOf.get(customerId);
    return priceLine({
      listPriceCents: product.list_price_cents,
      priceListPriceCents: priceListId
        ? (this.listPrices.get(`${priceListId}|${product.id}`) ?? null)
        : null,
      contracts: this.contracts.get(`${customerId}|${product.id}`) ?? [],
      quantityBreaks: this.breaks.get(product.id) ?? [],
      quantity,
      at,
    });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
