import { openSubgraph, type CallerIdentity, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { catalogSubgraph, type CatalogDB, type CatalogStore } from './index';
import { insertFixtures, skuOf } from './testing/fixtures';

let subgraph: RunningSubgraph<CatalogDB, CatalogStore>;

beforeAll(async () => {
  subgraph = await openSubgraph(catalogSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

const QUOTE = `query ($c: ID!, $lines: [PriceQuoteLineInput!]!) { priceQuote(customerId: $c, lines: $lines) {
  sku quantity product { id sku status } unitPrice { amount currency } extendedPrice { amount currency } rule } }`;
const quote = (
  customerId: string,
  lines: { sku: string; quantity: number }[],
  identity?: Omit<CallerIdentity, 'exp'>,
) => querySubgraph(subgraph.server, QUOTE, { c: customerId, lines }, {}, identity);
const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('priceQuote', () => {
  test('prices each line by its rule, in the order asked, an unknown SKU as a line without product or price', async () => {
    const result = await quote('CUS-0001', [
      { sku: skuOf(45), quantity: 2 },
      { sku: skuOf(1), quantity: 3 },
      { sku: 'NOPE-1', quantity: 4 },
      { sku: skuOf(5), quantity: 10 },
      { sku: skuOf(2), quantity: 1 },
      { sku: skuOf(10), quantity: 1 },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data.priceQuote).toEqual([
      {
        sku: 'ELE-10045',
        quantity: 2,
        product: { id: 'PRD-00045', sku: 'ELE-10045', status: 'ACTIVE' },
        unitPrice: usd('14.50'),
        extendedPrice: usd('29.00'),
        rule: 'LIST',
      },
      {
        sku: 'FAS-10001',
        quantity: 3,
        product: { id: 'PRD-00001', sku: 'FAS-10001', status: 'ACTIVE' },
        unitPrice: usd('7.00'),
        extendedPrice: usd('21.00'),
        rule: 'CONTRACT',
      },
      {
        sku: 'NOPE-1',
        quantity: 4,
        product: null,
        unitPrice: null,
        extendedPrice: null,
        rule: null,
      },
      {
        sku: 'FAS-10005',
        quantity: 10,
        product: { id: 'PRD-00005', sku: 'FAS-10005', status: 'ACTIVE' },
        unitPrice: usd('8.50'),
        extendedPrice: usd('85.00'),
        rule: 'QUANTITY_BREAK',
      },
      // product 2's contract expired: its WHOLESALE-A price applies
      {
        sku: 'FAS-10002',
        quantity: 1,
        product: { id: 'PRD-00002', sku: 'FAS-10002', status: 'ACTIVE' },
        unitPrice: usd('9.20'),
        extendedPrice: usd('9.20'),
        rule: 'PRICE_LIST',
      },
      // a discontinued product is still priced; whoever orders decides what to do with it
      {
        sku: 'FAS-10010',
        quantity: 1,
        product: { id: 'PRD-00010', sku: 'FAS-10010', status: 'DISCONTINUED' },
        unitPrice: usd('10.00'),
        extendedPrice: usd('10.00'),
        rule: 'PRICE_LIST',
      },
    ]);
  });

  test('a customer without a price list pays list price or a quantity break', async () => {
    const result = await quote('CUS-0003', [
      { sku: skuOf(5), quantity: 9 },
      { sku: skuOf(5), quantity: 50 },
    ]);
    expect(
      result.data.priceQuote.map((l: any) => [l.rule, l.unitPrice.amount, l.extendedPrice.amount]),
    ).toEqual([
      ['LIST', '10.50', '94.50'],
      ['QUANTITY_BREAK', '8.00', '400.00'],
    ]);
  });

  test('100 lines are priced in the same five statements as one', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({
      sku: i < 60 ? skuOf(i + 1) : `MISSING-${i}`,
      quantity: 1 + (i % 12),
    }));
    subgraph.database.statements.count = 0;
    const result = await quote('CUS-0001', lines);
    expect(result.errors).toBeUndefined();
    expect(result.data.priceQuote).toHaveLength(100);
    expect(result.data.priceQuote.filter((l: any) => l.product === null)).toHaveLength(40);
    // products by sku, quantity breaks, the customer's price list, its contracts, its price-list items
    expect(subgraph.database.statements.count).toBe(5);
  });

  test.each([
    ['no line', [], 'lines'],
    ['101 lines', Array.from({ length: 101 }, () => ({ sku: skuOf(1), quantity: 1 })), 'lines'],
    [
      'a quantity of 0',
      [
        { sku: skuOf(1), quantity: 1 },
        { sku: skuOf(2), quantity: 0 },
      ],
      'lines[1].quantity',
    ],
    ['a negative quantity', [{ sku: skuOf(1), quantity: -3 }], 'lines[0].quantity'],
    ['an empty SKU', [{ sku: ' ', quantity: 1 }], 'lines[0].sku'],
  ])('%s is BAD_USER_INPUT naming the argument', async (_name, lines, argument) => {
    const result = await quote('CUS-0001', lines);
    expect(result.data?.priceQuote ?? null).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  test("a distributor may quote its own customers only: another customer's quote is FORBIDDEN", async () => {
    const distributor = {
      id: 'partner',
      kind: 'distributor' as const,
      scopes: [],
      tenant: { customerIds: ['CUS-0002'], carrierIds: [] },
    };
    const own = await quote('CUS-0002', [{ sku: skuOf(1), quantity: 1 }], distributor);
    expect(own.errors).toBeUndefined();
    expect(own.data.priceQuote[0].rule).toBe('LIST');
    const foreign = await quote('CUS-0001', [{ sku: skuOf(1), quantity: 1 }], distributor);
    expect(foreign.data?.priceQuote ?? null).toBeNull();
    expect(foreign.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
