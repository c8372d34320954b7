import { badUserInput, requestNow } from '@switchyard/kit';
import { priceLine, type PricedLine } from '../pricing';
import type { Product } from '../store';
import type { Context } from './builder';
import {
  contractPricesForLoader,
  pairKey,
  priceListAssignmentLoader,
  priceListItemLoader,
  quantityBreaksLoader,
} from './loaders';

/** A priced line as the graph shows it: the rule's result, with what it was priced for. */
export interface ProductPrice extends PricedLine {
  quantity: number;
  currency: string;
  /** The price list whose price applied (rule PRICE_LIST only). */
  priceListId: string | null;
}

/**
 * Prices `quantity` of a product for a customer (or for anyone, at list price and quantity
 * breaks, when there is no customer) with the shared rules of pricing.ts, as of this request.
 * Every lookup goes through a loader, so pricing many products in one request is a few statements.
 */
export async function priceProduct(
  ctx: Context,
  product: Product,
  customerId: string | null,
  quantity: number,
): Promise<ProductPrice> {
  if (!Number.isInteger(quantity) || quantity < 1)
    throw badUserInput(`"quantity" must be a positive integer, got ${quantity}`, 'quantity');
  // Started together so that every product of the request joins the same batches.
  const [quantityBreaks, assignment, contracts] = await Promise.all([
    quantityBreaksLoader(ctx).load(product.id),
    customerId ? priceListAssignmentLoader(ctx).load(customerId) : null,
    customerId ? contractPricesForLoader(ctx).load(pairKey(customerId, product.id)) : [],
  ]);
  const item = assignment
    ? await priceListItemLoader(ctx).load(pairKey(assignment.priceListId, product.id))
    : null;
  const priced = priceLine({
    listPriceCents: product.listPriceCents,
    priceListPriceCents: item?.priceCents ?? null,
    contracts,
    quantityBreaks,
    quantity,
    at: requestNow(ctx),
  });
  return {
    ...priced,
    quantity,
    currency: product.currency,
    priceListId: priced.rule === 'PRICE_LIST' ? item!.priceListId : null,
  };
}
