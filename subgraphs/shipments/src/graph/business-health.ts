import { badUserInput } from '@switchyard/kit';
import { cycleTimeOf, type CycleTime } from '../cycle-time';
import type { TimeWindow } from '../store';
import { builder, type Context } from './builder';
import { shipmentHealthLoader } from './loaders';
import { BusinessHealthRef } from './references';

/** Shared with orders and finance (the same value type in each subgraph). */
export const CycleTimeType = builder.objectRef<CycleTime>('CycleTime').implement({
  description: 'How long one step of the order-to-cash chain took over a window: how many, median and 95th percentile in hours (null when none).',
  shareable: true,
  fields: (t) => ({
    count: t.exposeInt('count'),
    p50Hours: t.exposeFloat('p50Hours', { nullable: true }),
    p95Hours: t.exposeFloat('p95Hours', { nullable: true }),
  }),
});

/** The window of a BusinessHealth key: two instants, from before to. */
function windowOf(health: { from: string; to: string }): TimeWindow {
  const from = Date.parse(health.from);
  const to = Date.parse(health.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw badUserInput('from and to must be ISO-8601 instants', 'from');
  if (from >= to) throw badUserInput('from must be before to', 'from');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

const shipmentHealth = (ctx: Context, health: { from: string; to: string }) => shipmentHealthLoader(ctx).load(JSON.stringify(windowOf(health)));

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with shipments' measures. */
BusinessHealthRef.implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (h) => h.from }),
    to: t.field({ type: 'DateTime', resolve: (h) => h.to }),
    shipmentsConfirmed: t.int({
      description: 'Shipments that left a warehouse (confirmShipment) in the window.',
      resolve: async (h, _args, ctx) => (await shipmentHealth(ctx, h)).shipmentsConfirmed,
    }),
    planToShip: t.field({
      type: CycleTimeType,
      description: 'Hours from a shipment being planned to leaving the warehouse, for the shipments that left in the window.',
      resolve: async (h, _args, ctx) => cycleTimeOf((await shipmentHealth(ctx, h)).planToShipHours),
    }),
  }),
});
