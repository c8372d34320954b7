/**
 * Budget warnings: a consumer that has used `warnAt` (say 0.8) of a long window's limit is worth
 * telling before it is refused. Reported once per window occurrence per replica (rate-budget.ts
 * keeps the flag with the window's lease), as a log line and a metric now; the console and
 * webhooks are to use the same event later.
 */
import type { RateMeasure, RateRule } from './rate-budget';

/** One crossing of the warning threshold. */
export interface BudgetWarning {
  consumer: string;
  window: string;
  measure: RateMeasure;
  limit: number;
  /** Left in the window when the threshold was crossed (this replica's estimate). */
  remaining: number;
  warnAt: number;
}

/** Windows shorter than an hour pace requests: using most of a second's budget is ordinary traffic, not news. */
export const SHORTEST_WARNED_WINDOW_MS = 3_600_000;

/** True when `remaining` means the rule's use has reached `warnAt` of its limit (and the rule is one worth warning of). */
export function crossesWarning(rule: RateRule, remaining: number, warnAt: number): boolean {
  if (rule.window.kind === 'fixed' && rule.window.ms < SHORTEST_WARNED_WINDOW_MS) return false;
  return rule.limit > 0 && rule.limit - remaining >= warnAt * rule.limit;
}

/** The log line of a warning. */
export function warningMessage(warning: BudgetWarning): string {
  const used = warning.limit - warning.remaining;
  return (
    `consumer ${warning.consumer} has used ${used} of its ${warning.measure} budget of ` +
    `${warning.limit} per ${warning.window} (warned at ${Math.round(warning.warnAt * 100)}%)`
  );
}
