import { builder } from './builder';

/** Entities owned by other subgraphs. A field returning one resolves only its key: `{ id }`. */

/** Owned by catalog (which also keys it by sku; order lines reference it by id). */
export const ProductRef = builder
  .externalRef('Product', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({
    fields: (t) => ({ id: t.exposeID('id') }),
  });

/** Owned by customers; this subgraph adds `Customer.orders` (customer-orders.ts). */
export const CustomerRef = builder.externalRef('Customer', builder.selection<{ id: string }>('id'));
