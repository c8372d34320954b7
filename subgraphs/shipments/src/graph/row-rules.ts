import { rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import type { Shipment } from '../store';
import { shipmentByTrackingNumberLoader, shipmentLoader } from './loaders';

const shipmentRow = (shipment: Shipment): RowDimensions => ({
  customerIds: shipment.customerId,
  carrierIds: shipment.carrierId,
});

/**
 * Row-level rules of the shipments subgraph (lists and Order.shipments are scoped in the store):
 * a shipment belongs to its customer and its carrier; its lines and milestones are reached through
 * it. Carriers are reference data, open to every caller.
 */
export const shipmentRowRules: IRules = {
  Query: {
    shipment: rowLookupRule<{ id?: string | null; trackingNumber?: string | null }>(
      'Shipment',
      (args, ctx) =>
        args.id != null
          ? shipmentLoader(ctx).load(String(args.id))
          : shipmentByTrackingNumberLoader(ctx).load(args.trackingNumber!),
      shipmentRow,
    ),
  },
  Shipment: rowRule('Shipment', shipmentRow),
};
