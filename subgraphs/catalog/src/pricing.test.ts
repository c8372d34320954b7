import { priceLine, type PricingInputs } from './pricing';

const AT = '2026-06-15T13:45:00.000Z';
const base: PricingInputs = {
  listPriceCents: 1000,
  priceListPriceCents: null,
  contracts: [],
  quantityBreaks: [],
  quantity: 1,
  at: AT,
};
const price = (overrides: Partial<PricingInputs>) => priceLine({ ...base, ...overrides });

describe('priceLine', () => {
  test('LIST: no price list, contract or break reached', () => {
    expect(price({ quantity: 3 })).toEqual({
      unitPriceCents: 1000,
      extendedCents: 3000,
      rule: 'LIST',
      minQuantity: null,
    });
  });

  test('PRICE_LIST: the customer price list replaces the list price', () => {
    expect(price({ priceListPriceCents: 900, quantity: 2 })).toEqual({
      unitPriceCents: 900,
      extendedCents: 1800,
      rule: 'PRICE_LIST',
      minQuantity: null,
    });
  });

  test('CONTRACT: a valid contract wins even over a cheaper price list or break', () => {
    const priced = price({
      priceListPriceCents: 500,
      quantityBreaks: [{ minQuantity: 1, priceCents: 400 }],
      contracts: [
        {
          priceCents: 800,
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: '2026-12-31T00:00:00.000Z',
        },
      ],
      quantity: 4,
    });
    expect(priced).toEqual({
      unitPriceCents: 800,
      extendedCents: 3200,
      rule: 'CONTRACT',
      minQuantity: null,
    });
  });

  test('contracts are valid by day, both ends inclusive; expired and future ones do not apply', () => {
    const onlyDay = {
      priceCents: 700,
      validFrom: '2026-06-15T00:00:00.000Z',
      validTo: '2026-06-15T00:00:00.000Z',
    };
    expect(price({ contracts: [onlyDay] }).rule).toBe('CONTRACT');
    const expired = {
      priceCents: 700,
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2026-06-14T00:00:00.000Z',
    };
    const future = {
      priceCents: 700,
      validFrom: '2026-06-16T00:00:00.000Z',
      validTo: '2026-12-31T00:00:00.000Z',
    };
    expect(price({ contracts: [expired, future], priceListPriceCents: 950 })).toMatchObject({
      rule: 'PRICE_LIST',
      unitPriceCents: 950,
    });
  });

  test('of several valid contracts, the cheapest applies', () => {
    const year = { validFrom: '2026-01-01T00:00:00.000Z', validTo: '2026-12-31T00:00:00.000Z' };
    expect(
      price({
        contracts: [
          { priceCents: 750, ...year },
          { priceCents: 720, ...year },
        ],
      }).unitPriceCents,
    ).toBe(720);
  });

  test('QUANTITY_BREAK: the cheapest break the quantity reaches, with its minimum quantity', () => {
    const quantityBreaks = [
      { minQuantity: 50, priceCents: 800 },
      { minQuantity: 10, priceCents: 850 },
    ];
    expect(price({ quantityBreaks, quantity: 9 }).rule).toBe('LIST');
    expect(price({ quantityBreaks, quantity: 10 })).toEqual({
      unitPriceCents: 850,
      extendedCents: 8500,
      rule: 'QUANTITY_BREAK',
      minQuantity: 10,
    });
    expect(price({ quantityBreaks, quantity: 60 })).toEqual({
      unitPriceCents: 800,
      extendedCents: 48000,
      rule: 'QUANTITY_BREAK',
      minQuantity: 50,
    });
  });

  test('a break no cheaper than the price-list price is ignored', () => {
    const quantityBreaks = [{ minQuantity: 10, priceCents: 900 }];
    expect(price({ quantityBreaks, priceListPriceCents: 900, quantity: 10 })).toMatchObject({
      rule: 'PRICE_LIST',
      unitPriceCents: 900,
    });
    expect(price({ quantityBreaks, quantity: 10 })).toMatchObject({
      rule: 'QUANTITY_BREAK',
      unitPriceCents: 900,
    });
  });

  test('amounts stay integer cents', () => {
    const priced = price({ listPriceCents: 19, quantity: 1_000_003 });
    expect(priced.extendedCents).toBe(19_000_057);
    expect(Number.isInteger(priced.extendedCents)).toBe(true);
  });
});
