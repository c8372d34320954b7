import type { CustomerRow } from '@switchyard/customers/src/migrations';
import { DAY_MS, HOUR_MS } from './clock';
import type { Random } from './random';

/** How a customer's buyers and accounts-payable team behave, decided once per customer. */
export function customerHabits(random: Random, customer: CustomerRow) {
  const poPrefix = random.pick(['PO-', 'PO', `${customer.account_number}-`, '']);
  const poDigits = random.int(5, 8);
  // Many accounts-payable teams pay once a week on a fixed weekday (at 15:00 UTC): invoices due
  // in the same week are settled by one payment. Others pay each invoice on its own.
  const runWeekday =
    customer.payment_terms !== 'COD' && random.chance(0.6) ? random.pick([2, 4, 5]) : null;
  return {
    poNumber: () => `${poPrefix}${random.digits(poDigits)}`,
    paymentRun: (at: number): number => {
      if (runWeekday === null) return at;
      const day = new Date(at);
      const runDay =
        Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) + 15 * HOUR_MS;
      const daysAhead = (runWeekday - day.getUTCDay() + 7) % 7;
      const run = runDay + daysAhead * DAY_MS;
      return run >= at ? run : run + 7 * DAY_MS;
    },
  };
}
