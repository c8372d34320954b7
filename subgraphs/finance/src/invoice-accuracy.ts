import { applyBasisPoints } from '@switchyard/kit';
import type { InvoiceCheck } from './store';

export interface InvoiceAccuracy {
  invoicesChecked: number;
  invoicesMatchingOrder: number;
  /** invoicesMatchingOrder / invoicesChecked; null when none was checked. */
  rate: number | null;
}

/**
 * Whether an invoice bills what its order says: it has lines, each at its order line's unit price
 * times the quantity shipped; the subtotal is their sum; it is taxed in the order's ship-to region at
 * the rate in force when it was issued (`rateAt`); and total = subtotal + tax.
 */
export function invoiceMatchesOrder(
  check: InvoiceCheck,
  rateAt: (region: string, at: string) => number | null,
): boolean {
  if (check.orderShipToRegion === null || check.lines.length === 0) return false;
  const linesMatch = check.lines.every(
    (line) =>
      line.orderUnitPriceCents !== null &&
      line.unitPriceCents === line.orderUnitPriceCents &&
      line.extendedCents === line.quantity * line.orderUnitPriceCents,
  );
  const subtotal = check.lines.reduce((sum, line) => sum + line.extendedCents, 0);
  const rate = rateAt(check.taxRegion, check.issuedAt);
  return (
    linesMatch &&
    subtotal === check.subtotalCents &&
    check.taxRegion === check.orderShipToRegion &&
    rate !== null &&
    check.taxRateBps === rate &&
    check.taxCents === applyBasisPoints(check.subtotalCents, rate) &&
    check.totalCents === check.subtotalCents + check.taxCents
  );
}

export function invoiceAccuracyOf(
  checks: readonly InvoiceCheck[],
  rateAt: (region: string, at: string) => number | null,
): InvoiceAccuracy {
  const matching = checks.filter((check) => invoiceMatchesOrder(check, rateAt)).length;
  return {
    invoicesChecked: checks.length,
    invoicesMatchingOrder: matching,
    rate: checks.length ? matching / checks.length : null,
  };
}
