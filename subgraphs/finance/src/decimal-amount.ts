import { badUserInput, parseAmountCents } from '@switchyard/kit';

/** The most an amount of one command may be: far above any real payment, far below where cents stop being exact. */
const MAX_AMOUNT_CENTS = 1_000_000_000_00;

/**
 * A decimal string of major units ("1250", "1250.5", "1250.50") as integer cents (kit parseAmountCents);
 * zero, or more than finance accepts, is BAD_USER_INPUT naming `argument` too.
 */
export function parsePositiveAmountCents(text: string, argument: string): number {
  const cents = parseAmountCents(text, argument);
  if (cents <= 0)
    throw badUserInput(
      `${argument} must be greater than zero, got ${JSON.stringify(text)}`,
      argument,
    );
  if (cents > MAX_AMOUNT_CENTS)
    throw badUserInput(`${argument} is larger than any amount finance accepts`, argument);
  return cents;
}
