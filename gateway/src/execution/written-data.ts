import type { FormattedExecutionResult } from 'graphql';

/** The JSON text of each written `data` nothing has read yet. */
const unread = new WeakMap<object, string>();

/**
 * A response's `data` given as its JSON text (response-writer.ts). It is an object to whoever
 * reads it (plugins see `data` in willSendResponse: field authorization nulls fields in it, audit
 * reads a mutation's keys): on the first access of any kind it is built from the text, and its
 * text no longer counts, as the reader may change it. Untouched, `stringifyResult` sends the text
 * as it is, without building or stringifying an object.
 */
export function writtenData(text: string): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  let built = false;
  const build = () => {
    if (built) return target;
    built = true;
    unread.delete(data);
    const parsed = JSON.parse(text) as Record<string, unknown>;
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
  unread.set(data, text);
  return data;
}

/**
 * Apollo Server's `stringifyResult`: the result as JSON.stringify writes it, plus a newline (as
 * Apollo Server's default), with a `data` nothing read written from its text. The keys come in
 * Apollo Server's order: errors, data, extensions.
 */
export function stringifyResult(result: FormattedExecutionResult): string {
  const text = result.data ? unread.get(result.data) : undefined;
  if (text === undefined) return `${JSON.stringify(result)}\n`;
  let json = '{';
  if (result.errors !== undefined) json += `"errors":${JSON.stringify(result.errors)},`;
  json += `"data":${text}`;
  if (result.extensions !== undefined) json += `,"extensions":${JSON.stringify(result.extensions)}`;
  return `${json}}\n`;
}
