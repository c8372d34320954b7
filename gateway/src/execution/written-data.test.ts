import { stringifyResult, writtenData } from './written-data';

const TEXT = '{"order":{"id":"1","lines":[{"sku":"a\\"b"},null],"note":null}}';

describe("written data: sent as its text unless a plugin reads it, as Apollo Server's default stringifies", () => {
  test('untouched, the text is sent as it is, keys in the order errors, data, extensions', () => {
    const data = writtenData(TEXT);
    const result = {
      errors: [{ message: 'boom', path: ['order', 'x'] }],
      data,
      extensions: { valueCompletion: [{ message: 'v' }] },
    };
    const written = stringifyResult(result);
    expect(written).toBe(
      `{"errors":[{"message":"boom","path":["order","x"]}],"data":${TEXT},"extensions":{"valueCompletion":[{"message":"v"}]}}\n`,
    );
    expect(written).toBe(`${JSON.stringify({ ...result, data: JSON.parse(TEXT) })}\n`);
    expect(stringifyResult({ data })).toBe(`{"data":${TEXT}}\n`);
  });

  test('read by a plugin, it is the object of its text; a change the plugin makes is sent', () => {
    const data = writtenData(TEXT);
    expect(data).toEqual(JSON.parse(TEXT));
    expect(Object.keys(data)).toEqual(['order']);
    (data.order as { lines: unknown[] }).lines[0] = null;
    expect(stringifyResult({ data })).toBe(
      '{"data":{"order":{"id":"1","lines":[null,null],"note":null}}}\n',
    );
  });

  test('any first access builds it: a key added, a key deleted', () => {
    const added = writtenData(TEXT);
    added.extra = 1;
    expect(stringifyResult({ data: added })).toBe(`{"data":${TEXT.slice(0, -1)},"extra":1}}\n`);
    const deleted = writtenData(TEXT);
    delete deleted.order;
    expect(stringifyResult({ data: deleted })).toBe('{"data":{}}\n');
  });

  test('an own __proto__ key stays an own key once built', () => {
    const data = writtenData('{"__proto__":{"a":1},"b":2}');
    expect(Object.keys(data)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(stringifyResult({ data })).toBe('{"data":{"__proto__":{"a":1},"b":2}}\n');
  });

  test('any other result is stringified as Apollo Server does by default', () => {
    const result = { errors: [{ message: 'no' }], data: { a: 'é\u2028' }, extensions: undefined };
    expect(stringifyResult(result)).toBe(`${JSON.stringify(result)}\n`);
    expect(stringifyResult({ errors: [{ message: 'no' }] })).toBe(
      '{"errors":[{"message":"no"}]}\n',
    );
    expect(stringifyResult({ data: null })).toBe('{"data":null}\n');
  });
});
