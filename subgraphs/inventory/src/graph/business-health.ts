import { healthWindowOf } from '@switchyard/kit';
import { builder, type Context } from './builder';
import { allocationHealthLoader } from './loaders';
import { BusinessHealthRef } from './references';

const allocationHealth = (ctx: Context, health: { from: string; to: string }) =>
  allocationHealthLoader(ctx).load(JSON.stringify(healthWindowOf(health)));

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with inventory's measures. */
builder.objectFields(BusinessHealthRef, (t) => ({
  backorderedOrders: t.int({
    nullable: true,
    description:
      'Orders backordered (some line could not be served whole by any warehouse) by allocations made in the window.',
    resolve: async (h, _args, ctx) => (await allocationHealth(ctx, h)).backorderedOrders,
  }),
  allocationFillRate: t.float({
    nullable: true,
    description:
      'Of the order lines allocated in the window, the share whose stock was reserved at once (not backordered), 0..1; null when none.',
    resolve: async (h, _args, ctx) => {
      const { lines, allocatedLines } = await allocationHealth(ctx, h);
      return lines === 0 ? null : allocatedLines / lines;
    },
  }),
}));
