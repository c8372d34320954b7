import { pageRequest, PARTNER_TAG, toConnection } from '@switchyard/kit';
import { pageArgs } from './builder';
import { customerOrderCountLoader, customerOrdersLoader } from './loaders';
import { orderFilterArgs, orderFilterFrom } from './order-filter';
import { OrderConnection } from './order-types';
import { CustomerRef } from './references';

/** Extends the customers subgraph's Customer: the parent is its key, `{ id }`. */
CustomerRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    orders: t.field({
      type: OrderConnection,
      nullable: true,
      tag: PARTNER_TAG,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description: "The customer's orders, newest first (keyset on order id, descending).",
      args: { ...pageArgs, ...orderFilterArgs },
      resolve: async (customer, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...orderFilterFrom(args), scope: ctx.rowScope };
        // Batched across customers: one windowed query reads a page for each customer of the request.
        const rows = await customerOrdersLoader(ctx, filter, page).load(customer.id);
        return toConnection(
          rows,
          page,
          (o) => o.id,
          () => customerOrderCountLoader(ctx, filter).load(customer.id),
        );
      },
    }),
  }),
});
