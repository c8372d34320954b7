import { builder } from './builder';

/** Entities owned by other subgraphs. A field returning one resolves only its key: `{ id }`. */

/**
 * Owned by catalog (which also keys it by sku; order lines reference it by id). Its `sku` is external:
 * an order line provides it (OrderLine.product @provides), since a line is identified by looking its
 * SKU up exactly in the catalog, which never changes a product's SKU (its other key).
 */
export const ProductRef = builder
  .externalRef('Product', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({
    externalFields: (t) => ({ sku: t.string() }),
    fields: (t) => ({ id: t.exposeID('id') }),
  });

/** Owned by customers; this subgraph adds `Customer.orders` (customer-orders.ts). */
export const CustomerRef = builder.externalRef('Customer', builder.selection<{ id: string }>('id'));
