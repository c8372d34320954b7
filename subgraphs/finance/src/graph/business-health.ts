import {
  addEventExceptionFields,
  cycleTimeOf,
  defineCycleTimeType,
  healthWindowOf,
  money,
} from '@switchyard/kit';
import { invoiceAccuracyOf, type InvoiceAccuracy } from '../invoice-accuracy';
import { LEDGER_CURRENCY } from '../receivable-totals';
import { rateInForce } from '../tax-rate-history';
import type { TimeWindow } from '../store';
import { builder, Money, type Context } from './builder';
import { BusinessHealthRef } from './references';

/** The same @shareable value type as in orders and shipments (from the kit). */
const CycleTimeType = defineCycleTimeType(builder);

const InvoiceAccuracyType = builder.objectRef<InvoiceAccuracy>('InvoiceAccuracy').implement({
  description:
    "Invoices issued in the window checked against their orders: a match bills each shipped line at the order's unit price, and totals subtotal + tax at the ship-to region's rate of its day.",
  fields: (t) => ({
    invoicesChecked: t.exposeInt('invoicesChecked'),
    invoicesMatchingOrder: t.exposeInt('invoicesMatchingOrder'),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'invoicesMatchingOrder / invoicesChecked, 0..1; null when none was issued.',
    }),
  }),
});

async function invoiceAccuracy(ctx: Context, window: TimeWindow): Promise<InvoiceAccuracy> {
  const checks = await ctx.store.invoiceChecks(window);
  const regions = [...new Set(checks.map((c) => c.taxRegion))];
  const [rates, changes] = await Promise.all([
    ctx.store.taxRatesByRegions(regions),
    ctx.store.taxRateChanges(regions),
  ]);
  const current = new Map(rates.map((r) => [r.region, r.rateBps]));
  const rateAt = (region: string, at: string) =>
    rateInForce(
      current.get(region) ?? null,
      changes.filter((c) => c.region === region),
      at,
    );
  return invoiceAccuracyOf(checks, rateAt);
}

/** Extends the orders subgraph's BusinessHealth (the parent is its key, `{ from, to }`) with finance's measures. */
builder.objectFields(BusinessHealthRef, (t) => ({
  shipmentToInvoiceLag: t.field({
    type: CycleTimeType,
    nullable: true,
    description:
      'Hours from a shipment leaving the warehouse to its invoice, for the invoices issued in the window.',
    resolve: async (h, _args, ctx) =>
      cycleTimeOf(await ctx.store.shipmentToInvoiceLagHours(healthWindowOf(h))),
  }),
  invoiceAccuracy: t.field({
    type: InvoiceAccuracyType,
    nullable: true,
    // Reads every invoice of the window with its lines and its order's lines.
    cost: 5,
    resolve: (h, _args, ctx) => invoiceAccuracy(ctx, healthWindowOf(h)),
  }),
  unappliedCash: t.field({
    type: Money,
    nullable: true,
    description: 'Cash received before `to` and not applied to an invoice before it.',
    resolve: async (h, _args, ctx) => {
      const byCurrency = await ctx.store.unappliedCash(healthWindowOf(h).to);
      if (byCurrency.length > 1)
        throw new Error(
          `unapplied cash is held in several currencies: ${byCurrency.map((c) => c.currency).join(', ')}`,
        );
      return money(byCurrency[0]?.cents ?? 0, byCurrency[0]?.currency ?? LEDGER_CURRENCY);
    },
  }),
  invoicesDisputed: t.int({
    nullable: true,
    description: 'Invoices disputed in the window.',
    resolve: (h, _args, ctx) => ctx.store.countDisputedInvoices(healthWindowOf(h)),
  }),
}));

/** financeEventExceptions, replay/discardFinanceEventException and BusinessHealth.financeExceptionQueues (scope events:operate). */
addEventExceptionFields(builder, {
  subgraph: 'finance',
  healthRef: BusinessHealthRef,
  stage: 'invoicing',
});
