import { randomUUID } from 'node:crypto';
import { openSubgraph, OrderToCashEvent, type RunningSubgraph } from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { customersSubgraph } from '@switchyard/customers';
import { sql } from 'kysely';
import { invoiceShipment, recordOpenOrder } from './event-handlers';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import type { DisputeLedgerDB } from './migrations';
import { insertFixtures } from './testing/fixtures';
import {
  customersService,
  INTERNAL,
  line,
  orderAccepted,
  shipmentConfirmed,
} from './testing/events';

/**
 * The finance commands and handlers on PostgreSQL (TEST_DATABASE_URL, default the local server), in a
 * schema of their own dropped afterwards: the same SQL as on SQLite, plus what only PostgreSQL runs
 * concurrently (row locks on invoices, one id sequence at a time).
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `finance_test_${randomUUID().slice(0, 8)}`;
let finance: RunningSubgraph<FinanceDB, FinanceStore>;
let customers: RunningSubgraph<any, any>;
const db = () => finance.database.db;

beforeAll(async () => {
  customers = await openSubgraph(customersSubgraph, { dataDir: ':memory:' });
  await customers.database.db
    .insertInto('customers')
    .values({
      id: 'CUS-0001',
      account_number: 'A1',
      name: 'Acme',
      status: 'ACTIVE',
      segment: 'WHOLESALE',
      payment_terms: 'NET30',
      credit_limit_cents: 1,
      currency: 'USD',
      created_at: '2026-01-01T00:00:00.000Z',
    })
    .execute();
  const address = await customers.server.listen({ host: '127.0.0.1', port: 0 });
  finance = await openSubgraph(financeSubgraph, {
    databaseUrl,
    databaseSchema: schema,
    serviceUrls: new Map([['customers', `${address}/graphql`]]),
  });
  await insertFixtures(finance.database.db);
});

afterAll(async () => {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(finance.database.db);
  await finance.close();
  await customers.close();
});

const pay = (invoiceId: string, amount: string) =>
  querySubgraph(
    finance.server,
    `mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { id applications { invoice { id status } } } }`,
    {
      input: {
        customerId: 'CUS-0001',
        method: 'ACH',
        reference: `pg ${invoiceId} ${amount}`,
        amount,
        applications: [{ invoiceId, amount }],
      },
    },
    {},
    INTERNAL,
  );

test('an order is recorded, its shipment invoiced once, and June health reads it back', async () => {
  const order = orderAccepted('ORD-800001', 'CUS-0001', 'TX', [line(1, 4, 2500)], 825);
  await deliverEvent(
    recordOpenOrder,
    testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
    finance.store,
    db(),
    customersService('NET30'),
  );
  const shipped = testEvent(
    OrderToCashEvent.ShipmentConfirmed,
    'SHP-800001',
    shipmentConfirmed(
      'SHP-800001',
      order,
      [[1, 4]],
      new Date(Date.now() - 6 * 3_600_000).toISOString(),
    ),
  );
  await Promise.all(
    [1, 2, 3].map(() =>
      deliverEvent(invoiceShipment, shipped, finance.store, db(), customersService('NET30')).catch(
        () => undefined,
      ),
    ),
  );
  const invoices = await finance.store.invoicesByShipmentIds(['SHP-800001']);
  expect(invoices).toHaveLength(1);
  expect(invoices[0]).toMatchObject({
    id: 'INV-001101',
    subtotalCents: 10_000,
    taxCents: 825,
    totalCents: 10_825,
  });
  expect((await outboxRows(db())).filter((r) => r.type === 'InvoiceIssued')).toHaveLength(1);

  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const health = await querySubgraph(
    finance.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { shipmentToInvoiceLag { count } invoiceAccuracy { invoicesChecked rate } } } }`,
    { r: [{ __typename: 'BusinessHealth', from, to }] },
  );
  expect(health.data._entities[0]).toEqual({
    shipmentToInvoiceLag: { count: 1 },
    invoiceAccuracy: { invoicesChecked: 1, rate: 1 },
  });
});

test('two payments racing for one balance: one applies it, the other is refused, nothing is over-applied', async () => {
  // INV-000005 is OPEN for 108.25
  const results = await Promise.all([pay('INV-000005', '108.25'), pay('INV-000005', '108.25')]);
  const applied = results.filter((r) => !r.errors);
  const refused = results.filter((r) => r.errors);
  expect(applied).toHaveLength(1);
  expect(refused.map((r) => r.errors![0].extensions.code)).toEqual(['INVALID_STATE_TRANSITION']);
  const total = await db()
    .selectFrom('payment_applications')
    .select((eb) => eb.fn.sum<number>('amount_cents').as('cents'))
    .where('invoice_id', '=', 'INV-000005')
    .executeTakeFirstOrThrow();
  expect(Number(total.cents)).toBe(10_825);
});

test('payments to different invoices at once all succeed, each with its own id', async () => {
  const results = await Promise.all([
    pay('INV-000007', '10.00'),
    pay('INV-000002', '10.00'),
    pay('INV-000003', '10.00'),
    pay('INV-000007', '10.00'),
  ]);
  expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined]);
  expect(new Set(results.map((r) => r.data.recordPayment.id)).size).toBe(4);
});

test('two resolutions racing for one dispute: one credits the balance, the other finds it settled; balances read the credit', async () => {
  // INV-000004 is DISPUTED for 324.75, nothing paid
  const RESOLVE = `mutation { resolveDispute(invoiceId: "INV-000004", outcome: CREDITED, note: "pg race", creditAmount: "324.75") { status balance { amount } } }`;
  const results = await Promise.all(
    [1, 2].map(() => querySubgraph(finance.server, RESOLVE, {}, {}, INTERNAL)),
  );
  const settled = results.filter((r) => !r.errors);
  expect(settled.map((r) => r.data.resolveDispute)).toEqual([
    { status: 'PAID', balance: { amount: '0.00' } },
  ]);
  expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions)).toEqual([
    expect.objectContaining({ code: 'INVALID_STATE_TRANSITION', from: 'PAID' }),
  ]);
  const credits = await db()
    .withTables<DisputeLedgerDB>()
    .selectFrom('credit_memos')
    .select((eb) => eb.fn.sum<number>('amount_cents').as('cents'))
    .where('invoice_id', '=', 'INV-000004')
    .executeTakeFirstOrThrow();
  expect(Number(credits.cents)).toBe(32_475);
  expect((await outboxRows(db())).filter((r) => r.type === 'InvoiceDisputeResolved')).toHaveLength(
    1,
  );
  const aging = await querySubgraph(
    finance.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { aging(asOf: "2026-06-30T12:00:00.000Z") { over90 { amount } } } } }`,
    { r: [{ __typename: 'Customer', id: 'CUS-0001' }] },
  );
  expect(aging.data._entities[0].aging.over90).toEqual({ amount: '0.00' });
});
