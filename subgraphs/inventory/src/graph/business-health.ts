import { badUserInput } from '@switchyard/kit';
import type { TimeWindow } from '../store';
import type { Context } from './builder';
import { allocationHealthLoader } from './loaders';
import { BusinessHealthRef } from './references';

/** The window of a BusinessHealth key: two instants, from before to. */
function windowOf(health: { from: string; to: string }): TimeWindow {
  const from = Date.parse(health.from);
  const to = Date.parse(health.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw badUserInput('from and to must be ISO-8601 instants', 'from');
  if (from >= to) throw badUserInput('from must be before to', 'from');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

const allocationHealth = (ctx: Context, health: { from: string; to: string }) => allocationHealthLoader(ctx).load(JSON.stringify(windowOf(health)));

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with inventory's measures. */
BusinessHealthRef.implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (h) => h.from }),
    to: t.field({ type: 'DateTime', resolve: (h) => h.to }),
    backorderedOrders: t.int({
      description: 'Orders backordered (some line could not be served whole by any warehouse) by allocations made in the window.',
      resolve: async (h, _args, ctx) => (await allocationHealth(ctx, h)).backorderedOrders,
    }),
    allocationFillRate: t.float({
      nullable: true,
      description: 'Of the order lines allocated in the window, the share whose stock was reserved at once (not backordered), 0..1; null when none.',
      resolve: async (h, _args, ctx) => {
        const { lines, allocatedLines } = await allocationHealth(ctx, h);
        return lines === 0 ? null : allocatedLines / lines;
      },
    }),
  }),
});
