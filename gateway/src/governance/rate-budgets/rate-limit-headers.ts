/**
 * What a response tells its consumer about its budgets, in the two places a client looks:
 *
 * Headers, as draft-ietf-httpapi-ratelimit-headers-10 (September 2025) names and writes them
 * (Structured Field lists, one item per policy):
 *   RateLimit-Policy: "requests-1s";q=100;w=1;qu="request", "cost-month";q=10000000;w=2592000;qu="cost"
 *   RateLimit: "requests-1s";r=99;t=1, "cost-month";r=9985400;t=2160000
 * `q` the limit, `w` the window in seconds (a calendar month's actual length), `r` what is left,
 * `t` seconds until the window ends. One item per measure: the consumer's tightest rule of that
 * measure (least left). "cost" is not one of the draft's registered quota units (request,
 * content-bytes, concurrent-requests), so a client that knows only those can skip that item.
 *
 * `extensions.cost` of the GraphQL response (executed or refused):
 *   { requested: 14600, budget: { window: "month", limit, remaining, resetSeconds } | null }
 * `requested` the operation's cost; `budget` the tightest cost rule after the charge (before it, on
 * a refusal: what was left, less than requested); null when the consumer has no cost budget.
 */
import type { RateMeasure, RateRule } from './rate-budget';
import { secondsUntilEnd, type WindowSpan } from './rate-windows';

/** A rule's state in its current window, as one request left it. */
export interface BudgetState {
  rule: RateRule;
  span: WindowSpan;
  remaining: number;
}

/** `extensions.cost` of a GraphQL response. */
export interface CostExtension {
  requested: number;
  budget: { window: string; limit: number; remaining: number; resetSeconds: number } | null;
}

const QUOTA_UNITS: Record<RateMeasure, string> = { requests: 'request', cost: 'cost' };

/** The draft's policy name of a rule: `requests-1s`, `cost-month`. */
export function policyName(rule: RateRule): string {
  return `${rule.measure}-${rule.window.text}`;
}

/** The state with the least left: the one a client should pace itself by. */
export function tightestOf<T extends { remaining: number }>(states: readonly T[]): T | undefined {
  let tightest: T | undefined;
  for (const state of states)
    if (!tightest || state.remaining < tightest.remaining) tightest = state;
  return tightest;
}

/** `RateLimit-Policy` and `RateLimit` for the given states (the tightest of each measure); {} for none. */
export function rateLimitHeaders(
  states: readonly BudgetState[],
  now: number,
): Record<string, string> {
  if (states.length === 0) return {};
  const policies = states.map(({ rule, span }) => {
    const windowSeconds = Math.round((span.end - span.start) / 1_000);
    return `"${policyName(rule)}";q=${rule.limit};w=${windowSeconds};qu="${QUOTA_UNITS[rule.measure]}"`;
  });
  const limits = states.map(
    ({ rule, span, remaining }) =>
      `"${policyName(rule)}";r=${Math.max(0, Math.floor(remaining))};t=${secondsUntilEnd(span, now)}`,
  );
  return { 'RateLimit-Policy': policies.join(', '), RateLimit: limits.join(', ') };
}

/** `extensions.cost` for an operation of cost `requested` and its tightest cost rule, if any. */
export function costExtension(
  requested: number,
  tightest: BudgetState | undefined,
  now: number,
): CostExtension {
  return {
    requested,
    budget: tightest
      ? {
          window: tightest.rule.window.text,
          limit: tightest.rule.limit,
          remaining: Math.max(0, Math.floor(tightest.remaining)),
          resetSeconds: secondsUntilEnd(tightest.span, now),
        }
      : null,
  };
}
