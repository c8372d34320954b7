import { openDatabase, redactedText, renderClassifiedText, type TextReader } from '@switchyard/kit';
import { creditLimitExceeded, legacyHoldText } from './hold-details';
import { migrations, type OrdersDB } from './migrations';

const webStore: TextReader = { kind: 'ecommerce', scopes: ['orders:read'] };
const creditDesk: TextReader = { kind: 'internal', scopes: ['orders:read', 'credit:read'] };
const everyScope: TextReader = {
  kind: 'internal',
  scopes: ['credit:read', 'finance:read', 'catalog:cost:read', 'contacts:read'],
};

test("a CREDIT hold names the customer's credit figures to credit:read only", () => {
  const detail = creditLimitExceeded({
    orderTotalCents: 117_330,
    currency: 'USD',
    exposureCents: 1_815_847,
    limitCents: 1_900_000,
  });
  expect(renderClassifiedText(detail, creditDesk)).toBe(
    'Order total 1173.30 USD exceeds the available credit of 841.53: credit exposure 18158.47, credit limit 19000.00',
  );
  expect(renderClassifiedText(detail, webStore)).toBe(
    'Order total 1173.30 USD exceeds the available credit',
  );
});

describe('legacy details (one sentence, no facts)', () => {
  test("order capture's and the seed's credit sentences are taken apart, their figures classified", () => {
    const checks = legacyHoldText(
      'CREDIT',
      'Credit exposure 2000.00 + this order 8659.13 = 10659.13 USD exceeds the credit limit of 10000.00',
    );
    expect(renderClassifiedText(checks, creditDesk)).toBe(
      'Order total 8659.13 USD exceeds the available credit of 8000.00: credit exposure 2000.00, credit limit 10000.00',
    );
    expect(redactedText(checks)).toBe('Order total 8659.13 USD exceeds the available credit');
    const seed = legacyHoldText(
      'CREDIT',
      'Order total $1173.30 exceeds available credit of $841.53 (limit $19000.00)',
    );
    expect(renderClassifiedText(seed, creditDesk)).toBe(
      'Order total $1173.30 exceeds the available credit of $841.53 (limit $19000.00)',
    );
    expect(redactedText(seed)).toBe('Order total $1173.30 exceeds the available credit');
  });

  test('a known sentence with nothing guarded stays whole; an unknown one is for a reader with every scope', () => {
    const stock = 'SKU GAD-200: 9 requested, 8 available across warehouses';
    expect(redactedText(legacyHoldText('INVENTORY', stock))).toBe(stock);
    const unknown = legacyHoldText('CREDIT', 'Limit 19000.00, call Jane Doe at 555-0100');
    expect(renderClassifiedText(unknown, creditDesk)).toBe(
      'The order exceeds the available credit',
    );
    expect(renderClassifiedText(unknown, everyScope)).toBe(
      'The order exceeds the available credit: Limit 19000.00, call Jane Doe at 555-0100',
    );
    expect(redactedText(legacyHoldText('__proto__', 'x'))).toBe('The order is on hold');
  });

  test('0004 converts the rows already written: detail keeps what anyone may read, detail_facts the figures', async () => {
    const { '0004_classified_hold_details': convert, ...before } = migrations;
    const database = await openDatabase<OrdersDB>({
      name: 'orders',
      dataDir: ':memory:',
      migrations: before,
    });
    try {
      const db = database.db;
      await db
        .insertInto('orders')
        .values({
          id: 'ORD-1',
          number: 'SO-1',
          customer_id: 'CUS-1',
          status: 'ON_HOLD',
          channel: 'PORTAL',
          po_number: null,
          ship_to_address_id: 'ADR-1',
          ship_to_name: 'Dock',
          ship_to_line1: '1 Main',
          ship_to_city: 'Austin',
          ship_to_region: 'TX',
          ship_to_postal_code: '78701',
          ship_to_country: 'US',
          currency: 'USD',
          subtotal_cents: 100,
          tax_cents: 0,
          total_cents: 100,
          placed_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
          idempotency_key: null,
          allow_backorder: 0,
          allocated_at: null,
          backordered_at: null,
        })
        .execute();
      const hold = (id: string, reason: string, detail: string) => ({
        id,
        order_id: 'ORD-1',
        reason,
        detail,
        placed_at: '2026-01-01T00:00:00.000Z',
        released_at: null,
        released_by: null,
        dependency: null,
        release_note: null,
      });
      await db
        .insertInto('holds')
        .values([
          hold(
            'HLD-1',
            'CREDIT',
            'Order total $1.00 exceeds available credit of $0.50 (limit $19000.00)',
          ),
          hold('HLD-2', 'PRICING', 'Below the floor price of 3.10'),
        ])
        .execute();
      await convert.up(db);
      const rows = await db
        .selectFrom('holds')
        .select(['id', 'detail', 'detail_facts'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.detail)).toEqual([
        'Order total $1.00 exceeds the available credit',
        'A price on the order needs review',
      ]);
      expect(JSON.parse(rows[0].detail_facts!).values.limit).toEqual({
        value: '19000.00',
        class: 'credit',
      });
      expect(JSON.parse(rows[1].detail_facts!).values.detail.class).toBe('unknown');
    } finally {
      await database.close();
    }
  });
});
