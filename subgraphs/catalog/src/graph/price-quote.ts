import { badUserInput, money, PARTNER_TAG } from '@switchyard/kit';
import type { Product } from '../store';
import { builder, Money, type Context } from './builder';
import { PricingRule } from './enums';
import { productBySkuLoader } from './loaders';
import { priceProduct, type ProductPrice } from './product-pricing';
import { ProductType } from './product-type';

/** The most lines one quote prices: an order's worth (placeOrder takes at most 100 lines too). */
export const MAX_QUOTE_LINES = 100;

/** One line of a quote: what was asked, the product when the SKU exists, and its price. */
export interface QuotedLine {
  sku: string;
  quantity: number;
  product: Product | null;
  price: ProductPrice | null;
}

export const PriceQuoteLineInput = builder.inputType('PriceQuoteLineInput', {
  description: 'A quantity of a product, by SKU, to price.',
  fields: (t) => ({
    sku: t.string({ required: true }),
    quantity: t.int({
      required: true,
      description: 'Units, in the product unit of measure (at least 1).',
    }),
  }),
});

export const PriceQuoteLineType = builder.objectRef<QuotedLine>('PriceQuoteLine').implement({
  description:
    'One priced line of a quote, in the order the lines were asked; the product and price fields are null when the SKU is unknown.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    sku: t.exposeString('sku', { description: 'The SKU as asked.' }),
    quantity: t.exposeInt('quantity'),
    product: t.field({
      type: ProductType,
      nullable: true,
      description: 'null when no product has this SKU.',
      resolve: (l) => l.product,
    }),
    unitPrice: t.field({
      type: Money,
      nullable: true,
      resolve: (l) => l.price && money(l.price.unitPriceCents, l.price.currency),
    }),
    extendedPrice: t.field({
      type: Money,
      nullable: true,
      description: 'unitPrice × quantity.',
      resolve: (l) => l.price && money(l.price.extendedCents, l.price.currency),
    }),
    rule: t.field({
      type: PricingRule,
      nullable: true,
      description: 'The pricing rule that decided the unit price.',
      resolve: (l) => l.price?.rule ?? null,
    }),
  }),
});

/**
 * Prices every line for the customer as of this request, with the rules of pricing.ts. Products
 * are read in one statement and every line is priced in the same loader batches, so a quote of
 * 100 lines costs the same handful of statements as one of a single line.
 */
export async function quotePrices(
  ctx: Context,
  customerId: string,
  lines: readonly { sku: string; quantity: number }[],
): Promise<QuotedLine[]> {
  if (lines.length === 0 || lines.length > MAX_QUOTE_LINES)
    throw badUserInput(`a quote has 1 to ${MAX_QUOTE_LINES} lines, got ${lines.length}`, 'lines');
  lines.forEach((line, i) => {
    if (line.sku.trim() === '')
      throw badUserInput(`lines[${i}].sku must not be empty`, `lines[${i}].sku`);
    if (line.quantity < 1)
      throw badUserInput(
        `lines[${i}].quantity must be at least 1, got ${line.quantity}`,
        `lines[${i}].quantity`,
      );
  });
  const products = await productBySkuLoader(ctx).loadMany(lines.map((line) => line.sku));
  // Started in one tick, so every line joins the same batches.
  return Promise.all(
    lines.map(async (line, i) => {
      const found = products[i];
      if (found instanceof Error) throw found;
      const price = found ? await priceProduct(ctx, found, customerId, line.quantity) : null;
      return { sku: line.sku, quantity: line.quantity, product: found, price };
    }),
  );
}
