import { PARTNER_TAG } from '@switchyard/kit';
import type { StockLevel } from '../store';
import { builder, connectionType } from './builder';
import { loadWarehouseOf } from './loaders';
import { ProductRef } from './references';
import { WarehouseType } from './warehouse-type';

// Partners see what they can order (PARTNER_TAG), not the warehouse's books (on hand, allocated, reorder points).
export const StockLevelType = builder.objectRef<StockLevel>('StockLevel').implement({
  description: 'The stock of one product in one warehouse, in the product unit of measure.',
  fields: (t) => ({
    warehouse: t.field({
      type: WarehouseType,
      tag: PARTNER_TAG,
      resolve: (s, _args, ctx) => loadWarehouseOf(ctx, s),
    }),
    product: t.field({
      type: ProductRef,
      nullable: true,
      tag: PARTNER_TAG,
      resolve: (s) => ({ id: s.productId }),
    }),
    onHand: t.exposeInt('onHand', { description: 'Units physically in the warehouse.' }),
    allocated: t.exposeInt('allocated', {
      description: 'Units reserved for order lines, not yet shipped.',
    }),
    reserved: t.exposeInt('reserved', {
      description:
        'Units reserved for orders being placed (their availability check reserved them here), not yet allocated: the allocation of each accepted order takes them.',
    }),
    available: t.exposeInt('available', {
      tag: PARTNER_TAG,
      description:
        'onHand - allocated - reserved: what new orders can still take, and what the next availability check uses.',
    }),
    reorderPoint: t.exposeInt('reorderPoint', {
      description: 'Replenish when available falls to this level.',
    }),
    needsReorder: t.exposeBoolean('needsReorder', {
      description: 'available is at or below reorderPoint.',
    }),
  }),
});

export const StockLevelConnection = connectionType<StockLevel>('StockLevel', StockLevelType);
