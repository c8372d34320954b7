import { money, PARTNER_TAG } from '@switchyard/kit';
import { builder, Money } from './builder';
import { PricingRule } from './enums';
import { priceListLoader } from './loaders';
import { PriceListType } from './price-list-type';
import type { ProductPrice } from './product-pricing';

export const PriceType = builder.objectRef<ProductPrice>('Price').implement({
  description:
    'What a quantity of a product costs a customer today, and which pricing rule decided it.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    unitPrice: t.field({ type: Money, resolve: (p) => money(p.unitPriceCents, p.currency) }),
    extendedPrice: t.field({
      type: Money,
      description: 'unitPrice × quantity.',
      resolve: (p) => money(p.extendedCents, p.currency),
    }),
    quantity: t.exposeInt('quantity', {
      description: 'Units priced, in the product unit of measure.',
    }),
    rule: t.field({ type: PricingRule, resolve: (p) => p.rule }),
    priceList: t.field({
      type: PriceListType,
      nullable: true,
      description:
        "The customer's price list when it priced the line (rule PRICE_LIST); null otherwise.",
      resolve: (p, _args, ctx) => (p.priceListId ? priceListLoader(ctx).load(p.priceListId) : null),
    }),
    minQuantity: t.exposeInt('minQuantity', {
      nullable: true,
      description:
        'The minimum quantity of the quantity break that priced the line (rule QUANTITY_BREAK); null otherwise.',
    }),
  }),
});
