import { extendBusinessHealth } from '@switchyard/kit';
import { builder } from './builder';

/**
 * Entities owned by other subgraphs that this one extends (product-availability.ts,
 * order-allocations.ts). A field returning one resolves only its key: `{ id }`.
 */

/** Owned by catalog (which also keys it by sku; inventory knows products by id). */
export const ProductRef = builder.externalRef('Product', builder.selection<{ id: string }>('id'));

/** Owned by orders. */
export const OrderRef = builder.externalRef('Order', builder.selection<{ id: string }>('id'));

/**
 * Owned by orders: one view of the order-to-cash chain's health over a window [from, to); inventory
 * adds its allocation measures (business-health.ts) and its exception queues.
 */
export const BusinessHealthRef = extendBusinessHealth(builder);
