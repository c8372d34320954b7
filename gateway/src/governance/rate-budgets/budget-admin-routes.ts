/**
 * The rate budgets' admin routes (under /admin, behind governance:admin):
 *   GET  /consumers/:id/budget          what each rule's current window has used (the showback)
 *   POST /consumers/:id/budget/reset    {window?, measure?}: the matching rules' current windows
 *                                       start afresh (all rules without a window)
 *   POST /consumers/:id/budget/top-up   {window, amount, measure?}: `amount` more left in that
 *                                       rule's current window (measure needed when a window has both)
 * A change is made in the store (every replica sees it; budget-lease.ts says how leases follow),
 * recorded in the audit, and answered with the showback after it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceStore } from '../store/governance-store';
import { budgetKey, type BudgetAdjustment, type RateMeasure, type RateRule } from './rate-budget';
import { windowAt } from './rate-windows';
import { sendAdminError } from '../admin-error';

/** An operator's change of a consumer's budget, for the audit log. */
export interface BudgetAdminAction {
  action: 'budget.reset' | 'budget.top-up';
  /** The admin caller. */
  admin: Pick<Consumer, 'id' | 'principal'> | null;
  correlationId: string;
  /** The consumer whose budget changed. */
  consumer: string;
  changes: {
    window: string;
    measure: RateMeasure;
    amount?: number;
    usedBefore: number;
    usedAfter: number;
  }[];
}

export interface BudgetAdminDeps {
  store: GovernanceStore;
  now: () => number;
  findConsumer: (id: string) => Pick<Consumer, 'id' | 'tier'> | null | undefined;
  rulesFor: (consumer: Pick<Consumer, 'id' | 'tier'>) => RateRule[];
  adjust: (
    consumerId: string,
    rule: RateRule,
    adjustment: BudgetAdjustment,
  ) => Promise<{ before: number; after: number }>;
  recordAdminAction?: (action: BudgetAdminAction) => Promise<void>;
}

const MEASURES: readonly RateMeasure[] = ['requests', 'cost'];

/** What a counter means for its rule: used is capped at the limit; a top-up may leave more than the limit. */
function usedOf(rule: RateRule, counter: number): number {
  return Math.min(rule.limit, Math.max(0, counter));
}

/** Each rule's current window for `consumer`: its limit, what is used and what remains (GET /consumers/:id/budget, and a partner's own view). */
export async function budgetShowback(
  deps: Pick<BudgetAdminDeps, 'store' | 'now' | 'rulesFor'>,
  consumer: Pick<Consumer, 'id' | 'tier'>,
) {
  const at = deps.now();
  const rules = await Promise.all(
    deps.rulesFor(consumer).map(async (rule) => {
      const span = windowAt(rule.window, at);
      const counter = await deps.store.counter(budgetKey(consumer.id, rule, span));
      return {
        window: rule.window.text,
        measure: rule.measure,
        limit: rule.limit,
        used: usedOf(rule, counter),
        remaining: Math.max(0, rule.limit - counter),
        windowStart: new Date(span.start).toISOString(),
        windowEnd: new Date(span.end).toISOString(),
      };
    }),
  );
  return { consumer: consumer.id, tier: consumer.tier, rules };
}

export function registerBudgetAdminRoutes(admin: FastifyInstance, deps: BudgetAdminDeps): void {
  const showback = (consumer: Pick<Consumer, 'id' | 'tier'>) => budgetShowback(deps, consumer);

  /** The consumer, or a 404 sent. */
  function consumerOr404(id: string, reply: FastifyReply) {
    const consumer = deps.findConsumer(id);
    if (!consumer)
      void reply.code(404).send(
        new GovernanceError(GovernanceCode.NOT_FOUND, `No consumer "${id}" is configured.`, {
          status: 404,
        }).toResponseBody(),
      );
    return consumer;
  }

  /** Runs `work`, answering a refusal as itself and a store failure as 503. */
  async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
    try {
      return reply.send(await work());
    } catch (error) {
      return sendAdminError(reply, error);
    }
  }

  admin.get<{ Params: { id: string } }>('/consumers/:id/budget', async (request, reply) => {
    const consumer = consumerOr404(request.params.id, reply);
    if (!consumer) return reply;
    return answer(reply, () => showback(consumer));
  });

  for (const action of ['reset', 'top-up'] as const) {
    admin.post<{ Params: { id: string }; Body: unknown }>(
      `/consumers/:id/budget/${action}`,
      async (request, reply) => {
        const consumer = consumerOr404(request.params.id, reply);
        if (!consumer) return reply;
        return answer(reply, async () => {
          const { rules, adjustment } = parseChange(action, request.body, deps.rulesFor(consumer));
          const changes: BudgetAdminAction['changes'] = [];
          for (const rule of rules) {
            const { before, after } = await deps.adjust(consumer.id, rule, adjustment);
            changes.push({
              window: rule.window.text,
              measure: rule.measure,
              ...(adjustment.kind === 'top-up' ? { amount: adjustment.amount } : {}),
              usedBefore: usedOf(rule, before),
              usedAfter: usedOf(rule, after),
            });
          }
          await deps.recordAdminAction?.({
            action: `budget.${action}`,
            admin: request.adminConsumer ?? null,
            correlationId: request.correlationId,
            consumer: consumer.id,
            changes,
          });
          return { action: `budget.${action}`, changes, ...(await showback(consumer)) };
        });
      },
    );
  }
}

function badInput(message: string, argument: string): GovernanceError {
  return new GovernanceError(GovernanceCode.BAD_USER_INPUT, message, {
    status: 400,
    details: { argument },
  });
}

/** The rules a reset or top-up applies to, from its body; a 400 GovernanceError names what is wrong. */
export function parseChange(
  action: 'reset' | 'top-up',
  body: unknown,
  consumerRules: RateRule[],
): { rules: RateRule[]; adjustment: BudgetAdjustment } {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw badInput('the body must be a JSON object', 'body');
  const { window, measure, amount, ...unknown } = body as Record<string, unknown>;
  const [extra] = Object.keys(unknown);
  if (extra !== undefined) throw badInput(`unknown field "${extra}"`, extra);
  if (window !== undefined && typeof window !== 'string')
    throw badInput('"window" must be a string such as "month" or "1h"', 'window');
  if (measure !== undefined && !MEASURES.includes(measure as RateMeasure))
    throw badInput(`"measure" must be one of ${MEASURES.join(', ')}`, 'measure');
  let adjustment: BudgetAdjustment = { kind: 'reset' };
  if (action === 'top-up') {
    if (window === undefined) throw badInput('a top-up names its "window"', 'window');
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1)
      throw badInput('"amount" must be a whole number ≥ 1', 'amount');
    adjustment = { kind: 'top-up', amount };
  } else if (amount !== undefined) {
    throw badInput('a reset takes no "amount"', 'amount');
  }
  const rules = consumerRules.filter(
    (rule) =>
      (window === undefined || rule.window.text === window) &&
      (measure === undefined || rule.measure === measure),
  );
  const windows = consumerRules.map((rule) => `${rule.measure} per ${rule.window.text}`);
  if (rules.length === 0)
    throw badInput(
      `the consumer has no such budget (its budgets: ${windows.join(', ') || 'none'})`,
      'window',
    );
  if (action === 'top-up' && rules.length > 1)
    throw badInput(`the ${String(window)} window has several budgets: give "measure"`, 'measure');
  return { rules, adjustment };
}
