import { addEventExceptionFields, badUserInput, money } from '@switchyard/kit';
import { cycleTimeOf, type CycleTime } from '../cycle-time';
import { invoiceAccuracyOf, type InvoiceAccuracy } from '../invoice-accuracy';
import { LEDGER_CURRENCY } from '../receivable-totals';
import { rateInForce } from '../tax-rate-history';
import type { TimeWindow } from '../store';
import { builder, Money, type Context } from './builder';
import { BusinessHealthRef } from './references';

/** Shared with orders and shipments (the same value type in each subgraph). */
export const CycleTimeType = builder.objectRef<CycleTime>('CycleTime').implement({
  description: 'How long one step of the order-to-cash chain took over a window: how many, median and 95th percentile in hours (null when none).',
  shareable: true,
  fields: (t) => ({
    count: t.exposeInt('count'),
    p50Hours: t.exposeFloat('p50Hours', { nullable: true }),
    p95Hours: t.exposeFloat('p95Hours', { nullable: true }),
  }),
});

const InvoiceAccuracyType = builder.objectRef<InvoiceAccuracy>('InvoiceAccuracy').implement({
  description:
    "Invoices issued in the window checked against their orders: a match bills each shipped line at the order's unit price, and totals subtotal + tax at the ship-to region's rate of its day.",
  fields: (t) => ({
    invoicesChecked: t.exposeInt('invoicesChecked'),
    invoicesMatchingOrder: t.exposeInt('invoicesMatchingOrder'),
    rate: t.exposeFloat('rate', { nullable: true, description: 'invoicesMatchingOrder / invoicesChecked, 0..1; null when none was issued.' }),
  }),
});

/** The window of a BusinessHealth key as finance reads it: two instants, from before to. */
function windowOf(health: { from: string; to: string }): TimeWindow {
  const from = Date.parse(health.from);
  const to = Date.parse(health.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw badUserInput('from and to must be ISO-8601 instants', 'from');
  if (from >= to) throw badUserInput('from must be before to', 'from');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

async function invoiceAccuracy(ctx: Context, window: TimeWindow): Promise<InvoiceAccuracy> {
  const checks = await ctx.store.invoiceChecks(window);
  const regions = [...new Set(checks.map((c) => c.taxRegion))];
  const [rates, changes] = await Promise.all([ctx.store.taxRatesByRegions(regions), ctx.store.taxRateChanges(regions)]);
  const current = new Map(rates.map((r) => [r.region, r.rateBps]));
  const rateAt = (region: string, at: string) =>
    rateInForce(current.get(region) ?? null, changes.filter((c) => c.region === region), at);
  return invoiceAccuracyOf(checks, rateAt);
}

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with finance's measures. */
BusinessHealthRef.implement({
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (h) => h.from }),
    to: t.field({ type: 'DateTime', resolve: (h) => h.to }),
    shipmentToInvoiceLag: t.field({
      type: CycleTimeType,
      description: 'Hours from a shipment leaving the warehouse to its invoice, for the invoices issued in the window.',
      resolve: async (h, _args, ctx) => cycleTimeOf(await ctx.store.shipmentToInvoiceLagHours(windowOf(h))),
    }),
    invoiceAccuracy: t.field({
      type: InvoiceAccuracyType,
      // Reads every invoice of the window with its lines and its order's lines.
      cost: 5,
      resolve: (h, _args, ctx) => invoiceAccuracy(ctx, windowOf(h)),
    }),
    unappliedCash: t.field({
      type: Money,
      description: 'Cash received before `to` and not applied to an invoice before it.',
      resolve: async (h, _args, ctx) => {
        const byCurrency = await ctx.store.unappliedCash(windowOf(h).to);
        if (byCurrency.length > 1) throw new Error(`unapplied cash is held in several currencies: ${byCurrency.map((c) => c.currency).join(', ')}`);
        return money(byCurrency[0]?.cents ?? 0, byCurrency[0]?.currency ?? LEDGER_CURRENCY);
      },
    }),
    invoicesDisputed: t.int({
      description: 'Invoices disputed in the window.',
      resolve: (h, _args, ctx) => ctx.store.countDisputedInvoices(windowOf(h)),
    }),
  }),
});

/** financeEventExceptions, replay/discardFinanceEventException and BusinessHealth.financeExceptionQueues (scope events:operate). */
addEventExceptionFields(builder, { subgraph: 'finance', healthRef: BusinessHealthRef, stage: 'invoicing' });
