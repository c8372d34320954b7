import { GraphQLError } from 'graphql';
import {
  ClassifiedTextError,
  defineTextTemplate,
  errorForReader,
  parseClassifiedText,
  publicText,
  readerMaySee,
  redactedText,
  renderClassifiedText,
  type TextReader,
} from './classified-text';

const OVER_LIMIT = defineTextTemplate(
  'TEST_OVER_LIMIT',
  'Order total {total} exceeds the available credit[ of {available} (limit {limit})]',
  { total: 'public', available: 'credit', limit: 'credit' },
);
const text = OVER_LIMIT.compose({ total: '1173.30', available: '841.53', limit: '19000.00' });

const webStore: TextReader = { kind: 'ecommerce', scopes: ['orders:read', 'orders:write'] };
const creditDesk: TextReader = { kind: 'internal', scopes: ['credit:read'] };
const service: TextReader = { kind: 'service', scopes: [] };
const everyScope: TextReader = {
  kind: 'internal',
  scopes: ['credit:read', 'finance:read', 'catalog:cost:read', 'contacts:read'],
};

describe('rendering per reader', () => {
  test('a reader with the scope sees the figures; one without reads the sentence without them', () => {
    expect(renderClassifiedText(text, creditDesk)).toBe(
      'Order total 1173.30 exceeds the available credit of 841.53 (limit 19000.00)',
    );
    expect(renderClassifiedText(text, webStore)).toBe(
      'Order total 1173.30 exceeds the available credit',
    );
    expect(redactedText(text)).toBe('Order total 1173.30 exceeds the available credit');
  });

  test('a service sees everything; an unknown class only a reader holding every scope', () => {
    expect(renderClassifiedText(text, service)).toContain('19000.00');
    expect(readerMaySee(creditDesk, 'unknown')).toBe(false);
    expect(readerMaySee(creditDesk, 'somethingNew')).toBe(false);
    expect(readerMaySee(everyScope, 'unknown')).toBe(true);
    expect(readerMaySee(webStore, 'public')).toBe(true);
  });

  test('a stored text that bypassed a template fails closed: a guarded required value is withheld, a broken template shows none', () => {
    const stored = {
      code: 'X',
      template: 'Limit {limit}, over by {missing}',
      values: { limit: { value: '19000.00', class: 'credit' as const } },
    };
    expect(renderClassifiedText(stored, webStore)).toBe('Limit (withheld), over by (withheld)');
    expect(renderClassifiedText({ ...stored, template: 'Limit [{limit}' }, service)).toBe(
      'The detail of this text cannot be shown',
    );
  });

  test('values are not syntax: braces and brackets in a value are printed as they are', () => {
    expect(renderClassifiedText(publicText('P', 'SKU [A]{b}'), webStore)).toBe('SKU [A]{b}');
  });
});

describe('declaring a template', () => {
  test('refuses a guarded value outside a [...] segment, a placeholder without a class, an unused class, bad brackets', () => {
    expect(() => defineTextTemplate('A', 'Limit {limit}', { limit: 'credit' })).toThrow(
      /must sit in a \[...\] segment/,
    );
    expect(() => defineTextTemplate('B', 'Limit[ {limit}]', {})).toThrow(/has no class/);
    expect(() => defineTextTemplate('C', 'Limit', { limit: 'credit' })).toThrow(/no placeholder/);
    expect(() => defineTextTemplate('D', 'Limit [[{limit}]]', { limit: 'credit' })).toThrow(
      /malformed/,
    );
    expect(() => defineTextTemplate('E', 'Limit [{limit}', { limit: 'credit' })).toThrow(
      /malformed/,
    );
  });

  test('compose needs every value', () => {
    expect(() => OVER_LIMIT.compose({ total: '1' } as never)).toThrow(/no value for \{available\}/);
  });
});

describe('stored texts read back', () => {
  test('round-trips JSON; anything that is not a text is null', () => {
    expect(parseClassifiedText(JSON.stringify(text))).toEqual(text);
    for (const bad of [
      null,
      '',
      'nope',
      '[]',
      '{"code":"X","template":"t"}',
      '{"code":"X","template":"t","values":{"a":{"value":1,"class":"credit"}}}',
    ])
      expect(parseClassifiedText(bad)).toBeNull();
  });
});

describe('errors', () => {
  test("an error's message is the redacted one until rendered for its reader", () => {
    const error = new ClassifiedTextError(text, { code: 'BAD_USER_INPUT' });
    expect(error.message).toBe('Order total 1173.30 exceeds the available credit');
    const located = new GraphQLError(error.message, { originalError: error, path: ['x'] });
    expect(errorForReader(located, creditDesk).message).toContain('19000.00');
    expect(errorForReader(located, creditDesk).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(errorForReader(located, webStore).message).not.toContain('19000.00');
    expect(errorForReader(located, undefined).message).not.toContain('19000.00');
  });
});
