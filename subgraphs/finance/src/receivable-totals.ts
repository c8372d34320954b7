import { money, type Money } from '@switchyard/kit';
import type {
  AgedReceivables,
  Invoice,
  InvoiceSettlement,
  ReservedCredit,
  UninvoicedOrders,
} from './store';

/**
 * The arithmetic of accounts receivable, on rows the store has read: what an invoice still owes,
 * what a customer owes in total, by age, and with its uninvoiced orders.
 */

/** The currency of the zero amounts of a customer without receivables (every account is single-currency). */
export const LEDGER_CURRENCY = 'USD';

/** Total less what payments applied and credit memos took off; a VOID invoice owes nothing. */
export function invoiceBalanceCents(
  invoice: Invoice,
  settled: Pick<InvoiceSettlement, 'paidCents' | 'creditedCents'>,
): number {
  return invoice.status === 'VOID'
    ? 0
    : invoice.totalCents - settled.paidCents - settled.creditedCents;
}

export interface ArAging {
  asOf: string;
  current: Money;
  days1To30: Money;
  days31To60: Money;
  days61To90: Money;
  over90: Money;
  total: Money;
}

export function agingOf(
  customerId: string,
  receivables: readonly AgedReceivables[],
  asOf: string,
): ArAging {
  const currency = currencyOf(customerId, receivables);
  const buckets = receivables[0] ? bucketCents(receivables[0]) : [0, 0, 0, 0, 0];
  const [current, days1To30, days31To60, days61To90, over90] = buckets.map((cents) =>
    money(cents, currency),
  );
  return {
    asOf,
    current,
    days1To30,
    days31To60,
    days61To90,
    over90,
    total: money(sumCents(buckets), currency),
  };
}

/** What the customer owes on its open invoices, whatever their age. */
export function openBalanceOf(customerId: string, receivables: readonly AgedReceivables[]): Money {
  return money(sumCents(receivables.flatMap(bucketCents)), currencyOf(customerId, receivables));
}

/**
 * Open receivables, accepted orders not yet invoiced and credit reserved by orders being placed: what
 * credit control weighs against the limit, and what the next order's reservation is checked against.
 */
export function creditExposureOf(
  customerId: string,
  receivables: readonly AgedReceivables[],
  uninvoiced: readonly UninvoicedOrders[],
  reserved: readonly ReservedCredit[] = [],
): Money {
  const openBalance = openBalanceOf(customerId, receivables);
  const currency = currencyOf(customerId, [...receivables, ...uninvoiced, ...reserved]);
  return money(
    openBalance.cents +
      sumCents(uninvoiced.map((o) => o.uninvoicedCents)) +
      sumCents(reserved.map((r) => r.reservedCents)),
    currency,
  );
}

/** The part of exposure reserved by orders being placed (ACTIVE credit reservations). */
export function reservedCreditOf(customerId: string, reserved: readonly ReservedCredit[]): Money {
  return money(sumCents(reserved.map((r) => r.reservedCents)), currencyOf(customerId, reserved));
}

const bucketCents = (r: AgedReceivables) => [
  r.currentCents,
  r.days1To30Cents,
  r.days31To60Cents,
  r.days61To90Cents,
  r.over90Cents,
];

function sumCents(amounts: readonly number[]): number {
  return amounts.reduce((sum, cents) => sum + cents, 0);
}

/** Adding amounts of different currencies would be wrong; a customer holding several is a broken ledger, not bad input. */
function currencyOf(customerId: string, rows: readonly { currency: string }[]): string {
  const currencies = new Set(rows.map((r) => r.currency));
  if (currencies.size > 1)
    throw new Error(
      `customer ${customerId} has receivables in several currencies: ${[...currencies].join(', ')}`,
    );
  return rows[0]?.currency ?? LEDGER_CURRENCY;
}
