import { parse } from 'graphql';
import { OperationCache } from './operation-cache';

test('computes once per (document object, operation name), and again after clear()', () => {
  const cache = new OperationCache<string>();
  const document = parse('query A { a } query B { b }');
  let computed = 0;
  const value = (name: string | null) =>
    cache.get(document, name, () => `${name ?? '(only)'}#${++computed}`);
  expect(value('A')).toBe('A#1');
  expect(value('A')).toBe('A#1');
  expect(value('B')).toBe('B#2');
  expect(value(null)).toBe('(only)#3');
  // Another parse of the same text is another document (Apollo Server's document store hands out one per text).
  expect(cache.get(parse('query A { a } query B { b }'), 'A', () => 'other document')).toBe(
    'other document',
  );
  cache.clear();
  expect(value('A')).toBe('A#4');
});
