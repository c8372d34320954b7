import { PARTNER_TAG } from '@switchyard/kit';
import { availabilityLoader } from './loaders';
import { ProductRef } from './references';
import { StockLevelType } from './stock-level-type';

/** Extends the catalog's Product: the parent is its key, `{ id }`. */
ProductRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    availability: t.field({
      type: [StockLevelType],
      nullable: true,
      tag: PARTNER_TAG,
      // One row per warehouse that stocks the product; a handful in practice.
      listSize: { assumedSize: 5 },
      description:
        'The stock of this product in each warehouse that stocks it, ordered by warehouse code.',
      resolve: (product, _args, ctx) => availabilityLoader(ctx).load(product.id),
    }),
    totalAvailable: t.int({
      nullable: true,
      tag: PARTNER_TAG,
      description: 'Units available across all warehouses (the sum of availability.available).',
      // Same loader as availability, so asking for both is still one query.
      resolve: async (product, _args, ctx) =>
        (await availabilityLoader(ctx).load(product.id)).reduce((sum, s) => sum + s.available, 0),
    }),
  }),
});
