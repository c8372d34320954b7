import { DURATION_FORMS, durationMsOf, parseDuration } from './duration';

describe('parseDuration', () => {
  test.each([
    ['1s', 1_000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['90s', 90_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationMsOf(text)).toBe(ms);
  });

  test.each([
    ['0s', 'zero'],
    ['-5m', 'negative'],
    ['1.5h', 'fractional'],
    ['05m', 'a leading zero'],
    ['1w', 'an unknown unit'],
    ['1H', 'an upper-case unit'],
    ['10', 'no unit'],
    ['h', 'no number'],
    ['1 h', 'a space'],
    [' 1h', 'surrounding space'],
    ['1 week', 'a word'],
    ['month', 'a calendar window'],
    ['', 'empty'],
    ['9999999999999999d', 'beyond a safe integer of ms'],
  ])('%j (%s) is refused with the accepted forms', (text) => {
    expect(durationMsOf(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(
      `"${text}" is not a duration: use ${DURATION_FORMS} (e.g. 30s, 5m, 2h, 7d)`,
    );
  });
});
