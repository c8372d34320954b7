import {
  badUserInput,
  checkDateRange,
  notFound,
  pageRequest,
  PARTNER_TAG,
  toConnection,
} from '@switchyard/kit';
import { builder, pageArgs } from './builder';
import { ShipmentStatus } from './enums';
import { shipmentByTrackingNumberLoader, shipmentLoader } from './loaders';
import { CarrierType, ShipmentConnection, ShipmentType } from './shipment-types';

builder.queryType({
  fields: (t) => ({
    shipment: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: ShipmentType,
      nullable: true,
      description:
        'A shipment by id or by carrier tracking number (give exactly one); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), trackingNumber: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if ((args.id == null) === (args.trackingNumber == null))
          throw badUserInput('give exactly one of "id" or "trackingNumber"');
        const shipment =
          args.id != null
            ? await shipmentLoader(ctx).load(String(args.id))
            : await shipmentByTrackingNumberLoader(ctx).load(args.trackingNumber!);
        if (!shipment) throw notFound('Shipment', String(args.id ?? args.trackingNumber));
        return shipment;
      },
    }),
    shipments: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: ShipmentConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Shipments, newest first (by id, descending), filtered by any of the arguments together.',
      args: {
        ...pageArgs,
        status: t.arg({ type: ShipmentStatus }),
        carrierId: t.arg.id(),
        customerId: t.arg.id(),
        orderId: t.arg.id(),
        shippedAfter: t.arg({
          type: 'DateTime',
          description: 'Only shipments shipped at or after this instant (inclusive).',
        }),
        shippedBefore: t.arg({
          type: 'DateTime',
          description: 'Only shipments shipped before this instant (exclusive).',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        checkDateRange('shipped', args.shippedAfter, args.shippedBefore);
        const filter = {
          status: args.status,
          carrierId: args.carrierId == null ? null : String(args.carrierId),
          customerId: args.customerId == null ? null : String(args.customerId),
          orderId: args.orderId == null ? null : String(args.orderId),
          shippedAfter: args.shippedAfter,
          shippedBefore: args.shippedBefore,
          scope: ctx.rowScope,
        };
        const rows = await ctx.store.listShipments(filter, page);
        return toConnection(
          rows,
          page,
          (s) => s.id,
          () => ctx.store.countShipments(filter),
        );
      },
    }),
    carriers: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: [CarrierType],
      description: 'Every carrier, ordered by code.',
      resolve: (_root, _args, ctx) => ctx.store.listCarriers(),
    }),
  }),
});
