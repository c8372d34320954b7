import { parseWindow, secondsUntilEnd, windowAt } from './rate-windows';

const at = (iso: string) => Date.parse(iso);

describe('rate windows', () => {
  test('fixed windows are aligned to the epoch in UTC, keyed by their start', () => {
    expect(windowAt(parseWindow('1s'), at('2026-11-01T10:00:01.999Z'))).toEqual({
      start: at('2026-11-01T10:00:01Z'),
      end: at('2026-11-01T10:00:02Z'),
      key: '1s@2026-11-01T10:00:01.000Z',
    });
    expect(windowAt(parseWindow('10s'), at('2026-11-01T10:00:19Z')).key).toBe(
      '10s@2026-11-01T10:00:10.000Z',
    );
    expect(windowAt(parseWindow('1m'), at('2026-11-01T10:07:30Z')).key).toBe(
      '1m@2026-11-01T10:07:00.000Z',
    );
    expect(windowAt(parseWindow('1h'), at('2026-11-01T10:59:59Z')).key).toBe(
      '1h@2026-11-01T10:00:00.000Z',
    );
    expect(windowAt(parseWindow('1d'), at('2026-11-01T23:59:59Z'))).toMatchObject({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-11-02T00:00:00Z'),
    });
  });

  test('successive instants across a boundary fall in successive windows', () => {
    const second = parseWindow('1s');
    const before = windowAt(second, at('2026-11-01T10:00:00.999Z'));
    const after = windowAt(second, at('2026-11-01T10:00:01.000Z'));
    expect(after.start).toBe(before.end);
    expect(after.key).not.toBe(before.key);
  });

  test('a month is the calendar month in UTC, whatever its length', () => {
    const month = parseWindow('month');
    expect(windowAt(month, at('2026-11-30T23:59:59.999Z'))).toEqual({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-12-01T00:00:00Z'),
      key: 'month@2026-11',
    });
    expect(windowAt(month, at('2026-12-01T00:00:00Z')).key).toBe('month@2026-12');
    expect(windowAt(month, at('2026-12-31T12:00:00Z')).end).toBe(at('2027-01-01T00:00:00Z'));
    expect(windowAt(month, at('2028-02-29T12:00:00Z'))).toMatchObject({
      start: at('2028-02-01T00:00:00Z'),
      end: at('2028-03-01T00:00:00Z'),
      key: 'month@2028-02',
    });
  });

  test('Retry-After is the whole seconds to the end of the window, at least 1', () => {
    const span = windowAt(parseWindow('1m'), at('2026-11-01T10:00:00Z'));
    expect(secondsUntilEnd(span, at('2026-11-01T10:00:00Z'))).toBe(60);
    expect(secondsUntilEnd(span, at('2026-11-01T10:00:59.001Z'))).toBe(1);
    expect(secondsUntilEnd(span, at('2026-11-01T10:00:59.999Z'))).toBe(1);
    const month = windowAt(parseWindow('month'), at('2026-11-30T00:00:00Z'));
    expect(secondsUntilEnd(month, at('2026-11-30T00:00:00Z'))).toBe(86_400);
  });

  test('anything but a duration (<n>s, <n>m, <n>h, <n>d) or month is refused with the accepted forms', () => {
    for (const bad of ['', '1', '0s', '1w', '1.5m', 'monthly', ' 1s', '-1s'])
      expect(() => parseWindow(bad)).toThrow(
        `"${bad}" is not a rate window: use <n>s, <n>m, <n>h or <n>d (e.g. 1s, 10s, 1m, 1h, 1d) or month`,
      );
    expect(() => parseWindow('40d')).toThrow(/use month/);
  });
});
