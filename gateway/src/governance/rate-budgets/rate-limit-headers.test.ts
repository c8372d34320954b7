import { parseRules } from './rate-budget';
import { costExtension, rateLimitHeaders, tightestOf } from './rate-limit-headers';
import { windowAt } from './rate-windows';

const at = Date.parse('2026-11-15T12:30:00.400Z');
const [perSecond, perMonth] = parseRules(
  [
    { window: '1s', requests: 100 },
    { window: 'month', cost: 10_000_000 },
  ],
  'test',
);
const second = { rule: perSecond, span: windowAt(perSecond.window, at), remaining: 99 };
const month = { rule: perMonth, span: windowAt(perMonth.window, at), remaining: 9_985_400 };

describe('RateLimit headers (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  test('one list item per policy: q the limit, w the window in seconds (November has 30 days), r what is left, t seconds to its end', () => {
    expect(rateLimitHeaders([second, month], at)).toEqual({
      'RateLimit-Policy':
        '"requests-1s";q=100;w=1;qu="request", "cost-month";q=10000000;w=2592000;qu="cost"',
      RateLimit: '"requests-1s";r=99;t=1, "cost-month";r=9985400;t=1337400',
    });
  });

  test('what is left is a whole number, never negative; no state, no headers', () => {
    expect(rateLimitHeaders([{ ...month, remaining: -3.5 }], at).RateLimit).toBe(
      '"cost-month";r=0;t=1337400',
    );
    expect(rateLimitHeaders([], at)).toEqual({});
  });

  test('the tightest is the state with the least left', () => {
    expect(tightestOf([month, second, { ...second, remaining: 5 }])?.remaining).toBe(5);
    expect(tightestOf([])).toBeUndefined();
  });
});

describe('extensions.cost', () => {
  test('the operation cost and the tightest cost budget; null budget for a consumer without one', () => {
    expect(costExtension(14_600, month, at)).toEqual({
      requested: 14_600,
      budget: { window: 'month', limit: 10_000_000, remaining: 9_985_400, resetSeconds: 1_337_400 },
    });
    expect(costExtension(7, undefined, at)).toEqual({ requested: 7, budget: null });
  });
});
