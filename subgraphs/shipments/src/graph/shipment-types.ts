import { PARTNER_TAG, rowIfVisible } from '@switchyard/kit';
import type { Carrier, Milestone, Shipment, ShipmentLine } from '../store';
import { builder, connectionType } from './builder';
import { CarrierMode, MilestoneCode, ServiceLevel, ShipmentStatus } from './enums';
import { carrierLoader, milestonesLoader, shipmentLinesLoader, shipmentLoader } from './loaders';
import { withFreightInputs } from './freight-inputs';
import { CustomerRef, OrderRef, ProductRef, WarehouseRef } from './references';
import { shipmentRow } from './row-rules';

export const CarrierType = builder.objectRef<Carrier>('Carrier').implement({
  description: 'A carrier that moves shipments (parcel or freight).',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    scac: t.exposeString('scac', { description: 'Standard Carrier Alpha Code.' }),
    mode: t.field({ type: CarrierMode, resolve: (c) => c.mode }),
  }),
});

export const ShipmentLineType = builder.objectRef<ShipmentLine>('ShipmentLine').implement({
  description:
    'A quantity of one order line packed into this shipment (an order line may ship in several).',
  tag: PARTNER_TAG,
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    orderLineNumber: t.exposeInt('orderLineNumber', {
      description: 'The line of the order this ships (Order.lines.lineNumber).',
    }),
    product: t.field({ type: ProductRef, nullable: true, resolve: (l) => ({ id: l.productId }) }),
    quantity: t.exposeInt('quantity', {
      description: 'Units shipped, in the product unit of measure.',
    }),
  }),
});

export const MilestoneType = builder.objectRef<Milestone>('Milestone').implement({
  description: 'An execution event of a shipment, reported by the warehouse or the carrier.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.field({ type: MilestoneCode, resolve: (m) => m.code }),
    at: t.field({ type: 'DateTime', resolve: (m) => m.at }),
    location: t.exposeString('location', {
      description: 'Where it happened, e.g. a warehouse code or a city.',
    }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

// Every field is for partners (PARTNER_TAG), one by one, so that a field added later is not theirs until tagged.
export const ShipmentType = builder.objectRef<Shipment>('Shipment').implement({
  description:
    'A shipment of (part of) an order from one warehouse with one carrier (the WMS/TMS record).',
  fields: (t) => ({
    id: t.exposeID('id', { tag: PARTNER_TAG }),
    // Nullable: a caller may see a shipment but not its order or account (a 3pl sees the orders its carrier ships but
    // no account: customers answers it as missing), and their subgraphs may be away; non-null, that null would null
    // the whole shipment, or the whole page of shipments.
    // `{ id }` alone is still answered: the gateway takes the key from this shipment's record without asking the owner.
    order: t.field({
      type: OrderRef,
      nullable: true,
      tag: PARTNER_TAG,
      description:
        'The order it ships; null when the caller may not see the order (a 3pl sees the orders its carrier ships).',
      resolve: (s) => ({ id: s.orderId }),
    }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      tag: PARTNER_TAG,
      description:
        'The customer it ships to; null when the caller may not see the customer (a 3pl sees the shipments it carries, not the accounts).',
      resolve: (s) => ({ id: s.customerId }),
    }),
    warehouse: t.field({
      type: WarehouseRef,
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The warehouse it ships from.',
      resolve: (s) => ({ id: s.warehouseId }),
    }),
    carrier: t.field({
      type: CarrierType,
      tag: PARTNER_TAG,
      resolve: async (s, _args, ctx) => {
        const carrier = await carrierLoader(ctx).load(s.carrierId);
        // carrier_id is a foreign key, so this is a broken system of record, not bad input.
        if (!carrier) throw new Error(`carrier ${s.carrierId} of shipment ${s.id} is missing`);
        return carrier;
      },
    }),
    serviceLevel: t.field({ type: ServiceLevel, tag: PARTNER_TAG, resolve: (s) => s.serviceLevel }),
    trackingNumber: t.exposeString('trackingNumber', {
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The carrier tracking number; null until the carrier assigns one.',
    }),
    status: t.field({ type: ShipmentStatus, tag: PARTNER_TAG, resolve: (s) => s.status }),
    lines: t.field({
      type: [ShipmentLineType],
      tag: PARTNER_TAG,
      resolve: (s, _args, ctx) => shipmentLinesLoader(ctx).load(s.id),
    }),
    milestones: t.field({
      type: [MilestoneType],
      tag: PARTNER_TAG,
      description: 'Execution events, oldest first.',
      resolve: (s, _args, ctx) => milestonesLoader(ctx).load(s.id),
    }),
    lastMilestone: t.field({
      type: MilestoneType,
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The latest execution event: where the shipment is now.',
      resolve: async (s, _args, ctx) => (await milestonesLoader(ctx).load(s.id)).at(-1) ?? null,
    }),
    plannedAt: t.field({ type: 'DateTime', tag: PARTNER_TAG, resolve: (s) => s.plannedAt }),
    shippedAt: t.field({
      type: 'DateTime',
      nullable: true,
      tag: PARTNER_TAG,
      description: 'When the carrier took it; null before.',
      resolve: (s) => s.shippedAt,
    }),
    deliveredAt: t.field({
      type: 'DateTime',
      nullable: true,
      tag: PARTNER_TAG,
      resolve: (s) => s.deliveredAt,
    }),
  }),
});

builder.asEntity(ShipmentType, {
  key: builder.selection<{ id: string }>('id'),
  // A foreign representation resolves as a missing one (null), so it tells nothing about which ids exist.
  // A representation for Shipment.freight also carries its @requires fields (freight-fields.ts).
  resolveReference: async (ref, ctx) => {
    const shipment = rowIfVisible(
      ctx.rowScope,
      await shipmentLoader(ctx).load(ref.id),
      shipmentRow,
    );
    return shipment && withFreightInputs(shipment, ref as { id: string; lines?: unknown });
  },
});

export const ShipmentConnection = connectionType<Shipment>('Shipment', ShipmentType, {
  tag: PARTNER_TAG,
});
