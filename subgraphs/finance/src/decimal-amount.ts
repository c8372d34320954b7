import { badUserInput } from '@switchyard/kit';

/** The most an amount of one command may be: far above any real payment, far below where cents stop being exact. */
const MAX_AMOUNT_CENTS = 1_000_000_000_00;

/**
 * A decimal string of major units ("1250", "1250.5", "1250.50") as integer cents; anything else
 * (a sign, an exponent, more than two decimals, zero) is BAD_USER_INPUT naming `argument`.
 */
export function parsePositiveAmountCents(text: string, argument: string): number {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw badUserInput(`${argument} must be a decimal amount with at most two decimals, like "1250.00", got ${JSON.stringify(text)}`, argument);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (cents <= 0) throw badUserInput(`${argument} must be greater than zero, got ${JSON.stringify(text)}`, argument);
  if (cents > MAX_AMOUNT_CENTS) throw badUserInput(`${argument} is larger than any amount finance accepts`, argument);
  return cents;
}
