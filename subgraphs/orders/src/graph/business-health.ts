import {
  addEventExceptionFields,
  cycleTimeOf,
  defineCycleTimeType,
  healthWindowOf,
  money,
  type Money as MoneyValue,
} from '@switchyard/kit';
import { GraphQLError } from 'graphql';
import type { AgingBucket, HoldReason, TimeWindow } from '../store';
import { builder, Money, type Context } from './builder';
import { HoldReasonEnum } from './enums';

/** The longest window health is computed over. */
const MAX_WINDOW_DAYS = 366;
const DAY_MS = 86_400_000;

/** Ages of open orders, youngest first: [label, from this many whole days old]. */
const AGING_BUCKETS: readonly (readonly [string, number])[] = [
  ['0-2d', 0],
  ['3-7d', 3],
  ['8-14d', 8],
  ['15-30d', 15],
  ['over-30d', 31],
];

/** A window [from, to) of business health; the entity's key. */
const healthWindow = (from: string, to: string): TimeWindow =>
  healthWindowOf({ from, to }, MAX_WINDOW_DAYS);

/** The buckets as instants: an order older than `days` whole days as of `asOf` was placed at or before asOf − days. */
function agingBuckets(asOf: string): AgingBucket[] {
  const at = Date.parse(asOf);
  return AGING_BUCKETS.map(([label], i) => {
    const next = AGING_BUCKETS[i + 1];
    return { label, placedAfter: next ? new Date(at - next[1] * DAY_MS).toISOString() : null };
  });
}

/** The same @shareable value type as in shipments and finance (from the kit). */
const CycleTimeType = defineCycleTimeType(builder);

const HoldReasonCountType = builder
  .objectRef<{ reason: HoldReason; count: number }>('HoldReasonCount')
  .implement({
    description:
      'How many orders placed in the window were held for one reason (an order held for two reasons counts in both).',
    fields: (t) => ({
      reason: t.field({ type: HoldReasonEnum, resolve: (r) => r.reason }),
      count: t.exposeInt('count'),
    }),
  });

const OrderAgingBucketType = builder
  .objectRef<{ bucket: string; orders: number; value: MoneyValue }>('OrderAgingBucket')
  .implement({
    description:
      'Open orders (not PAID, CLOSED or CANCELLED) of one age at the end of the window, and what they are worth.',
    fields: (t) => ({
      bucket: t.exposeString('bucket', {
        description: 'Days since placement: 0-2d, 3-7d, 8-14d, 15-30d or over-30d.',
      }),
      orders: t.exposeInt('orders'),
      value: t.field({
        type: Money,
        description: 'The sum of their totals.',
        resolve: (b) => b.value,
      }),
    }),
  });

/** One request's capture figures, read once however many fields ask. */
const captureHealth = (ctx: Context, window: TimeWindow) =>
  ctx.loaders
    .get<string, Awaited<ReturnType<Context['store']['captureHealth']>>>('captureHealth', (keys) =>
      Promise.all(keys.map((key) => ctx.store.captureHealth(JSON.parse(key)))),
    )
    .load(JSON.stringify(window));

async function openOrderAging(ctx: Context, asOf: string) {
  const rows = await ctx.store.openOrderAging(asOf, agingBuckets(asOf));
  const currencies = [...new Set(rows.map((r) => r.currency))];
  if (currencies.length > 1)
    throw new GraphQLError(
      `open orders are in several currencies (${currencies.join(', ')}): their value cannot be summed`,
    );
  const currency = currencies[0] ?? 'USD';
  return AGING_BUCKETS.map(([label]) => {
    const row = rows.find((r) => r.label === label);
    return {
      bucket: label,
      orders: row?.orders ?? 0,
      value: money(row?.valueCents ?? 0, currency),
    };
  });
}

/**
 * One view of the order-to-cash chain's health over a window [from, to). Orders owns it and contributes
 * order capture's measures; inventory, shipments and finance extend it with theirs. Every figure is
 * computed from the records when asked.
 */
export const BusinessHealthType = builder.objectRef<TimeWindow>('BusinessHealth').implement({
  description:
    "The order-to-cash chain's health over a window [from, to): each subgraph contributes the measures of its records, computed when asked.",
  fields: (t) => ({
    from: t.field({
      type: 'DateTime',
      description: 'Start of the window (inclusive).',
      resolve: (h) => h.from,
    }),
    to: t.field({
      type: 'DateTime',
      description: 'End of the window (exclusive); "as of" figures are taken at it.',
      resolve: (h) => h.to,
    }),
    ordersPlaced: t.int({
      description: 'Orders placed in the window.',
      resolve: async (h, _args, ctx) => (await captureHealth(ctx, h)).placed,
    }),
    ordersHeld: t.int({
      description: 'Orders placed in the window that went on hold (released since or not).',
      resolve: async (h, _args, ctx) => (await captureHealth(ctx, h)).held,
    }),
    orderExceptionRate: t.float({
      nullable: true,
      description: 'ordersHeld / ordersPlaced, 0..1; null when no order was placed.',
      resolve: async (h, _args, ctx) => {
        const { placed, held } = await captureHealth(ctx, h);
        return placed === 0 ? null : held / placed;
      },
    }),
    holdReasons: t.field({
      type: [HoldReasonCountType],
      description: 'Why orders placed in the window were held, most frequent first.',
      resolve: async (h, _args, ctx) => (await captureHealth(ctx, h)).holdReasons,
    }),
    openOrderAging: t.field({
      type: [OrderAgingBucketType],
      description:
        'Orders still open at the end of the window, by age (all five buckets, youngest first).',
      resolve: (h, _args, ctx) => openOrderAging(ctx, h.to),
    }),
    orderToAccept: t.field({
      type: CycleTimeType,
      description:
        'Hours from placement to acceptance (at once, or when the last hold was released), for orders placed in the window.',
      resolve: async (h, _args, ctx) => cycleTimeOf(await ctx.store.hoursToAccept(h)),
    }),
    orderToShip: t.field({
      type: CycleTimeType,
      description:
        'Hours from placement to the first shipment leaving a warehouse, for orders placed in the window.',
      resolve: async (h, _args, ctx) => cycleTimeOf(await ctx.store.hoursToShip(h)),
    }),
  }),
});

builder.asEntity(BusinessHealthType, {
  key: builder.selection<{ from: string; to: string }>('from to'),
  resolveReference: (ref) => healthWindow(ref.from, ref.to),
});

builder.queryField('businessHealth', (t) =>
  t.field({
    tag: ['stage:order-capture'],
    type: BusinessHealthType,
    nullable: true,
    description: `The health of order-to-cash over [from, to) (at most ${MAX_WINDOW_DAYS} days). Whole-business figures: callers restricted to some rows (partners) get FORBIDDEN.`,
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (_root, args) => healthWindow(args.from, args.to),
  }),
);

addEventExceptionFields(builder, {
  subgraph: 'orders',
  healthRef: BusinessHealthType,
  stage: 'order-capture',
});
