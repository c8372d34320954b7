import { PARTNER_TAG } from '@switchyard/kit';
import type { ArAging } from '../receivable-totals';
import { builder, Money } from './builder';

export const ArAgingType = builder.objectRef<ArAging>('ArAging').implement({
  description:
    "A customer's open invoice balances by days past due as of an instant: current (not yet due), 1-30, 31-60, 61-90 and over 90 days (a started day counts).",
  tag: PARTNER_TAG,
  fields: (t) => ({
    asOf: t.field({
      type: 'DateTime',
      description: 'The instant the invoices were aged at.',
      resolve: (a) => a.asOf,
    }),
    current: t.field({ type: Money, description: 'Not yet due.', resolve: (a) => a.current }),
    days1To30: t.field({ type: Money, resolve: (a) => a.days1To30 }),
    days31To60: t.field({ type: Money, resolve: (a) => a.days31To60 }),
    days61To90: t.field({ type: Money, resolve: (a) => a.days61To90 }),
    over90: t.field({ type: Money, resolve: (a) => a.over90 }),
    total: t.field({
      type: Money,
      description: 'The sum of the buckets: the open balance.',
      resolve: (a) => a.total,
    }),
  }),
});
