import { agingCutoffs, daysPastDue } from './aging';
import { agingOf, creditExposureOf, invoiceBalanceCents, openBalanceOf } from './receivable-totals';
import type { AgedReceivables, Invoice } from './store';

const aged = (currency: string, cents: number): AgedReceivables => ({
  customerId: 'CUS-0001',
  currency,
  currentCents: cents,
  days1To30Cents: 0,
  days31To60Cents: 0,
  days61To90Cents: 0,
  over90Cents: 0,
});

test('a started day past due counts; due exactly at asOf is current', () => {
  expect(daysPastDue('2026-06-30T12:00:00.000Z', '2026-06-30T12:00:00.000Z')).toBe(0);
  expect(daysPastDue('2026-06-30T12:00:00.000Z', '2026-06-30T12:00:00.001Z')).toBe(1);
  expect(daysPastDue('2026-07-30T12:00:00.000Z', '2026-06-30T12:00:00.000Z')).toBe(0);
  expect(agingCutoffs('2026-06-30T12:00:00.000Z')).toEqual({
    asOf: '2026-06-30T12:00:00.000Z',
    current: '2026-06-30T12:00:00.000Z',
    days1To30: '2026-05-31T12:00:00.000Z',
    days31To60: '2026-05-01T12:00:00.000Z',
    days61To90: '2026-04-01T12:00:00.000Z',
  });
});

test('a VOID invoice owes nothing, whatever was applied; otherwise payments and credits both lower the balance', () => {
  const invoice = { status: 'VOID', totalCents: 5_413 } as Invoice;
  expect(invoiceBalanceCents(invoice, { paidCents: 413, creditedCents: 0 })).toBe(0);
  expect(
    invoiceBalanceCents({ ...invoice, status: 'OPEN' }, { paidCents: 413, creditedCents: 0 }),
  ).toBe(5_000);
  expect(
    invoiceBalanceCents(
      { ...invoice, status: 'PARTIALLY_PAID' },
      { paidCents: 413, creditedCents: 1_000 },
    ),
  ).toBe(4_000);
});

test('a customer without receivables owes zero in the ledger currency', () => {
  expect(openBalanceOf('CUS-0002', [])).toEqual({ cents: 0, currency: 'USD' });
  expect(agingOf('CUS-0002', [], 'now').total).toEqual({ cents: 0, currency: 'USD' });
  expect(
    creditExposureOf(
      'CUS-0002',
      [],
      [{ customerId: 'CUS-0002', currency: 'CAD', uninvoicedCents: 700 }],
    ),
  ).toEqual({ cents: 700, currency: 'CAD' });
});

test('amounts in several currencies are never added together', () => {
  expect(() => openBalanceOf('CUS-0001', [aged('USD', 100), aged('CAD', 100)])).toThrow(
    /several currencies: USD, CAD/,
  );
  expect(() =>
    creditExposureOf(
      'CUS-0001',
      [aged('USD', 100)],
      [{ customerId: 'CUS-0001', currency: 'CAD', uninvoicedCents: 1 }],
    ),
  ).toThrow(/several currencies/);
});
