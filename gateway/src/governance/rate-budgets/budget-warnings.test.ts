import { crossesWarning, warningMessage } from './budget-warnings';
import { parseRules } from './rate-budget';

const [month, hour, minute] = parseRules(
  [
    { window: 'month', cost: 1_000 },
    { window: '1h', requests: 100 },
    { window: '1m', requests: 100 },
  ],
  'test',
);

describe('budget warnings', () => {
  test('a window of an hour or more warns once its use reaches warnAt of the limit', () => {
    expect(crossesWarning(month, 201, 0.8)).toBe(false); // 799 used
    expect(crossesWarning(month, 200, 0.8)).toBe(true); // 800 used
    expect(crossesWarning(hour, 0, 0.8)).toBe(true);
  });

  test('a window shorter than an hour paces traffic and never warns', () => {
    expect(crossesWarning(minute, 0, 0.8)).toBe(false);
  });

  test('a topped-up window (more left than the limit) does not warn', () => {
    expect(crossesWarning(month, 1_500, 0.8)).toBe(false);
  });

  test('the log line names the consumer, the budget and the threshold', () => {
    expect(
      warningMessage({
        consumer: 'dev-web-store',
        window: 'month',
        measure: 'cost',
        limit: 1_000,
        remaining: 150,
        warnAt: 0.8,
      }),
    ).toBe(
      'consumer dev-web-store has used 850 of its cost budget of 1000 per month (warned at 80%)',
    );
  });
});
