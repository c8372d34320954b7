import type { GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { stringifyResult, writtenBodyOf, writtenData, writtenDataPlugin } from './written-data';

interface Context {
  governance: object;
}

/** What Apollo Server does with the plugin at the end of a request: its willSendResponse, on a shallow copy of the context. */
async function sendThroughPlugin(data: Record<string, unknown>, context: Context) {
  const plugin = writtenDataPlugin<Context>((copy) => copy.governance);
  const listener = (await plugin.requestDidStart!({} as never)) as GraphQLRequestListener<Context>;
  await listener.willSendResponse!({
    response: { body: { kind: 'single', singleResult: { data } } },
    contextValue: { ...context },
  } as unknown as GraphQLRequestContextWillSendResponse<Context>);
}

const TEXT = '{"order":{"id":"1","lines":[{"sku":"a\\"b"},null],"note":null}}';

describe("written data: sent as its text unless a plugin reads it, as Apollo Server's default stringifies", () => {
  test('untouched, the text is sent as it is, keys in the order errors, data, extensions', () => {
    const data = writtenData(Buffer.from(TEXT));
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
    const data = writtenData(Buffer.from(TEXT));
    expect(data).toEqual(JSON.parse(TEXT));
    expect(Object.keys(data)).toEqual(['order']);
    (data.order as { lines: unknown[] }).lines[0] = null;
    expect(stringifyResult({ data })).toBe(
      '{"data":{"order":{"id":"1","lines":[null,null],"note":null}}}\n',
    );
  });

  test('any first access builds it: a key added, a key deleted', () => {
    const added = writtenData(Buffer.from(TEXT));
    added.extra = 1;
    expect(stringifyResult({ data: added })).toBe(`{"data":${TEXT.slice(0, -1)},"extra":1}}\n`);
    const deleted = writtenData(Buffer.from(TEXT));
    delete deleted.order;
    expect(stringifyResult({ data: deleted })).toBe('{"data":{}}\n');
  });

  test('an own __proto__ key stays an own key once built', () => {
    const data = writtenData(Buffer.from('{"__proto__":{"a":1},"b":2}'));
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

  test("a request's untouched answer becomes its body as bytes, the string answered empty", async () => {
    const data = writtenData(Buffer.from(TEXT));
    const context = { governance: {} };
    await sendThroughPlugin(data, context);
    expect(stringifyResult({ data, extensions: { cost: 1 } })).toBe('');
    expect(writtenBodyOf(context.governance)?.toString('utf8')).toBe(
      `{"data":${TEXT},"extensions":{"cost":1}}\n`,
    );
  });

  test('an answer read after the plugin tied it is stringified, no bytes kept', async () => {
    const data = writtenData(Buffer.from(TEXT));
    const context = { governance: {} };
    await sendThroughPlugin(data, context);
    data.order = null;
    expect(stringifyResult({ data })).toBe('{"data":{"order":null}}\n');
    expect(writtenBodyOf(context.governance)).toBeUndefined();
  });
});
