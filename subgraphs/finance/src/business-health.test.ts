import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import type { InvoiceRow } from './migrations';
import { insertFixtures } from './testing/fixtures';

/**
 * Finance's measures of BusinessHealth over June 2026, against figures worked out by hand. On top of
 * the shared fixtures (none of whose invoices is issued in June), five invoices are issued in June:
 *   INV-005001 order H1 (TX)  shipped 06-10 00:00, issued 06-10 12:00 (12 h)  at 8.00 %, the TX rate then: matches
 *   INV-005002 order H1 (TX)  shipped 06-11 00:00, issued 06-12 00:00 (24 h)  billed 21.00 where the order says 20.00: no match; disputed 06-15
 *   INV-005003 order H2 (GA)  shipped 06-18 00:00, issued 06-20 00:00 (48 h)  taxed as TX: no match
 *   INV-005004 order H3 (TX)  shipped 06-24 18:00, issued 06-25 00:00 (6 h)   at 8.25 %, the TX rate since 06-15: matches
 *   INV-005005 order H3 (TX)  no shipment instant (before the event chain), total != subtotal + tax: no match
 * and INV-005006, issued 07-01 00:00 (the window's end, excluded), disputed 07-02.
 * Lags 6, 12, 24, 48 h: p50 12 (2nd of 4), p95 48 (4th). Accuracy 2 of 5.
 * Unapplied cash as of 07-01: PAY-000002 58.75 + PAY-000003 75.00 + PAY-005001 100.00 (its 40.00 applied only
 * on 07-02) = 233.75; PAY-005002, received 07-01 00:00, not yet.
 */
let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
const FROM = '2026-06-01T00:00:00.000Z';
const TO = '2026-07-01T00:00:00.000Z';

function invoice(
  n: number,
  order: string,
  region: string,
  rateBps: number,
  subtotal: number,
  shippedAt: string | null,
  issuedAt: string,
  extra: Partial<InvoiceRow> = {},
): InvoiceRow {
  const tax = Math.round((subtotal * rateBps) / 10_000);
  return {
    id: `INV-00${5000 + n}`,
    number: `H${n}`,
    customer_id: 'CUS-0300',
    order_id: order,
    shipment_id: `SHP-H${n}`,
    status: 'OPEN',
    currency: 'USD',
    subtotal_cents: subtotal,
    tax_region: region,
    tax_rate_bps: rateBps,
    tax_cents: tax,
    total_cents: subtotal + tax,
    issued_at: issuedAt,
    due_at: '2026-08-01T00:00:00.000Z',
    shipped_at: shippedAt,
    disputed_at: null,
    dispute_reason: null,
    ...extra,
  };
}

const ledger = (orderId: string, region: string) => ({
  order_id: orderId,
  order_number: `SO-${orderId}`,
  customer_id: 'CUS-0300',
  status: 'ACCEPTED',
  currency: 'USD',
  ship_to_region: region,
  subtotal_cents: 0,
  tax_cents: 0,
  total_cents: 0,
  accepted_at: '2026-05-30T00:00:00.000Z',
});
const ledgerLine = (orderId: string, lineNumber: number, quantity: number, unit: number) => ({
  order_id: orderId,
  line_number: lineNumber,
  product_id: `PRD-0000${lineNumber}`,
  sku: `SKU-${lineNumber}`,
  quantity,
  unit_price_cents: unit,
  extended_cents: quantity * unit,
});
const invoiceLine = (invoiceId: string, orderLine: number, quantity: number, unit: number) => ({
  invoice_id: invoiceId,
  line_number: 1,
  order_line_number: orderLine,
  product_id: `PRD-0000${orderLine}`,
  sku: `SKU-${orderLine}`,
  quantity,
  unit_price_cents: unit,
  extended_cents: quantity * unit,
});

beforeAll(async () => {
  subgraph = await openSubgraph(financeSubgraph, { dataDir: ':memory:' });
  const db = subgraph.database.db;
  await insertFixtures(db);
  await db
    .insertInto('order_ledger')
    .values([ledger('ORD-H1', 'TX'), ledger('ORD-H2', 'GA'), ledger('ORD-H3', 'TX')])
    .execute();
  await db
    .insertInto('order_ledger_lines')
    .values([
      ledgerLine('ORD-H1', 1, 10, 1000),
      ledgerLine('ORD-H1', 2, 5, 2000),
      ledgerLine('ORD-H2', 1, 4, 500),
      ledgerLine('ORD-H3', 1, 2, 3000),
    ])
    .execute();
  // TX went from 8.00 % to 8.25 % on June 15
  await db
    .insertInto('tax_rate_changes')
    .values({
      id: 'TRC-1',
      region: 'TX',
      previous_rate_bps: 800,
      rate_bps: 825,
      changed_at: '2026-06-15T00:00:00.000Z',
      changed_by: 'ops',
    })
    .execute();
  await db
    .insertInto('invoices')
    .values([
      invoice(
        1,
        'ORD-H1',
        'TX',
        800,
        10_000,
        '2026-06-10T00:00:00.000Z',
        '2026-06-10T12:00:00.000Z',
      ),
      invoice(
        2,
        'ORD-H1',
        'TX',
        800,
        10_500,
        '2026-06-11T00:00:00.000Z',
        '2026-06-12T00:00:00.000Z',
        { status: 'DISPUTED', disputed_at: '2026-06-15T09:00:00.000Z', dispute_reason: 'price' },
      ),
      invoice(3, 'ORD-H2', 'TX', 825, 2000, '2026-06-18T00:00:00.000Z', '2026-06-20T00:00:00.000Z'),
      invoice(4, 'ORD-H3', 'TX', 825, 6000, '2026-06-24T18:00:00.000Z', '2026-06-25T00:00:00.000Z'),
      invoice(5, 'ORD-H3', 'TX', 825, 3000, null, '2026-06-26T00:00:00.000Z', {
        total_cents: 3000,
      }),
      invoice(6, 'ORD-H3', 'TX', 825, 3000, '2026-06-26T20:00:00.000Z', TO, {
        status: 'DISPUTED',
        disputed_at: '2026-07-02T00:00:00.000Z',
        dispute_reason: 'late',
      }),
    ])
    .execute();
  await db
    .insertInto('invoice_lines')
    .values([
      invoiceLine('INV-005001', 1, 10, 1000),
      invoiceLine('INV-005002', 2, 5, 2100),
      invoiceLine('INV-005003', 1, 4, 500),
      invoiceLine('INV-005004', 1, 2, 3000),
      invoiceLine('INV-005005', 1, 1, 3000),
      invoiceLine('INV-005006', 1, 1, 3000),
    ])
    .execute();
  await db
    .insertInto('payments')
    .values([
      {
        id: 'PAY-005001',
        customer_id: 'CUS-0300',
        method: 'ACH',
        reference: 'H1',
        amount_cents: 10_000,
        currency: 'USD',
        received_at: '2026-06-30T00:00:00.000Z',
      },
      {
        id: 'PAY-005002',
        customer_id: 'CUS-0300',
        method: 'ACH',
        reference: 'H2',
        amount_cents: 99_999,
        currency: 'USD',
        received_at: TO,
      },
    ])
    .execute();
  await db
    .insertInto('payment_applications')
    .values({
      id: 'APP-H1',
      payment_id: 'PAY-005001',
      invoice_id: 'INV-005004',
      amount_cents: 4000,
      applied_at: '2026-07-02T00:00:00.000Z',
    })
    .execute();
});

afterAll(() => subgraph.close());

const HEALTH = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth {
  from to shipmentToInvoiceLag { count p50Hours p95Hours } invoiceAccuracy { invoicesChecked invoicesMatchingOrder rate }
  unappliedCash { amount currency } invoicesDisputed } } }`;
const health = (from: string, to: string) =>
  querySubgraph(subgraph.server, HEALTH, { r: [{ __typename: 'BusinessHealth', from, to }] });

test("June's shipment-to-invoice lag, invoice accuracy, unapplied cash and disputes, as worked out by hand", async () => {
  const result = await health(FROM, TO);
  expect(result.errors).toBeUndefined();
  expect(result.data._entities[0]).toEqual({
    from: FROM,
    to: TO,
    shipmentToInvoiceLag: { count: 4, p50Hours: 12, p95Hours: 48 },
    invoiceAccuracy: { invoicesChecked: 5, invoicesMatchingOrder: 2, rate: 0.4 },
    unappliedCash: { amount: '233.75', currency: 'USD' },
    invoicesDisputed: 1,
  });
});

test('a window without invoices nor disputes has no lag nor accuracy; unapplied cash is as of its end', async () => {
  const result = await health('2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
  expect(result.data._entities[0]).toMatchObject({
    shipmentToInvoiceLag: { count: 0, p50Hours: null, p95Hours: null },
    invoiceAccuracy: { invoicesChecked: 0, invoicesMatchingOrder: 0, rate: null },
    // 233.75 - 40.00 applied on 07-02 + 999.99 received 07-01
    unappliedCash: { amount: '1193.74' },
    invoicesDisputed: 0,
  });
});

test('a window that ends before it starts is BAD_USER_INPUT', async () => {
  const result = await health(TO, FROM);
  expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
});
