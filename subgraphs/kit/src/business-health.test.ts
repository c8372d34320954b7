import { healthWindowOf } from './business-health';

describe('healthWindowOf', () => {
  test('normalises the two instants to ISO-8601 UTC', () => {
    expect(healthWindowOf({ from: '2026-06-01T02:00:00+02:00', to: '2026-07-01' })).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-07-01T00:00:00.000Z',
    });
  });

  test.each([
    [{ from: 'June', to: '2026-07-01' }, 'from', /ISO-8601/],
    [{ from: '2026-07-01T00:00:00Z', to: '2026-07-01T00:00:00Z' }, 'from', /must be before/],
    [{ from: '2026-07-02T00:00:00Z', to: '2026-07-01T00:00:00Z' }, 'from', /must be before/],
  ])('%j is BAD_USER_INPUT naming %s', (window, argument, message) => {
    expect(() => healthWindowOf(window)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(message),
        extensions: { code: 'BAD_USER_INPUT', argument },
      }),
    );
  });

  test('a longest span, when given, is checked against to', () => {
    const year = { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
    expect(healthWindowOf(year, 366).to).toBe('2026-01-02T00:00:00.000Z');
    expect(() => healthWindowOf(year, 365)).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'to' } }),
    );
  });
});
