import { cycleTimeOf, defineCycleTimeType, healthWindowOf } from '@switchyard/kit';
import { builder, type Context } from './builder';
import { shipmentHealthLoader } from './loaders';
import { BusinessHealthRef } from './references';

/** The same @shareable value type as in orders and finance (from the kit). */
const CycleTimeType = defineCycleTimeType(builder);

const shipmentHealth = (ctx: Context, health: { from: string; to: string }) =>
  shipmentHealthLoader(ctx).load(JSON.stringify(healthWindowOf(health)));

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with shipments' measures. */
builder.objectFields(BusinessHealthRef, (t) => ({
  shipmentsConfirmed: t.int({
    nullable: true,
    description: 'Shipments that left a warehouse (confirmShipment) in the window.',
    resolve: async (h, _args, ctx) => (await shipmentHealth(ctx, h)).shipmentsConfirmed,
  }),
  planToShip: t.field({
    type: CycleTimeType,
    nullable: true,
    description:
      'Hours from a shipment being planned to leaving the warehouse, for the shipments that left in the window.',
    resolve: async (h, _args, ctx) => cycleTimeOf((await shipmentHealth(ctx, h)).planToShipHours),
  }),
}));
