import { sql, type Kysely } from 'kysely';
import type { FinanceDB } from './migrations';
import type { FinanceStore, InvoiceCheck } from './store';

const HOUR_MS = 3_600_000;

/**
 * Finance's business-health figures, read from the records at query time (never kept as counters).
 * Instants are ISO-8601 UTC strings of fixed shape, so comparing strings compares instants.
 */
export function createSqlBusinessHealth(
  db: Kysely<FinanceDB>,
): Pick<
  FinanceStore,
  'shipmentToInvoiceLagHours' | 'invoiceChecks' | 'unappliedCash' | 'countDisputedInvoices'
> {
  const issuedIn = (window: { from: string; to: string }) =>
    db
      .selectFrom('invoices')
      .where('invoices.issued_at', '>=', window.from)
      .where('invoices.issued_at', '<', window.to);

  return {
    async shipmentToInvoiceLagHours(window) {
      const rows = await issuedIn(window)
        .select(['invoices.shipped_at', 'invoices.issued_at'])
        .where('invoices.shipped_at', 'is not', null)
        .execute();
      return rows.map((row) => (Date.parse(row.issued_at) - Date.parse(row.shipped_at!)) / HOUR_MS);
    },

    async invoiceChecks(window) {
      const headers = await issuedIn(window)
        .leftJoin('order_ledger', 'order_ledger.order_id', 'invoices.order_id')
        .select([
          'invoices.id',
          'invoices.issued_at',
          'invoices.subtotal_cents',
          'invoices.tax_region',
          'invoices.tax_rate_bps',
          'invoices.tax_cents',
          'invoices.total_cents',
          'order_ledger.ship_to_region',
        ])
        .orderBy('invoices.id')
        .execute();
      const lines = await issuedIn(window)
        .innerJoin('invoice_lines', 'invoice_lines.invoice_id', 'invoices.id')
        .leftJoin('order_ledger_lines', (join) =>
          join
            .onRef('order_ledger_lines.order_id', '=', 'invoices.order_id')
            .onRef('order_ledger_lines.line_number', '=', 'invoice_lines.order_line_number'),
        )
        .select([
          'invoice_lines.invoice_id',
          'invoice_lines.quantity',
          'invoice_lines.unit_price_cents',
          'invoice_lines.extended_cents',
          'order_ledger_lines.unit_price_cents as order_unit_price_cents',
        ])
        .orderBy('invoice_lines.invoice_id')
        .orderBy('invoice_lines.line_number')
        .execute();
      const checks = new Map<string, InvoiceCheck>(
        headers.map((h) => [
          h.id,
          {
            invoiceId: h.id,
            issuedAt: h.issued_at,
            subtotalCents: Number(h.subtotal_cents),
            taxRegion: h.tax_region,
            taxRateBps: Number(h.tax_rate_bps),
            taxCents: Number(h.tax_cents),
            totalCents: Number(h.total_cents),
            orderShipToRegion: h.ship_to_region ?? null,
            lines: [],
          },
        ]),
      );
      for (const line of lines) {
        checks.get(line.invoice_id)?.lines.push({
          quantity: Number(line.quantity),
          unitPriceCents: Number(line.unit_price_cents),
          extendedCents: Number(line.extended_cents),
          orderUnitPriceCents:
            line.order_unit_price_cents == null ? null : Number(line.order_unit_price_cents),
        });
      }
      return [...checks.values()];
    },

    async unappliedCash(asOf) {
      const rows = await db
        .selectFrom('payments')
        .select([
          'currency',
          sql<number>`sum(payments.amount_cents - coalesce((select sum(a.amount_cents) from payment_applications a where a.payment_id = payments.id and a.applied_at < ${asOf}), 0))`.as(
            'cents',
          ),
        ])
        .where('received_at', '<', asOf)
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, cents: Number(row.cents) }));
    },

    async countDisputedInvoices(window) {
      const row = await db
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('disputed_at', '>=', window.from)
        .where('disputed_at', '<', window.to)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
