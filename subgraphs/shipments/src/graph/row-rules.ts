import { rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import type { Shipment } from '../store';
import { shipmentByTrackingNumberLoader, shipmentLoader } from './loaders';

/** A shipment belongs to its customer and its carrier. */
export const shipmentRow = (shipment: Shipment): RowDimensions => ({
  customerIds: shipment.customerId,
  carrierIds: shipment.carrierId,
});

type ShipmentLookup = { id?: string | null; trackingNumber?: string | null };

/**
 * Row-level rules of the shipments subgraph (lists and Order.shipments are scoped in the store):
 * another's shipment answers as one that does not exist; its lines and milestones are reached
 * through it. Carriers are reference data, open to every caller. Commands check their shipment in
 * the store (sql-shipment-commands.ts), with the same NOT_FOUND.
 */
export const shipmentRowRules: IRules = {
  Query: {
    shipment: rowLookupRule<ShipmentLookup>({
      typeName: 'Shipment',
      // As the resolver: exactly one of id and trackingNumber, named in its NOT_FOUND.
      keyOf: (args) =>
        (args.id == null) === (args.trackingNumber == null)
          ? null
          : String(args.id ?? args.trackingNumber),
      load: (args, ctx) =>
        args.id != null
          ? shipmentLoader(ctx).load(String(args.id))
          : shipmentByTrackingNumberLoader(ctx).load(args.trackingNumber!),
      dimensionsOf: shipmentRow,
    }),
  },
  Shipment: rowRule('Shipment', shipmentRow),
};
