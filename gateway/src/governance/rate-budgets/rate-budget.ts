/**
 * Rate budgets: per consumer, how many requests and how much cost it may spend per window, from
 * one second to a calendar month (rate-windows.ts), shared by every gateway replica through the
 * governance store by leasing budget in chunks (budget-lease.ts: never more than the limit in
 * total; no store round trip per request). Requests are counted before any GraphQL work; cost is
 * charged once the operation is resolved and priced (limits/operation-limits.ts), before it runs.
 * A refusal is HTTP 429 with Retry-After and RATE_LIMITED. The same counters are the showback:
 * `GET /admin/consumers/:id/budget` reports what each rule's current window has used.
 */
import type { GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import { chunkSize, LeasedBudget, StoreUnavailableError } from './budget-lease';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
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
}

export interface RateBudgetDeps {
  store: GovernanceStore;
  /** The clock (tests move it). Default Date.now. */
  now?: () => number;
  /** The consumers of the config, for the showback route. Default: none known. */
  findConsumer?: (id: string) => Pick<Consumer, 'id' | 'tier'> | null | undefined;
  /** Told when the store fails and the module degrades (for logs and metrics). */
  onStoreUnavailable?: (error: unknown) => void;
}

export const RATE_BUDGET_DEFAULTS = { leaseSize: 0.05, onStoreUnavailable: 'local' } as const;

export type RateMeasure = 'requests' | 'cost';

export interface RateRule {
  window: RateWindow;
  measure: RateMeasure;
  limit: number;
}

/** A counter outlives its window by this much, so a showback read at the boundary still finds it. */
const COUNTER_GRACE_SECONDS = 60;

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

interface Decision {
  rule: RateRule;
  span: WindowSpan;
  admitted: boolean;
  remaining: number;
}

export type RateBudgetModule = GovernanceModule & {
  /** The rules that apply to a consumer. */
  rulesFor(consumer: Pick<Consumer, 'id' | 'tier'>): RateRule[];
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
  const { store } = deps;
  const now = deps.now ?? Date.now;

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
    Map<RateRule, { span: WindowSpan; lease: LeasedBudget; usedWhileStoreAway: number }>
  >();
  function budgetOf(consumerId: string, rule: RateRule, at: number) {
    let ofConsumer = budgets.get(consumerId);
    if (!ofConsumer) budgets.set(consumerId, (ofConsumer = new Map()));
    let budget = ofConsumer.get(rule);
    if (!budget || at >= budget.span.end || at < budget.span.start) {
      const span = windowAt(rule.window, at);
      const ttl = secondsUntilEnd(span, at) + COUNTER_GRACE_SECONDS;
      budget = {
        span,
        lease: new LeasedBudget(
          store,
          budgetKey(consumerId, rule, span),
          rule.limit,
          chunkSize(rule.limit, leaseSize),
          ttl,
        ),
        usedWhileStoreAway: 0,
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
    if (admitted !== null)
      return { rule, span: budget.span, admitted, remaining: budget.lease.remaining() };
    return reserveAndTake(budget, rule, amount);
  }

  async function reserveAndTake(
    budget: ReturnType<typeof budgetOf>,
    rule: RateRule,
    amount: number,
  ): Promise<Decision> {
    try {
      const admitted = await budget.lease.take(amount);
      return { rule, span: budget.span, admitted, remaining: budget.lease.remaining() };
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
      return {
        rule,
        span: budget.span,
        admitted,
        remaining: Math.max(0, rule.limit - budget.usedWhileStoreAway),
      };
    }
  }

  /** Charges `amount` to every rule of `measure`; the refusal, if any, names the rule whose window ends last. Synchronous when every rule is decided locally. */
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
      if (decision instanceof Promise) return Promise.all(decisions).then(admittedOrRefused);
    return admittedOrRefused(decisions as Decision[]);
  }

  function admittedOrRefused(decisions: Decision[]): Decision[] {
    let refused: Decision | undefined;
    for (const decision of decisions)
      if (!decision.admitted && (!refused || decision.span.end > refused.span.end))
        refused = decision;
    if (refused) throw rateLimited(refused, now());
    return decisions;
  }

  function reportTightest(decisions: Decision[], responseHeaders: Record<string, string>): void {
    // The tightest rule is the one a client should pace itself by.
    let tightest: Decision | undefined;
    for (const decision of decisions)
      if (!tightest || decision.remaining < tightest.remaining) tightest = decision;
    if (!tightest) return;
    responseHeaders['RateLimit-Limit'] = String(tightest.rule.limit);
    responseHeaders['RateLimit-Remaining'] = String(tightest.remaining);
    responseHeaders['RateLimit-Reset'] = String(secondsUntilEnd(tightest.span, now()));
  }

  return {
    name: 'rate-budget',
    rulesFor,
    onRequest({ context, responseHeaders }) {
      if (!context.consumer) return;
      const decisions = charge(context.consumer, 'requests', 1);
      if (decisions instanceof Promise)
        return decisions.then((decided) => reportTightest(decided, responseHeaders));
      reportTightest(decisions, responseHeaders);
    },
    operation: {
      // After every didResolveOperation (the cost is known) and before execution; a refusal is answered here.
      responseForOperation(request): GraphQLResponse | null | Promise<GraphQLResponse | null> {
        const { consumer, governance } = request.contextValue;
        if (!consumer) return null;
        try {
          const decisions = charge(consumer, 'cost', governance.cost ?? 0);
          return decisions instanceof Promise ? decisions.then(() => null, refusalOrRethrow) : null;
        } catch (error) {
          return refusalOrRethrow(error);
        }
      },
    },
    adminRoutes(admin: FastifyInstance) {
      admin.get<{ Params: { id: string } }>('/consumers/:id/budget', async (request, reply) => {
        const consumer = deps.findConsumer?.(request.params.id);
        if (!consumer) {
          return reply.code(404).send({
            errors: [
              {
                message: `No consumer "${request.params.id}" is configured.`,
                extensions: { code: GovernanceCode.NOT_FOUND },
              },
            ],
          });
        }
        const at = now();
        try {
          const rules = await Promise.all(
            rulesFor(consumer).map(async (rule) => {
              const span = windowAt(rule.window, at);
              const used = Math.min(
                rule.limit,
                await store.counter(budgetKey(consumer.id, rule, span)),
              );
              return {
                window: rule.window.text,
                measure: rule.measure,
                limit: rule.limit,
                used,
                remaining: rule.limit - used,
                windowStart: new Date(span.start).toISOString(),
                windowEnd: new Date(span.end).toISOString(),
              };
            }),
          );
          return reply.send({ consumer: consumer.id, tier: consumer.tier, rules });
        } catch {
          return reply.code(503).send({
            errors: [
              {
                message: 'the governance store did not answer; try again',
                extensions: { code: GovernanceCode.STORE_UNAVAILABLE },
              },
            ],
          });
        }
      });
    },
  };
}

function rateLimited({ rule, span }: Decision, at: number): GovernanceError {
  const retryAfter = secondsUntilEnd(span, at);
  const what = rule.measure === 'requests' ? `${rule.limit} requests` : `a cost of ${rule.limit}`;
  return new GovernanceError(
    GovernanceCode.RATE_LIMITED,
    `Rate limit reached: at most ${what} per ${rule.window.text} window; retry after ${retryAfter} s.`,
    {
      status: 429,
      headers: { 'Retry-After': String(retryAfter) },
      details: { window: rule.window.text, measure: rule.measure, limit: rule.limit, retryAfter },
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
