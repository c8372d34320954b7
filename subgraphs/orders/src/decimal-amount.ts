import { badUserInput } from '@switchyard/kit/src/errors';

/** A non-negative decimal amount in major units with at most two decimals: "12", "12.5", "12.50". */
const AMOUNT = /^(\d{1,12})(?:\.(\d{1,2}))?$/;
/** A Money amount as subgraphs print it (kit formatCents): "-0.05", "1234.56". */
const MONEY_AMOUNT = /^(-?)(\d+)\.(\d{2})$/;

/** An amount the caller typed, in cents; BAD_USER_INPUT naming `argument` when it is not one. */
export function parseAmountCents(value: string, argument: string): number {
  const match = AMOUNT.exec(value.trim());
  if (!match) throw badUserInput(`${argument} must be a decimal amount like "12.50", got ${JSON.stringify(value)}`, argument);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A Money amount another subgraph answered, in cents; it is theirs, so a malformed one is a broken dependency (throws). */
export function centsOfMoney(amount: string): number {
  const match = MONEY_AMOUNT.exec(amount);
  if (!match) throw new Error(`not a Money amount: ${JSON.stringify(amount)}`);
  const cents = Number(match[2]) * 100 + Number(match[3]);
  return match[1] ? -cents : cents;
}
