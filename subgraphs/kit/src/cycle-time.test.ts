import { cycleTimeOf } from './cycle-time';

describe('cycleTimeOf', () => {
  test('nearest-rank median and 95th percentile, rounded to hundredths; null without values', () => {
    expect(cycleTimeOf([])).toEqual({ count: 0, p50Hours: null, p95Hours: null });
    expect(cycleTimeOf([5])).toEqual({ count: 1, p50Hours: 5, p95Hours: 5 });
    expect(cycleTimeOf([48, 6, 24, 12])).toEqual({ count: 4, p50Hours: 12, p95Hours: 48 });
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i + 1 / 3);
    expect(cycleTimeOf(hundred)).toEqual({ count: 100, p50Hours: 50.33, p95Hours: 95.33 });
  });
});
