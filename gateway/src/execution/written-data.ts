import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';

/** The JSON text, as UTF-8 bytes, of each written `data` nothing has read yet. */
const unread = new WeakMap<object, Buffer>();
/** The request (`writtenDataPlugin`'s key for it) each unread written `data` is the answer of. */
const requestOfData = new WeakMap<object, object>();
/** The whole response body, as bytes, of each request whose answer was written. */
const bodies = new WeakMap<object, Buffer>();

/**
 * A response's `data` given as its JSON text (response-writer.ts). It is an object to whoever
 * reads it (plugins see `data` in willSendResponse: field authorization nulls fields in it, audit
 * reads a mutation's keys): on the first access of any kind it is built from the text, and its
 * text no longer counts, as the reader may change it. Untouched, `stringifyResult` sends the text
 * as it is, without building or stringifying an object.
 */
export function writtenData(bytes: Buffer): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  let built = false;
  const build = () => {
    if (built) return target;
    built = true;
    unread.delete(data);
    const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    // Defined, not assigned: a response key `__proto__` stays an own key.
    for (const key of Object.keys(parsed))
      Object.defineProperty(target, key, {
        value: parsed[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    return target;
  };
  const data = new Proxy(target, {
    get: (_, key, receiver) => Reflect.get(build(), key, receiver),
    set: (_, key, value, receiver) => Reflect.set(build(), key, value, receiver),
    has: (_, key) => Reflect.has(build(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(build(), key),
    ownKeys: () => Reflect.ownKeys(build()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(build(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(build(), key, descriptor),
    getPrototypeOf: () => Reflect.getPrototypeOf(build()),
    setPrototypeOf: (_, prototype) => Reflect.setPrototypeOf(build(), prototype),
    isExtensible: () => Reflect.isExtensible(build()),
    preventExtensions: () => Reflect.preventExtensions(build()),
  });
  unread.set(data, bytes);
  return data;
}

/**
 * Ties a single result's written `data` to its request, after the plugins that may read it, so
 * that `stringifyResult` can give that request its body as bytes (`writtenBodyOf`). Apollo Server
 * runs an operation on a shallow copy of the context: the request is named by `requestOf`, an
 * object the copy shares with the context the server made.
 */
export function writtenDataPlugin<Context extends BaseContext>(
  requestOf: (context: Context) => object,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const data = response.body.kind === 'single' ? response.body.singleResult.data : null;
          if (data && unread.has(data)) requestOfData.set(data, requestOf(contextValue));
        },
      };
    },
  };
}

/**
 * Apollo Server's `stringifyResult`: the result as JSON.stringify writes it, plus a newline (as
 * Apollo Server's default), with a `data` nothing read written from its text, keys in Apollo
 * Server's order (errors, data, extensions). For a request tied by `writtenDataPlugin`, the body
 * is made as bytes and kept for `writtenBodyOf` (encoded once, its length known), and the string
 * answered is empty.
 */
export function stringifyResult(result: FormattedExecutionResult): string {
  const bytes = result.data ? unread.get(result.data) : undefined;
  if (bytes === undefined) return `${JSON.stringify(result)}\n`;
  let head = '{';
  if (result.errors !== undefined) head += `"errors":${JSON.stringify(result.errors)},`;
  head += '"data":';
  let tail = '';
  if (result.extensions !== undefined) tail += `,"extensions":${JSON.stringify(result.extensions)}`;
  tail += '}\n';
  const request = requestOfData.get(result.data!);
  if (!request) return head + bytes.toString('utf8') + tail;
  bodies.set(request, Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]));
  return '';
}

/** The body `stringifyResult` made as bytes for this request (`writtenDataPlugin`'s key for it), if it did. */
export function writtenBodyOf(request: object): Buffer | undefined {
  return bodies.get(request);
}
