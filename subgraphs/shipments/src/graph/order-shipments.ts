import { PARTNER_TAG } from '@switchyard/kit';
import { shipmentsOfOrderLoader } from './loaders';
import { OrderRef } from './references';
import { ShipmentType } from './shipment-types';

/** Extends the orders subgraph's Order: the parent is its key, `{ id }`. */
OrderRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    shipments: t.field({
      type: [ShipmentType],
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The shipments of this order, in the order they were planned.',
      resolve: (order, _args, ctx) => shipmentsOfOrderLoader(ctx).load(order.id),
    }),
  }),
});
