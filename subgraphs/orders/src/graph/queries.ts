import { badUserInput, notFound, pageRequest, PARTNER_TAG, toConnection } from '@switchyard/kit';
import { builder, pageArgs } from './builder';
import { orderByNumberLoader, orderLoader } from './loaders';
import { orderFilterArgs, orderFilterFrom } from './order-filter';
import { OrderConnection, OrderType } from './order-types';

builder.queryType({
  fields: (t) => ({
    order: t.field({
      tag: ['stage:order-capture', PARTNER_TAG],
      type: OrderType,
      nullable: true,
      description: 'An order by id or by number; null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), number: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if (args.id == null && args.number == null)
          throw badUserInput('Give an order "id" or "number"');
        const order =
          args.id != null
            ? await orderLoader(ctx).load(String(args.id))
            : await orderByNumberLoader(ctx).load(args.number!);
        if (!order) throw notFound('Order', String(args.id ?? args.number));
        return order;
      },
    }),
    orders: t.field({
      tag: ['stage:order-capture', PARTNER_TAG],
      type: OrderConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Orders, newest first (keyset on order id, descending: the newest orders have the highest ids).',
      args: {
        ...pageArgs,
        ...orderFilterArgs,
        customerId: t.arg.id({ description: "Only this customer's orders." }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = { ...orderFilterFrom(args), scope: ctx.rowScope };
        const rows = await ctx.store.listOrders(filter, page);
        return toConnection(
          rows,
          page,
          (o) => o.id,
          () => ctx.store.countOrders(filter),
        );
      },
    }),
  }),
});
