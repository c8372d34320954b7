import { money, PARTNER_TAG } from '@switchyard/kit';
import type { Product, QuantityBreak } from '../store';
import { builder, connectionType, Money } from './builder';
import { CategoryType } from './category-type';
import { ProductStatus, UnitOfMeasure } from './enums';
import { categoryLoader, productBySkuLoader, productLoader, quantityBreaksLoader } from './loaders';
import { PriceType } from './price-type';
import { priceProduct } from './product-pricing';

/** A quantity break with the currency of its product, so it can show money. */
type PricedQuantityBreak = QuantityBreak & { currency: string };

const QuantityBreakType = builder.objectRef<PricedQuantityBreak>('QuantityBreak').implement({
  description:
    'A cheaper unit price from a minimum quantity on; it applies when cheaper than the base (price-list or list) price.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    minQuantity: t.exposeInt('minQuantity', {
      description: 'Units (in the product unit of measure) from which the break applies.',
    }),
    unitPrice: t.field({ type: Money, resolve: (b) => money(b.priceCents, b.currency) }),
  }),
});

// Partners see what they can buy and at what price (PARTNER_TAG), not the cost price (margin data).
export const ProductType = builder.objectRef<Product>('Product').implement({
  description:
    'A product the distributor sells (the PIM item master), with its list price and the inputs of its pricing.',
  fields: (t) => ({
    id: t.exposeID('id', { tag: PARTNER_TAG }),
    sku: t.exposeString('sku', {
      tag: PARTNER_TAG,
      description: 'Stock-keeping unit, unique, e.g. FAS-10023.',
    }),
    name: t.exposeString('name', { tag: PARTNER_TAG }),
    description: t.exposeString('description', { tag: PARTNER_TAG }),
    category: t.field({
      type: CategoryType,
      tag: PARTNER_TAG,
      resolve: async (p, _args, ctx) => {
        // category_id is a foreign key, so a miss is a broken store, not bad input.
        const category = await categoryLoader(ctx).load(p.categoryId);
        if (!category) throw new Error(`category ${p.categoryId} is missing`);
        return category;
      },
    }),
    unitOfMeasure: t.field({
      type: UnitOfMeasure,
      tag: PARTNER_TAG,
      resolve: (p) => p.unitOfMeasure,
    }),
    status: t.field({ type: ProductStatus, tag: PARTNER_TAG, resolve: (p) => p.status }),
    listPrice: t.field({
      type: Money,
      tag: PARTNER_TAG,
      description: 'The price before any price list, contract or quantity break.',
      resolve: (p) => money(p.listPriceCents, p.currency),
    }),
    costPrice: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['catalog:cost:read']],
      description: 'What one unit costs the distributor (margin data: internal use).',
      resolve: (p) => money(p.costPriceCents, p.currency),
    }),
    // What shipments rates freight by (Shipment.freight @requires them); one unit as packed, null while not measured.
    shippingWeightKg: t.float({
      nullable: true,
      description: 'Shipping weight of one unit as packed, in kilograms; null while not measured.',
      resolve: (p) => (p.shipping ? p.shipping.weightGrams / 1000 : null),
    }),
    shippingLengthCm: t.float({
      nullable: true,
      description:
        'Length of one packed unit (its carton), in centimetres; null while not measured.',
      resolve: (p) => (p.shipping ? p.shipping.lengthMm / 10 : null),
    }),
    shippingWidthCm: t.float({
      nullable: true,
      description: 'Width of one packed unit, in centimetres; null while not measured.',
      resolve: (p) => (p.shipping ? p.shipping.widthMm / 10 : null),
    }),
    shippingHeightCm: t.float({
      nullable: true,
      description: 'Height of one packed unit, in centimetres; null while not measured.',
      resolve: (p) => (p.shipping ? p.shipping.heightMm / 10 : null),
    }),
    quantityBreaks: t.field({
      type: [QuantityBreakType],
      tag: PARTNER_TAG,
      description: 'The quantity breaks of the product, by ascending minimum quantity.',
      resolve: async (p, _args, ctx) =>
        (await quantityBreaksLoader(ctx).load(p.id)).map((b) => ({ ...b, currency: p.currency })),
    }),
    price: t.field({
      type: PriceType,
      tag: PARTNER_TAG,
      // Pricing resolves contract prices, price lists and quantity breaks per call.
      cost: 5,
      description:
        'What `quantity` units cost today: for a customer, its valid contract price, else its price-list (or list) price or a cheaper quantity break; without a customer, the list price or a quantity break. quantity < 1 is BAD_USER_INPUT.',
      args: {
        customerId: t.arg.id({ description: 'The customer buying; omit for the public price.' }),
        quantity: t.arg.int({
          defaultValue: 1,
          description: 'Units, in the product unit of measure (at least 1).',
        }),
      },
      resolve: (p, args, ctx) =>
        priceProduct(
          ctx,
          p,
          args.customerId == null ? null : String(args.customerId),
          args.quantity ?? 1,
        ),
    }),
  }),
});

builder.asEntity(ProductType, {
  key: [builder.selection<{ id: string }>('id'), builder.selection<{ sku: string }>('sku')],
  resolveReference: (ref, ctx) =>
    'id' in ref ? productLoader(ctx).load(ref.id) : productBySkuLoader(ctx).load(ref.sku),
});

export const ProductConnection = connectionType<Product>('Product', ProductType, {
  tag: PARTNER_TAG,
});
