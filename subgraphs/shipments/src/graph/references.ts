import { extendBusinessHealth } from '@switchyard/kit';
import { builder } from './builder';

/** Entities owned by other subgraphs. A field returning one resolves only its key: `{ id }`. */

const stub = (name: string) =>
  builder
    .externalRef(name, builder.keyDirective(builder.selection<{ id: string }>('id'), false))
    .implement({
      fields: (t) => ({ id: t.exposeID('id') }),
    });

/** Owned by customers. */
export const CustomerRef = stub('Customer');
/** Owned by inventory. */
export const WarehouseRef = stub('Warehouse');
/**
 * Owned by catalog (which also keys it by sku; we reference it by id). Its shipping weight and carton
 * size are catalog's too: external here, what Shipment.freight and Product.freightUnit @require
 * (freight-fields.ts). Resolvable by id for Product.freightUnit: the representation is the product.
 */
export const ProductRef = builder
  .externalRef(
    'Product',
    builder.selection<{ id: string }>('id'),
    (representation) => representation,
  )
  .implement({
    externalFields: (t) => ({
      shippingWeightKg: t.float({ nullable: true }),
      shippingLengthCm: t.float({ nullable: true }),
      shippingWidthCm: t.float({ nullable: true }),
      shippingHeightCm: t.float({ nullable: true }),
    }),
    fields: (t) => ({ id: t.exposeID('id') }),
  });

/** Owned by orders; this subgraph adds `Order.shipments` (order-shipments.ts). */
export const OrderRef = builder.externalRef('Order', builder.selection<{ id: string }>('id'));

/**
 * Owned by orders: one view of the order-to-cash chain's health over a window [from, to); shipments
 * adds its execution measures (business-health.ts) and its exception queues.
 */
export const BusinessHealthRef = extendBusinessHealth(builder);
