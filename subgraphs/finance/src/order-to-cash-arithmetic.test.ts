import { parsePositiveAmountCents } from './decimal-amount';
import { priceInvoice } from './invoice-pricing';
import { rateInForce } from './tax-rate-history';

describe('rateInForce', () => {
  const changes = [
    { region: 'TX', previousRateBps: null, rateBps: 800, changedAt: '2026-01-01T00:00:00.000Z' },
    { region: 'TX', previousRateBps: 800, rateBps: 825, changedAt: '2026-06-15T00:00:00.000Z' },
  ];
  test('the rate the next change replaced, the current rate after the last change, none before the first', () => {
    expect(rateInForce(825, changes, '2025-12-31T23:59:59.999Z')).toBeNull();
    expect(rateInForce(825, changes, '2026-03-01T00:00:00.000Z')).toBe(800);
    expect(rateInForce(825, changes, '2026-06-15T00:00:00.000Z')).toBe(825);
    expect(rateInForce(825, [], '2020-01-01T00:00:00.000Z')).toBe(825);
  });
});

describe('parsePositiveAmountCents', () => {
  test.each([
    ['1250', 125_000],
    ['1250.5', 125_050],
    [' 0.01 ', 1],
    ['1000000000', 100_000_000_000],
  ])('%j is %i cents', (text, cents) => {
    expect(parsePositiveAmountCents(text, 'amount')).toBe(cents);
  });

  test('more than a billion is refused as larger than any amount', () => {
    expect(() => parsePositiveAmountCents('1000000000.01', 'amount')).toThrow(
      'larger than any amount',
    );
  });

  test.each(['0', '0.00', '-5', '1e3', '12.345', '', 'abc', '1,000.00'])(
    '%j is BAD_USER_INPUT naming the argument',
    (text) => {
      expect(() => parsePositiveAmountCents(text, 'input.amount')).toThrow(
        expect.objectContaining({
          extensions: { code: 'BAD_USER_INPUT', argument: 'input.amount' },
        }),
      );
    },
  );
});

describe('priceInvoice', () => {
  const orderLines = [
    { lineNumber: 1, productId: 'P1', sku: 'S1', unitPriceCents: 333 },
    { lineNumber: 2, productId: 'P2', sku: 'S2', unitPriceCents: 1999 },
  ];
  test('shipped quantities at order prices; tax once on the subtotal, half away from zero', () => {
    // 3 x 3.33 + 1 x 19.99 = 29.98; 6.25 % = 1.87375 -> 1.87
    expect(
      priceInvoice(
        'O',
        orderLines,
        [
          { orderLineNumber: 2, productId: 'P2', quantity: 1 },
          { orderLineNumber: 1, productId: 'P1', quantity: 3 },
        ],
        625,
      ),
    ).toEqual({
      lines: [
        {
          lineNumber: 1,
          orderLineNumber: 2,
          productId: 'P2',
          sku: 'S2',
          quantity: 1,
          unitPriceCents: 1999,
          extendedCents: 1999,
        },
        {
          lineNumber: 2,
          orderLineNumber: 1,
          productId: 'P1',
          sku: 'S1',
          quantity: 3,
          unitPriceCents: 333,
          extendedCents: 999,
        },
      ],
      subtotalCents: 2998,
      taxCents: 187,
      totalCents: 3185,
    });
    // 2.00 at 8.25 % = 0.165 -> 0.17
    expect(
      priceInvoice(
        'O',
        [{ lineNumber: 1, productId: 'P', sku: 'S', unitPriceCents: 100 }],
        [{ orderLineNumber: 1, productId: 'P', quantity: 2 }],
        825,
      ).taxCents,
    ).toBe(17);
  });

  test('an unknown order line, a quantity below one or no line at all throws', () => {
    expect(() =>
      priceInvoice('O', orderLines, [{ orderLineNumber: 9, productId: 'P9', quantity: 1 }], 0),
    ).toThrow('order O has no line 9');
    expect(() =>
      priceInvoice('O', orderLines, [{ orderLineNumber: 1, productId: 'P1', quantity: 0 }], 0),
    ).toThrow('shipped a quantity of 0');
    expect(() => priceInvoice('O', orderLines, [], 0)).toThrow('no lines');
  });
});
