import type { Kysely } from 'kysely';
import type {
  FinanceDB,
  InvoiceLineRow,
  InvoiceRow,
  OpenOrderRow,
  PaymentApplicationRow,
  PaymentRow,
} from '../migrations';

/**
 * A small, exact ledger for the tests, aged at AS_OF.
 *
 * CUS-0001 (Texas, 8.25 % tax) has one invoice of every kind:
 *   INV-000001 PAID            total 1082.50, paid in full by PAY-000001
 *   INV-000002 PARTIALLY_PAID  total  216.50, 100.00 paid by PAY-000002, due 29.5 days before AS_OF   -> 1-30
 *   INV-000003 PARTIALLY_PAID  total  541.25,  41.25 paid by PAY-000002, due exactly 60 days before    -> 31-60
 *   INV-000004 DISPUTED        total  324.75, nothing paid, due 107.5 days before                       -> over 90
 *   INV-000005 OPEN            total  108.25, due exactly at AS_OF                                      -> current
 *   INV-000006 VOID            total   54.13, owes nothing
 *   INV-000007 OPEN            total   43.30, due exactly 90 days before                                -> 61-90
 * PAY-000002 (200.00) is spread over INV-000002 and INV-000003, leaving 58.75 unapplied;
 * PAY-000003 (75.00) is not applied at all. Two open orders add 250.00 + 123.45 to its exposure.
 * CUS-0002 has nothing; CUS-0003 has only an open order of 50.00.
 * CUS-0101..CUS-0150 ("bulk" customer k) have two invoices, one payment and one open order each, for batching.
 */
export const AS_OF = '2026-06-30T12:00:00.000Z';

export const invoiceId = (n: number) => `INV-${String(n).padStart(6, '0')}`;
export const paymentId = (n: number) => `PAY-${String(n).padStart(6, '0')}`;
export const orderId = (n: number) => `ORD-${String(n).padStart(6, '0')}`;
export const shipmentId = (n: number) => `SHP-${String(n).padStart(6, '0')}`;
export const customerId = (n: number) => `CUS-${String(n).padStart(4, '0')}`;
export const bulkCustomerId = (k: number) => customerId(100 + k);
export const BULK_CUSTOMERS = 50;

function invoice(
  n: number,
  fields: Pick<
    InvoiceRow,
    'customer_id' | 'order_id' | 'status' | 'subtotal_cents' | 'issued_at' | 'due_at'
  > &
    Partial<InvoiceRow>,
): InvoiceRow {
  const rateBps = fields.tax_rate_bps ?? 825;
  const tax = fields.tax_cents ?? Math.round((fields.subtotal_cents * rateBps) / 10_000);
  return {
    id: invoiceId(n),
    number: `I${100_000 + n}`,
    shipment_id: shipmentId(n),
    currency: 'USD',
    tax_region: 'TX',
    tax_rate_bps: rateBps,
    tax_cents: tax,
    total_cents: fields.subtotal_cents + tax,
    shipped_at: null,
    disputed_at: null,
    dispute_reason: null,
    ...fields,
  };
}

const scenario = (
  n: number,
  order: number,
  status: string,
  subtotal: number,
  issuedAt: string,
  dueAt: string,
) =>
  invoice(n, {
    customer_id: customerId(1),
    order_id: orderId(order),
    status,
    subtotal_cents: subtotal,
    issued_at: issuedAt,
    due_at: dueAt,
  });

export const SCENARIO_INVOICES: InvoiceRow[] = [
  scenario(1, 1, 'PAID', 100_000, '2026-03-01T09:00:00.000Z', '2026-03-31T00:00:00.000Z'),
  scenario(2, 1, 'PARTIALLY_PAID', 20_000, '2026-05-02T00:00:00.000Z', '2026-06-01T00:00:00.000Z'),
  scenario(3, 2, 'PARTIALLY_PAID', 50_000, '2026-04-01T12:00:00.000Z', '2026-05-01T12:00:00.000Z'),
  scenario(4, 3, 'DISPUTED', 30_000, '2026-02-13T00:00:00.000Z', '2026-03-15T00:00:00.000Z'),
  scenario(5, 4, 'OPEN', 10_000, '2026-05-31T12:00:00.000Z', AS_OF),
  scenario(6, 5, 'VOID', 5_000, '2026-03-02T00:00:00.000Z', '2026-04-01T00:00:00.000Z'),
  scenario(7, 6, 'OPEN', 4_000, '2026-03-02T12:00:00.000Z', '2026-04-01T12:00:00.000Z'),
];

/**
 * Invoice lines: INV-000001 has two (10 x 50.00 and 5 x 100.00); every other invoice one of 2 units at
 * half its subtotal, or of 1 unit when the subtotal is an odd number of cents (cents are whole, in every database).
 */
function linesOf(row: InvoiceRow): InvoiceLineRow[] {
  const line = (line_number: number, quantity: number, unit: number): InvoiceLineRow => ({
    invoice_id: row.id,
    line_number,
    order_line_number: line_number,
    product_id: `PRD-0000${line_number}`,
    sku: `SKU-${line_number}`,
    quantity,
    unit_price_cents: unit,
    extended_cents: quantity * unit,
  });
  if (row.id === invoiceId(1)) return [line(1, 10, 5_000), line(2, 5, 10_000)];
  return row.subtotal_cents % 2 === 0
    ? [line(1, 2, row.subtotal_cents / 2)]
    : [line(1, 1, row.subtotal_cents)];
}

const payment = (
  n: number,
  customer: string,
  method: string,
  amount: number,
  receivedAt: string,
): PaymentRow => ({
  id: paymentId(n),
  customer_id: customer,
  method,
  reference: `REF-${n}`,
  amount_cents: amount,
  currency: 'USD',
  received_at: receivedAt,
});

export const SCENARIO_PAYMENTS: PaymentRow[] = [
  payment(1, customerId(1), 'CHECK', 108_250, '2026-03-28T15:00:00.000Z'),
  payment(2, customerId(1), 'ACH', 20_000, '2026-06-05T15:00:00.000Z'),
  payment(3, customerId(1), 'WIRE', 7_500, '2026-06-20T15:00:00.000Z'),
];

export const SCENARIO_APPLICATIONS: PaymentApplicationRow[] = [
  {
    id: 'APP-000001',
    payment_id: paymentId(1),
    invoice_id: invoiceId(1),
    amount_cents: 108_250,
    applied_at: '2026-03-29T09:00:00.000Z',
  },
  // Applied to the later invoice first, so ordering by applied_at is proven, not inherited from insertion.
  {
    id: 'APP-000003',
    payment_id: paymentId(2),
    invoice_id: invoiceId(3),
    amount_cents: 4_125,
    applied_at: '2026-06-06T10:00:00.000Z',
  },
  {
    id: 'APP-000002',
    payment_id: paymentId(2),
    invoice_id: invoiceId(2),
    amount_cents: 10_000,
    applied_at: '2026-06-06T09:00:00.000Z',
  },
];

export const SCENARIO_OPEN_ORDERS: OpenOrderRow[] = [
  { order_id: orderId(10), customer_id: customerId(1), uninvoiced_cents: 25_000, currency: 'USD' },
  { order_id: orderId(11), customer_id: customerId(1), uninvoiced_cents: 12_345, currency: 'USD' },
  { order_id: orderId(12), customer_id: customerId(3), uninvoiced_cents: 5_000, currency: 'USD' },
];

/**
 * Bulk customer k: an OPEN invoice of 100.00 + k cents due 10.5 days before AS_OF (1-30), and a
 * PARTIALLY_PAID one of 200.00 due after AS_OF (current) with 50.00 applied; open balance 250.00 + k cents;
 * an open order of k x 1.00.
 */
export function bulkRows(k: number) {
  const customer = bulkCustomerId(k);
  const untaxed = {
    tax_rate_bps: 0,
    tax_region: 'OR',
    customer_id: customer,
    order_id: orderId(1000 + k),
    issued_at: '2026-05-20T00:00:00.000Z',
  };
  const invoices = [
    invoice(1000 + 2 * k - 1, {
      ...untaxed,
      status: 'OPEN',
      subtotal_cents: 10_000 + k,
      due_at: '2026-06-20T00:00:00.000Z',
    }),
    invoice(1000 + 2 * k, {
      ...untaxed,
      status: 'PARTIALLY_PAID',
      subtotal_cents: 20_000,
      due_at: '2026-07-10T00:00:00.000Z',
    }),
  ];
  const payments = [payment(1000 + k, customer, 'ACH', 5_000, '2026-06-01T15:00:00.000Z')];
  const applications: PaymentApplicationRow[] = [
    {
      id: `APP-${1000 + k}`,
      payment_id: payments[0].id,
      invoice_id: invoices[1].id,
      amount_cents: 5_000,
      applied_at: '2026-06-01T16:00:00.000Z',
    },
  ];
  const openOrders: OpenOrderRow[] = [
    {
      order_id: orderId(2000 + k),
      customer_id: customer,
      uninvoiced_cents: 100 * k,
      currency: 'USD',
    },
  ];
  return { invoices, payments, applications, openOrders };
}

export async function insertFixtures(db: Kysely<FinanceDB>): Promise<void> {
  await db
    .insertInto('tax_rates')
    .values([
      { region: 'TX', rate_bps: 825 },
      { region: 'GA', rate_bps: 400 },
      { region: 'OR', rate_bps: 0 },
    ])
    .execute();
  const bulk = Array.from({ length: BULK_CUSTOMERS }, (_, i) => bulkRows(i + 1));
  const invoices = [...SCENARIO_INVOICES, ...bulk.flatMap((b) => b.invoices)];
  await db.insertInto('invoices').values(invoices).execute();
  await db.insertInto('invoice_lines').values(invoices.flatMap(linesOf)).execute();
  await db
    .insertInto('payments')
    .values([...SCENARIO_PAYMENTS, ...bulk.flatMap((b) => b.payments)])
    .execute();
  await db
    .insertInto('payment_applications')
    .values([...SCENARIO_APPLICATIONS, ...bulk.flatMap((b) => b.applications)])
    .execute();
  await db
    .insertInto('open_orders')
    .values([...SCENARIO_OPEN_ORDERS, ...bulk.flatMap((b) => b.openOrders)])
    .execute();
}
