import { PARTNER_TAG } from '@switchyard/kit';
import { invoiceOfShipmentLoader, invoicesOfOrderLoader } from './loaders';
import { InvoiceRef } from './object-refs';
import { OrderRef, ShipmentRef } from './references';

/** Extends the orders subgraph's Order: the parent is its key, `{ id }`. */
OrderRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    invoices: t.field({
      type: [InvoiceRef],
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The invoices of this order (one per shipment), oldest first.',
      resolve: (order, _args, ctx) => invoicesOfOrderLoader(ctx).load(order.id),
    }),
  }),
});

/** Extends the shipments subgraph's Shipment: the parent is its key, `{ id }`. */
ShipmentRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    invoice: t.field({
      type: InvoiceRef,
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The invoice billing this shipment; null until it is invoiced.',
      resolve: (shipment, _args, ctx) => invoiceOfShipmentLoader(ctx).load(shipment.id),
    }),
  }),
});
