import { invoiceAccuracyOf } from '@switchyard/finance/src/invoice-accuracy';
import { rateInForce } from '@switchyard/finance/src/tax-rate-history';
import type { InvoiceCheck } from '@switchyard/finance/src/store';
import { SEED_ANCHOR } from './clock';
import { generateDataset, type Dataset } from './index';

/** The order-to-cash columns and projection of the finance database agree with the orders and shipments seeded. */
let d: Dataset;
beforeAll(() => {
  d = generateDataset({ seed: 42, scale: 0.2 });
});

test('the order ledger holds every accepted order with its lines as priced, cancelled ones marked', () => {
  const accepted = d.orders.orders.filter((o) => o.status !== 'ON_HOLD');
  expect(d.finance.order_ledger.map((o) => o.order_id).sort()).toEqual(
    accepted.map((o) => o.id).sort(),
  );
  const orders = new Map(d.orders.orders.map((o) => [o.id, o]));
  const broken = d.finance.order_ledger.filter((entry) => {
    const order = orders.get(entry.order_id)!;
    return (
      entry.customer_id !== order.customer_id ||
      entry.ship_to_region !== order.ship_to_region ||
      entry.total_cents !== order.total_cents ||
      entry.status !== (order.status === 'CANCELLED' ? 'CANCELLED' : 'ACCEPTED') ||
      entry.accepted_at < order.placed_at
    );
  });
  expect(broken).toEqual([]);
  const ledgerLines = d.finance.order_ledger_lines
    .map((l) => `${l.order_id}|${l.line_number}|${l.quantity}|${l.unit_price_cents}`)
    .sort();
  const acceptedIds = new Set(accepted.map((o) => o.id));
  const orderLines = d.orders.order_lines
    .filter((l) => acceptedIds.has(l.order_id))
    .map((l) => `${l.order_id}|${l.line_number}|${l.quantity}|${l.unit_price_cents}`);
  expect(ledgerLines).toEqual(orderLines.sort());
});

test('invoices know when their shipment left, and only disputed ones have a dispute, after issue and before the anchor', () => {
  const shipments = new Map(d.shipments.shipments.map((s) => [s.id, s]));
  const broken = d.finance.invoices.filter(
    (i) =>
      i.shipped_at !== shipments.get(i.shipment_id)!.shipped_at ||
      (i.status === 'DISPUTED') !== (i.disputed_at !== null) ||
      (i.disputed_at !== null &&
        (i.disputed_at <= i.issued_at || i.disputed_at >= SEED_ANCHOR || !i.dispute_reason)),
  );
  expect(broken).toEqual([]);
  expect(d.finance.invoices.some((i) => i.status === 'DISPUTED')).toBe(true);
});

test("finance's invoice accuracy finds every seeded invoice matching its order", () => {
  const ledger = new Map(d.finance.order_ledger.map((o) => [o.order_id, o]));
  const ledgerLines = new Map(
    d.finance.order_ledger_lines.map((l) => [`${l.order_id}|${l.line_number}`, l]),
  );
  const checks: InvoiceCheck[] = d.finance.invoices.map((i) => ({
    invoiceId: i.id,
    issuedAt: i.issued_at,
    subtotalCents: i.subtotal_cents,
    taxRegion: i.tax_region,
    taxRateBps: i.tax_rate_bps,
    taxCents: i.tax_cents,
    totalCents: i.total_cents,
    orderShipToRegion: ledger.get(i.order_id)?.ship_to_region ?? null,
    lines: d.finance.invoice_lines
      .filter((l) => l.invoice_id === i.id)
      .map((l) => ({
        quantity: l.quantity,
        unitPriceCents: l.unit_price_cents,
        extendedCents: l.extended_cents,
        orderUnitPriceCents:
          ledgerLines.get(`${i.order_id}|${l.order_line_number}`)?.unit_price_cents ?? null,
      })),
  }));
  const rates = new Map(d.finance.tax_rates.map((r) => [r.region, r.rate_bps]));
  const rateAt = (region: string, at: string) =>
    rateInForce(
      rates.get(region) ?? null,
      d.finance.tax_rate_changes
        .filter((c) => c.region === region)
        .map((c) => ({
          region,
          previousRateBps: c.previous_rate_bps,
          rateBps: c.rate_bps,
          changedAt: c.changed_at,
        })),
      at,
    );
  const accuracy = invoiceAccuracyOf(checks, rateAt);
  expect(accuracy.invoicesChecked).toBe(d.finance.invoices.length);
  expect(accuracy).toEqual({
    invoicesChecked: checks.length,
    invoicesMatchingOrder: checks.length,
    rate: 1,
  });
});
