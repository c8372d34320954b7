import { applyBasisPoints, centsOfMoney, formatCents, parseAmountCents } from './money';
import { alignByKey, groupByKey } from './loaders';
import { decodeCursor, encodeCursor, pageRequest, toConnection } from './pagination';
import { correlationIdFrom } from './correlation';
import { openDatabase } from './database';

describe('money', () => {
  test('formats minor units as a decimal string', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456)).toBe('1234.56');
    expect(formatCents(-5)).toBe('-0.05');
  });
  test('applies a tax rate in basis points, rounding half away from zero', () => {
    expect(applyBasisPoints(10_000, 825)).toBe(825);
    expect(applyBasisPoints(1_050, 1_000)).toBe(105);
    expect(applyBasisPoints(5, 1_000)).toBe(1); // 0.5 cent rounds up
    expect(applyBasisPoints(-5, 1_000)).toBe(-1);
  });
  test.each([
    ['12', 1200],
    ['12.5', 1250],
    [' 0.01 ', 1],
    ['0', 0],
    ['999999999999.99', 99_999_999_999_999],
  ])('a typed amount %j is %i cents', (text, cents) => {
    expect(parseAmountCents(text, 'amount')).toBe(cents);
  });
  test.each(['-5', '1e3', '12.345', '', 'abc', '1,000.00', '1000000000000'])(
    'a typed amount %j is BAD_USER_INPUT naming the argument',
    (text) => {
      expect(() => parseAmountCents(text, 'input.lines[0].expectedUnitPrice')).toThrow(
        expect.objectContaining({
          extensions: { code: 'BAD_USER_INPUT', argument: 'input.lines[0].expectedUnitPrice' },
        }),
      );
    },
  );
  test("another subgraph's Money amount is read back to cents; a malformed one is a broken dependency", () => {
    expect(centsOfMoney(formatCents(123456))).toBe(123456);
    expect(centsOfMoney('-0.05')).toBe(-5);
    expect(() => centsOfMoney('12.5')).toThrow('not a Money amount');
  });
});

describe('loaders', () => {
  test('align rows to keys, null where missing', () => {
    expect(alignByKey(['b', 'x', 'a'], [{ id: 'a' }, { id: 'b' }], (r) => r.id)).toEqual([
      { id: 'b' },
      null,
      { id: 'a' },
    ]);
  });
  test('group rows under keys, empty where none', () => {
    expect(
      groupByKey(
        ['a', 'z'],
        [
          { k: 'a', n: 1 },
          { k: 'a', n: 2 },
        ],
        (r) => r.k,
      ),
    ).toEqual([
      [
        { k: 'a', n: 1 },
        { k: 'a', n: 2 },
      ],
      [],
    ]);
  });
});

describe('pagination', () => {
  test('cursors round-trip and foreign ones are refused', () => {
    expect(decodeCursor(encodeCursor('ORD-000042'))).toBe('ORD-000042');
    expect(() => decodeCursor('garbage')).toThrow(/not a cursor/);
  });
  test('first defaults to 20, must be 0..100', () => {
    expect(pageRequest({})).toEqual({ limit: 20, afterKey: null });
    expect(() => pageRequest({ first: -1 })).toThrow(/non-negative/);
    expect(() => pageRequest({ first: 101 })).toThrow(/at most 100/);
  });
  test('the extra row only says there is a next page', async () => {
    const connection = toConnection(
      ['a', 'b', 'c'],
      { limit: 2, afterKey: null },
      (r) => r,
      async () => 3,
    );
    expect(connection.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(connection.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      endCursor: encodeCursor('b'),
    });
    expect(await connection.totalCount()).toBe(3);
  });
});

test('correlation ids: a well-formed one is kept, anything else replaced', () => {
  expect(correlationIdFrom('abc-123')).toBe('abc-123');
  expect(correlationIdFrom(['first', 'second'])).toBe('first');
  expect(correlationIdFrom('<script>')).toMatch(/^[0-9a-f-]{36}$/);
  expect(correlationIdFrom('x'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
  expect(correlationIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
});

test('migrations run once and statements are counted', async () => {
  let runs = 0;
  const migrations = {
    '0001': {
      async up(db: any) {
        runs++;
        await db.schema
          .createTable('things')
          .addColumn('id', 'text', (c: any) => c.primaryKey())
          .execute();
      },
    },
  };
  const database = await openDatabase<{ things: { id: string } }>({
    name: 'kit',
    dataDir: ':memory:',
    migrations,
  });
  expect(runs).toBe(1);
  await database.db.insertInto('things').values({ id: 'a' }).execute();
  await database.db.selectFrom('things').selectAll().execute();
  expect(database.statements.count).toBe(2);
  await database.close();
});
