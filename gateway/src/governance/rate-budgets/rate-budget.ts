/**
 * Rate budgets: per consumer, how many requests and how much cost it may spend per window, from
 * one second to a calendar month (rate-windows.ts), shared by every gateway replica through the
 * governance store by leasing budget in chunks (budget-lease.ts: never more than the limit in
 * total; no store round trip per request). Requests are counted before any GraphQL work; cost is
 * charged once the operation is resolved and priced (limits/operation-limits.ts), before it runs.
 * A refusal is HTTP 429 with Retry-After and RATE_LIMITED. Every response says what is left
 * (rate-limit-headers.ts: RateLimit-Policy / RateLimit headers, `extensions.cost`), from what the
 * leases already know. The same counters are the showback, and an operator resets or tops them up
 * (budget-admin-routes.ts); a consumer crossing `warnAt` of a long window is reported once.
 */
import type { GraphQLRequestContextWillSendResponse, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../../context';
import { registerBudgetAdminRoutes, type BudgetAdminAction } from './budget-admin-routes';
import { chunkSize, LeasedBudget, StoreUnavailableError } from './budget-lease';
import { crossesWarning, type BudgetWarning } from './budget-warnings';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import {
  costExtension,
  rateLimitHeaders,
  tightestOf,
  type BudgetState,
} from './rate-limit-headers';
import {
  parseWindow,
  secondsUntilEnd,
  windowAt,
  type RateWindow,
  type WindowSpan,
} from './rate-windows';
import type { GovernanceStore } from '../store/governance-store';

/** One budget: at most `requests` requests, or `cost` total operation cost, per `window`. */
/** A rule as the config states it: exactly one of `requests` and `cost` (parseRules checks). */
export type RateRuleConfig = { window: string; requests?: number; cost?: number };

/** What the gateway does with rate budgets while the store does not answer. */
export const STORE_UNAVAILABLE_MODES = ['local', 'allow', 'deny'] as const;
export type StoreUnavailableMode = (typeof STORE_UNAVAILABLE_MODES)[number];

export interface RateBudgetOptions {
  /** The rules of each rate tier (the consumer's `tier`). A consumer whose tier is not listed has no budget. */
  tiers: Record<string, RateRuleConfig[]>;
  /** Per-consumer rules; each replaces the tier's rule of the same window and measure. Default none. */
  consumers?: Record<string, RateRuleConfig[]>;
  /** Fraction of a window's limit a replica reserves from the store at a time (at least 1 unit). Default 0.05. */
  leaseSize?: number;
  /**
   * While the store does not answer: `local` enforces each rule's full limit in this replica's
   * memory (n replicas admit up to n × limit), `allow` admits everything, `deny` refuses with 503
   * SERVICE_UNAVAILABLE. A chunk already leased is spent first in every mode, and what `local` or
   * `allow` admitted is added to the shared counter when the store answers again. Default `local`.
   */
  onStoreUnavailable?: StoreUnavailableMode;
  /**
   * Fraction of a window's limit whose use is reported once per window occurrence (a log line and
   * a metric through `deps.onWarning`); windows shorter than an hour pace and are not reported.
   * Default none.
   */
  warnAt?: number;
  /** How often a replica that saw a window exhausted reads its counter again (an operator may have reset it elsewhere), ms. Default 5000. */
  exhaustedRecheckMs?: number;
}

export interface RateBudgetDeps {
  store: GovernanceStore;
  /** The clock (tests move it). Default Date.now. */
  now?: () => number;
  /** The consumers of the config, for the showback route. Default: none known. */
  findConsumer?: (id: string) => Pick<Consumer, 'id' | 'tier'> | null | undefined;
  /** Told when the store fails and the module degrades (for logs and metrics). */
  onStoreUnavailable?: (error: unknown) => void;
  /** Told once per window occurrence (per replica) that a consumer used `warnAt` of a rule's limit. */
  onWarning?: (warning: BudgetWarning) => void;
  /** Records an operator's reset or top-up (the audit log); awaited before the route answers. */
  recordAdminAction?: (action: BudgetAdminAction) => Promise<void>;
}

export const RATE_BUDGET_DEFAULTS = {
  leaseSize: 0.05,
  onStoreUnavailable: 'local',
  exhaustedRecheckMs: 5_000,
} as const;

export type RateMeasure = 'requests' | 'cost';

export interface RateRule {
  window: RateWindow;
  measure: RateMeasure;
  limit: number;
}

/** A counter outlives its window by this much, so a showback read at the boundary still finds it. */
const COUNTER_GRACE_SECONDS = 60;

/** The store counter of a rule's window occurrence lives this long from `at`. */
export function counterTtlSeconds(span: WindowSpan, at: number): number {
  return secondsUntilEnd(span, at) + COUNTER_GRACE_SECONDS;
}

/** What this request learned about its consumer's budgets (GovernanceState.rateBudget), for the response. */
export interface RateBudgetReport {
  /** The tightest requests rule after this request was counted. */
  requests?: BudgetState;
  /** The operation's cost and the tightest cost rule after it was charged (on a refusal: before). */
  cost?: { requested: number; tightest?: BudgetState };
}

/** Validates rules from the config; an error names the rule and what is wrong with it. */
export function parseRules(rules: RateRuleConfig[], where: string): RateRule[] {
  return rules.map((rule, index) => {
    const at = `${where}[${index}]`;
    const measures = (['requests', 'cost'] as const).filter(
      (measure) => rule[measure] !== undefined,
    );
    if (measures.length !== 1) throw new Error(`${at}: give exactly one of "requests" and "cost"`);
    const limit = rule[measures[0]]!;
    if (!Number.isInteger(limit) || limit < 0)
      throw new Error(`${at}: ${measures[0]} must be a whole number ≥ 0, got ${limit}`);
    try {
      return { window: parseWindow(rule.window), measure: measures[0], limit };
    } catch (error) {
      throw new Error(`${at}: ${(error as Error).message}`, { cause: error });
    }
  });
}

/** The tier's rules with the consumer's overrides, each replacing the rule of the same window and measure. */
export function rulesWithOverrides(tierRules: RateRule[], overrides: RateRule[]): RateRule[] {
  const identity = (rule: RateRule) => `${rule.measure}:${rule.window.text}`;
  const replaced = new Set(overrides.map(identity));
  return [...tierRules.filter((rule) => !replaced.has(identity(rule))), ...overrides];
}

/** The store key of one consumer's counter for one rule in one window occurrence. */
export function budgetKey(consumerId: string, rule: RateRule, span: WindowSpan): string {
  return `rate:${consumerId}:${rule.measure}:${span.key}`;
}

interface Decision extends BudgetState {
  admitted: boolean;
}

/** An operator's change to a rule's current window: start it afresh, or add to what is left. */
export type BudgetAdjustment = { kind: 'reset' } | { kind: 'top-up'; amount: number };

export type RateBudgetModule = GovernanceModule & {
  /** The rules that apply to a consumer. */
  rulesFor(consumer: Pick<Consumer, 'id' | 'tier'>): RateRule[];
  /**
   * Applies an operator's change to the consumer's counter of `rule` in the current window (in the
   * store, so every replica sees it) and rebases this replica's lease; answers the counter before
   * and after. Throws what the store throws.
   */
  adjust(
    consumerId: string,
    rule: RateRule,
    adjustment: BudgetAdjustment,
  ): Promise<{ before: number; after: number }>;
};

export function createRateBudgetModule(
  options: RateBudgetOptions,
  deps: RateBudgetDeps,
): RateBudgetModule {
  const leaseSize = options.leaseSize ?? RATE_BUDGET_DEFAULTS.leaseSize;
  if (!(leaseSize > 0 && leaseSize <= 1))
    throw new Error(`rateBudgets.leaseSize must be more than 0 and at most 1, got ${leaseSize}`);
  const storeUnavailableMode =
    options.onStoreUnavailable ?? RATE_BUDGET_DEFAULTS.onStoreUnavailable;
  if (!STORE_UNAVAILABLE_MODES.includes(storeUnavailableMode))
    throw new Error(
      `rateBudgets.onStoreUnavailable must be one of ${STORE_UNAVAILABLE_MODES.join(', ')}`,
    );
  const tierRules = new Map(
    Object.entries(options.tiers).map(([tier, rules]) => [
      tier,
      parseRules(rules, `rateBudgets.tiers.${tier}`),
    ]),
  );
  const consumerRules = new Map(
    Object.entries(options.consumers ?? {}).map(([id, rules]) => [
      id,
      parseRules(rules, `rateBudgets.consumers.${id}`),
    ]),
  );
  const warnAt = options.warnAt;
  if (warnAt !== undefined && !(warnAt > 0 && warnAt <= 1))
    throw new Error(`rateBudgets.warnAt must be more than 0 and at most 1, got ${warnAt}`);
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const recheck = {
    now,
    intervalMs: options.exhaustedRecheckMs ?? RATE_BUDGET_DEFAULTS.exhaustedRecheckMs,
  };

  // A consumer's rules, all and by measure, derived once (a request charges one measure's rules).
  // By tier, then consumer id: no key string per request (a token's consumer is a new object each time).
  const rulesByTier = new Map<string, Map<string, Record<'all' | RateMeasure, RateRule[]>>>();
  function rulesOf(
    consumer: Pick<Consumer, 'id' | 'tier'>,
  ): Record<'all' | RateMeasure, RateRule[]> {
    let ofTier = rulesByTier.get(consumer.tier);
    if (!ofTier) rulesByTier.set(consumer.tier, (ofTier = new Map()));
    let rules = ofTier.get(consumer.id);
    if (!rules) {
      const all = rulesWithOverrides(
        tierRules.get(consumer.tier) ?? [],
        consumerRules.get(consumer.id) ?? [],
      );
      rules = {
        all,
        requests: all.filter((rule) => rule.measure === 'requests'),
        cost: all.filter((rule) => rule.measure === 'cost'),
      };
      ofTier.set(consumer.id, rules);
    }
    return rules;
  }
  const rulesFor = (consumer: Pick<Consumer, 'id' | 'tier'>): RateRule[] => rulesOf(consumer).all;

  /** This replica's state of each consumer's rule (keyed by the rule object rulesFor hands out), in its current window occurrence only. */
  const budgets = new Map<
    string,
    Map<
      RateRule,
      { span: WindowSpan; lease: LeasedBudget; usedWhileStoreAway: number; warned: boolean }
    >
  >();
  function budgetOf(consumerId: string, rule: RateRule, at: number) {
    let ofConsumer = budgets.get(consumerId);
    if (!ofConsumer) budgets.set(consumerId, (ofConsumer = new Map()));
    let budget = ofConsumer.get(rule);
    if (!budget || at >= budget.span.end || at < budget.span.start) {
      const span = windowAt(rule.window, at);
      budget = {
        span,
        lease: new LeasedBudget(
          store,
          budgetKey(consumerId, rule, span),
          rule.limit,
          chunkSize(rule.limit, leaseSize),
          counterTtlSeconds(span, at),
          recheck,
        ),
        usedWhileStoreAway: 0,
        warned: false,
      };
      ofConsumer.set(rule, budget);
    }
    return budget;
  }

  /** Decided from this replica's grant when it can be (most requests: no promise), else by asking the store. */
  function take(
    consumerId: string,
    rule: RateRule,
    amount: number,
    at: number,
  ): Decision | Promise<Decision> {
    const budget = budgetOf(consumerId, rule, at);
    const admitted = budget.lease.tryTake(amount);
    if (admitted !== null) return decided(consumerId, budget, rule, admitted);
    return reserveAndTake(consumerId, budget, rule, amount);
  }

  /** The decision, reporting the first time in this window occurrence that use crossed `warnAt`. */
  function decided(
    consumerId: string,
    budget: ReturnType<typeof budgetOf>,
    rule: RateRule,
    admitted: boolean,
    remaining = budget.lease.remaining(),
  ): Decision {
    if (warnAt !== undefined && !budget.warned && crossesWarning(rule, remaining, warnAt)) {
      budget.warned = true;
      deps.onWarning?.({
        consumer: consumerId,
        window: rule.window.text,
        measure: rule.measure,
        limit: rule.limit,
        remaining,
        warnAt,
      });
    }
    return { rule, span: budget.span, admitted, remaining };
  }

  async function reserveAndTake(
    consumerId: string,
    budget: ReturnType<typeof budgetOf>,
    rule: RateRule,
    amount: number,
  ): Promise<Decision> {
    try {
      const admitted = await budget.lease.take(amount);
      return decided(consumerId, budget, rule, admitted);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      deps.onStoreUnavailable?.(error.cause ?? error);
      if (storeUnavailableMode === 'deny') {
        throw new GovernanceError(
          GovernanceCode.SERVICE_UNAVAILABLE,
          'Rate budgets cannot be checked right now; retry shortly.',
          { status: 503, headers: { 'Retry-After': '1' } },
        );
      }
      const admitted =
        storeUnavailableMode === 'allow' || budget.usedWhileStoreAway + amount <= rule.limit;
      if (admitted) {
        budget.usedWhileStoreAway += amount;
        // Counted in the shared budget once the store is back.
        budget.lease.owe(amount);
      }
      return decided(
        consumerId,
        budget,
        rule,
        admitted,
        Math.max(0, rule.limit - budget.usedWhileStoreAway),
      );
    }
  }

  /** Charges `amount` to every rule of `measure`. Synchronous when every rule is decided locally. */
  function charge(
    consumer: Consumer,
    measure: RateMeasure,
    amount: number,
  ): Decision[] | Promise<Decision[]> {
    const at = now();
    const decisions = rulesOf(consumer)[measure].map((rule) => take(consumer.id, rule, amount, at));
    for (const decision of decisions)
      // Some decisions may be plain values; Promise.all takes both.
      // eslint-disable-next-line @typescript-eslint/await-thenable
      if (decision instanceof Promise) return Promise.all(decisions);
    return decisions as Decision[];
  }

  /** The refusal, if any: of the refusing rules, the one whose window ends last (Retry-After is honest). */
  function refusedOf(decisions: Decision[]): Decision | undefined {
    let refused: Decision | undefined;
    for (const decision of decisions)
      if (!decision.admitted && (!refused || decision.span.end > refused.span.end))
        refused = decision;
    return refused;
  }

  /** Counted: what the response reports, or the refusal (its headers say which rule refused). */
  function afterRequestCounted(
    decisions: Decision[],
    context: GatewayContext,
    responseHeaders: Record<string, string>,
  ): void {
    const refused = refusedOf(decisions);
    if (refused) throw rateLimited(refused, 1, now());
    const tightest = tightestOf(decisions);
    context.governance.rateBudget = { requests: tightest };
    Object.assign(responseHeaders, rateLimitHeaders(tightest ? [tightest] : [], now()));
  }

  /** Charged: the refusal response, or null to run the operation. */
  function afterCostCharged(
    decisions: Decision[],
    context: GatewayContext,
    requested: number,
  ): GraphQLResponse | null {
    const refused = refusedOf(decisions);
    (context.governance.rateBudget ??= {}).cost = {
      requested,
      tightest: refused ?? tightestOf(decisions),
    };
    return refused ? refusalResponse(rateLimited(refused, requested, now())) : null;
  }

  /** Headers and `extensions.cost` on every response the GraphQL phases send, refusals included. */
  function report(request: GraphQLRequestContextWillSendResponse<GatewayContext>): void {
    const reported = request.contextValue.governance.rateBudget;
    if (!reported) return;
    const at = now();
    const states = [reported.requests, reported.cost?.tightest].filter(
      (state): state is BudgetState => state !== undefined,
    );
    const { http, body } = request.response;
    for (const [name, value] of Object.entries(rateLimitHeaders(states, at)))
      http.headers.set(name.toLowerCase(), value);
    if (reported.cost && body.kind === 'single')
      body.singleResult.extensions = {
        ...body.singleResult.extensions,
        cost: costExtension(reported.cost.requested, reported.cost.tightest, at),
      };
  }

  async function adjust(
    consumerId: string,
    rule: RateRule,
    adjustment: BudgetAdjustment,
  ): Promise<{ before: number; after: number }> {
    const at = now();
    const span = windowAt(rule.window, at);
    const key = budgetKey(consumerId, rule, span);
    const before = await store.counter(key);
    // A decrement, not a write: reservations other replicas make meanwhile stay counted. What lies
    // above the limit (the unspendable tail of a last reservation) goes first, so a top-up adds exactly `amount`.
    const lowerBy =
      adjustment.kind === 'reset' ? before : Math.max(0, before - rule.limit) + adjustment.amount;
    const after = await store.increment(key, -lowerBy, counterTtlSeconds(span, at));
    const budget = budgetOf(consumerId, rule, at);
    if (budget.span.key === span.key) {
      budget.lease.rebase(after, { reset: adjustment.kind === 'reset' });
      if (adjustment.kind === 'reset') budget.usedWhileStoreAway = 0;
      // Crossing the threshold again after the operator's change is worth a new warning.
      budget.warned = false;
    }
    return { before, after };
  }

  return {
    name: 'rate-budget',
    rulesFor,
    adjust,
    onRequest({ context, responseHeaders }) {
      if (!context.consumer) return;
      const decisions = charge(context.consumer, 'requests', 1);
      if (decisions instanceof Promise)
        return decisions.then((decided) => afterRequestCounted(decided, context, responseHeaders));
      afterRequestCounted(decisions, context, responseHeaders);
    },
    operation: {
      // After every didResolveOperation (the cost is known) and before execution; a refusal is answered here.
      responseForOperation(request): GraphQLResponse | null | Promise<GraphQLResponse | null> {
        const { consumer, governance } = request.contextValue;
        if (!consumer) return null;
        const requested = governance.cost ?? 0;
        try {
          const decisions = charge(consumer, 'cost', requested);
          return decisions instanceof Promise
            ? decisions.then(
                (decided) => afterCostCharged(decided, request.contextValue, requested),
                refusalOrRethrow,
              )
            : afterCostCharged(decisions, request.contextValue, requested);
        } catch (error) {
          return refusalOrRethrow(error);
        }
      },
      willSendResponse: report,
    },
    adminRoutes(admin: FastifyInstance) {
      registerBudgetAdminRoutes(admin, {
        store,
        now,
        findConsumer: (id) => deps.findConsumer?.(id),
        rulesFor,
        adjust,
        recordAdminAction: deps.recordAdminAction,
      });
    },
  };
}

/** The refusal of `requested` by `refused`'s rule; its headers say which rule refused and what it has left. */
function rateLimited(refused: Decision, requested: number, at: number): GovernanceError {
  const { rule, span } = refused;
  const retryAfter = secondsUntilEnd(span, at);
  const remaining = Math.max(0, Math.floor(refused.remaining));
  const what =
    rule.measure === 'requests'
      ? `at most ${rule.limit} requests per ${rule.window.text} window`
      : `this operation costs ${requested} and ${remaining} of the cost budget of ${rule.limit} per ${rule.window.text} window is left`;
  return new GovernanceError(
    GovernanceCode.RATE_LIMITED,
    `Rate limit reached: ${what}; retry after ${retryAfter} s.`,
    {
      status: 429,
      headers: { 'Retry-After': String(retryAfter), ...rateLimitHeaders([refused], at) },
      details: {
        window: rule.window.text,
        measure: rule.measure,
        limit: rule.limit,
        requested,
        remaining,
        retryAfter,
      },
    },
  );
}

/** A refusal as the response Apollo Server sends instead of executing the operation. */
function refusalResponse(error: GovernanceError): GraphQLResponse {
  return {
    http: {
      status: error.status,
      headers: new HeaderMap(
        Object.entries(error.headers).map(([name, value]) => [name.toLowerCase(), value]),
      ),
    },
    body: { kind: 'single', singleResult: error.toResponseBody() },
  };
}

/** A rate refusal becomes the response; anything else is a failure and goes on. */
function refusalOrRethrow(error: unknown): GraphQLResponse {
  if (error instanceof GovernanceError) return refusalResponse(error);
  throw error;
}
