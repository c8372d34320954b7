import { extendBusinessHealth } from '@switchyard/kit';
import { builder } from './builder';

/** Entities owned by other subgraphs. A field returning one resolves only its key: `{ id }`. */

/** Owned by catalog (which also keys it by sku; invoice lines reference it by id). */
export const ProductRef = builder
  .externalRef('Product', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({
    fields: (t) => ({ id: t.exposeID('id') }),
  });

/** Owned by customers; this subgraph adds its receivables (customer-receivables.ts). */
export const CustomerRef = builder.externalRef('Customer', builder.selection<{ id: string }>('id'));
/** Owned by orders; this subgraph adds `Order.invoices` (order-and-shipment-invoices.ts). */
export const OrderRef = builder.externalRef('Order', builder.selection<{ id: string }>('id'));
/** Owned by shipments; this subgraph adds `Shipment.invoice` (order-and-shipment-invoices.ts). */
export const ShipmentRef = builder.externalRef('Shipment', builder.selection<{ id: string }>('id'));
/**
 * Owned by orders: one view of the order-to-cash chain's health over a window [from, to); finance adds
 * its measures (business-health.ts) and its exception queues.
 */
export const BusinessHealthRef = extendBusinessHealth(builder);
