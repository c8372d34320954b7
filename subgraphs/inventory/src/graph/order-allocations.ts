import { AllocationType } from './allocation-type';
import { allocationsOfOrderLoader } from './loaders';
import { OrderRef } from './references';

/** Extends the orders subgraph's Order: the parent is its key, `{ id }`. */
OrderRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    allocations: t.field({
      type: [AllocationType],
      nullable: true,
      description: 'Where the stock of this order comes from: its allocations, by line number.',
      resolve: (order, _args, ctx) => allocationsOfOrderLoader(ctx).load(order.id),
    }),
  }),
});
