/**
 * Money is held as integer minor units (cents) with its currency, never as a float,
 * and shown in the graph as a decimal string.
 */
export interface Money {
  cents: number;
  currency: string;
}

export function money(cents: number, currency = 'USD'): Money {
  return { cents, currency };
}

/** 12345 -> "123.45", -5 -> "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Rounds half away from zero, as invoices do: applies `basisPoints` (1/100 of a percent) to an amount. */
export function applyBasisPoints(cents: number, basisPoints: number): number {
  const raw = (cents * basisPoints) / 10_000;
  return Math.sign(raw) * Math.round(Math.abs(raw));
}
