import type { TaxRateChange } from './store';

/**
 * The rate of `region` in force at `at`: the rate the first change after `at` replaced, or the
 * current rate when it has not changed since. Null when the region had no rate then.
 * `changes` are every change of the region, oldest first.
 */
export function rateInForce(
  currentRateBps: number | null,
  changes: readonly TaxRateChange[],
  at: string,
): number | null {
  // changed_at and issued_at are ISO-8601 UTC strings of fixed shape: string order is time order.
  const nextChange = changes.find((change) => change.changedAt > at);
  return nextChange ? nextChange.previousRateBps : currentRateBps;
}
