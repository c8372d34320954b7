import { checkDateRange } from './date-range';

describe('checkDateRange', () => {
  test('an open-ended or ordered range passes', () => {
    expect(() => checkDateRange('placed', null, '2026-09-01T00:00:00.000Z')).not.toThrow();
    expect(() => checkDateRange('placed', '2026-09-01T00:00:00.000Z', undefined)).not.toThrow();
    expect(() =>
      checkDateRange('placed', '2026-09-01T00:00:00.000Z', '2026-09-01T00:00:00.001Z'),
    ).not.toThrow();
  });
  test('an inverted or empty range is BAD_USER_INPUT naming the "after" argument', () => {
    for (const [after, before] of [
      ['2026-09-02T00:00:00.000Z', '2026-09-01T00:00:00.000Z'],
      ['2026-09-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z'],
    ]) {
      expect(() => checkDateRange('shipped', after, before)).toThrow(
        expect.objectContaining({
          message: `"shippedAfter" (${after}) must be earlier than "shippedBefore" (${before})`,
          extensions: { code: 'BAD_USER_INPUT', argument: 'shippedAfter' },
        }),
      );
    }
  });
});
