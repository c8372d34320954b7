import { badUserInput } from './errors';

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

/** A non-negative decimal amount in major units with at most two decimals: "12", "12.5", "12.50". */
const TYPED_AMOUNT = /^(\d{1,12})(?:\.(\d{1,2}))?$/;
/** A Money amount as subgraphs print it (formatCents): "-0.05", "1234.56". */
const MONEY_AMOUNT = /^(-?)(\d+)\.(\d{2})$/;

/**
 * An amount the caller typed (a decimal string of major units), in cents; anything else (a sign, an
 * exponent, a thousands separator, more than two decimals) is BAD_USER_INPUT naming `argument`.
 */
export function parseAmountCents(text: string, argument: string): number {
  const match = TYPED_AMOUNT.exec(text.trim());
  if (!match)
    throw badUserInput(
      `${argument} must be a decimal amount with at most two decimals, like "12.50", got ${JSON.stringify(text)}`,
      argument,
    );
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The amount of a Money another subgraph answered, in cents; it is theirs, so a malformed one is a broken dependency (throws). */
export function centsOfMoney(amount: string): number {
  const match = MONEY_AMOUNT.exec(amount);
  if (!match) throw new Error(`not a Money amount: ${JSON.stringify(amount)}`);
  const cents = Number(match[2]) * 100 + Number(match[3]);
  return match[1] ? -cents : cents;
}
