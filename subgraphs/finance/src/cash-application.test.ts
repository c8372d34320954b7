import { openSubgraph, type CallerIdentity, type RunningSubgraph } from '@switchyard/kit';
import { outboxRows, querySubgraph } from '@switchyard/kit/testing';
import { customersSubgraph } from '@switchyard/customers';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { distributorOf, INTERNAL } from './testing/events';

/**
 * Cash application through the graph, with the customers subgraph it asks whether a customer exists
 * served for real over HTTP. Fixture invoices of CUS-0001 (see testing/fixtures.ts): INV-000001 PAID,
 * INV-000002 PARTIALLY_PAID owing 116.50, INV-000003 PARTIALLY_PAID owing 500.00, INV-000004 DISPUTED,
 * INV-000005 OPEN 108.25, INV-000006 VOID, INV-000007 OPEN 43.30; PAY-000003 holds 75.00 unapplied.
 */
let finance: RunningSubgraph<FinanceDB, FinanceStore>;
let customers: RunningSubgraph<any, any>;
const serviceUrls = new Map<string, string>();
const db = () => finance.database.db;

beforeAll(async () => {
  customers = await openSubgraph(customersSubgraph, { dataDir: ':memory:' });
  await customers.database.db
    .insertInto('customers')
    .values(
      ['CUS-0001', 'CUS-0002', 'CUS-0101'].map((id, i) => ({
        id,
        account_number: `A${1000 + i}`,
        name: `Customer ${id}`,
        status: 'ACTIVE',
        segment: 'WHOLESALE',
        payment_terms: 'NET30',
        credit_limit_cents: 5_000_000,
        currency: 'USD',
        created_at: '2026-01-01T00:00:00.000Z',
      })),
    )
    .execute();
  const address = await customers.server.listen({ host: '127.0.0.1', port: 0 });
  serviceUrls.set('customers', `${address}/graphql`);
  finance = await openSubgraph(financeSubgraph, { dataDir: ':memory:', serviceUrls });
  await insertFixtures(finance.database.db);
});

afterAll(async () => {
  await finance.close();
  await customers.close();
});

const PAY = `mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) {
  id customer { id } method reference amount { amount currency } appliedAmount { amount } unappliedAmount { amount } receivedAt
  applications { amount { amount } invoice { id status balance { amount } } } } }`;
const pay = (
  input: Record<string, unknown>,
  identity: Omit<CallerIdentity, 'exp'> = INTERNAL,
  correlationId = 'corr-pay',
) =>
  querySubgraph(
    finance.server,
    PAY,
    { input: { customerId: 'CUS-0001', method: 'ACH', reference: 'ACH TRACE 1', ...input } },
    { 'x-correlation-id': correlationId },
    identity,
  );
const APPLY = `mutation ($id: ID!, $applications: [CashApplicationInput!]!) { applyUnappliedCash(paymentId: $id, applications: $applications) {
  id appliedAmount { amount } unappliedAmount { amount } } }`;

/** Everything a refused command must leave as it was. */
async function ledgerState() {
  return {
    payments: await db().selectFrom('payments').selectAll().orderBy('id').execute(),
    applications: await db().selectFrom('payment_applications').selectAll().orderBy('id').execute(),
    statuses: await db().selectFrom('invoices').select(['id', 'status']).orderBy('id').execute(),
    outbox: await outboxRows(db()),
  };
}

describe('recordPayment', () => {
  test('pays an invoice in full: it becomes PAID, and PaymentApplied says so with the request correlation id', async () => {
    const before = (await outboxRows(db())).length;
    const result = await pay(
      {
        amount: '43.30',
        receivedAt: '2026-06-29T10:00:00.000Z',
        applications: [{ invoiceId: 'INV-000007', amount: '43.30' }],
      },
      INTERNAL,
      'corr-pay-1',
    );
    expect(result.errors).toBeUndefined();
    const payment = result.data.recordPayment;
    expect(payment).toEqual({
      id: 'PAY-001051',
      customer: { id: 'CUS-0001' },
      method: 'ACH',
      reference: 'ACH TRACE 1',
      amount: { amount: '43.30', currency: 'USD' },
      appliedAmount: { amount: '43.30' },
      unappliedAmount: { amount: '0.00' },
      receivedAt: '2026-06-29T10:00:00.000Z',
      applications: [
        {
          amount: { amount: '43.30' },
          invoice: { id: 'INV-000007', status: 'PAID', balance: { amount: '0.00' } },
        },
      ],
    });
    expect((await outboxRows(db())).slice(before)).toEqual([
      {
        type: 'PaymentApplied',
        source: 'finance',
        aggregateId: 'PAY-001051',
        correlationId: 'corr-pay-1',
        payload: {
          paymentId: 'PAY-001051',
          customerId: 'CUS-0001',
          currency: 'USD',
          amountCents: 4330,
          unappliedCents: 0,
          invoices: [
            {
              invoiceId: 'INV-000007',
              orderId: 'ORD-000006',
              appliedCents: 4330,
              balanceCents: 0,
              status: 'PAID',
            },
          ],
        },
      },
    ]);
  });

  test('spreads a payment over two invoices, partly, and keeps the rest as unapplied cash', async () => {
    const result = await pay({
      amount: '500',
      applications: [
        { invoiceId: 'INV-000005', amount: '100.00' },
        { invoiceId: 'INV-000003', amount: '300' },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.recordPayment).toMatchObject({
      amount: { amount: '500.00' },
      appliedAmount: { amount: '400.00' },
      unappliedAmount: { amount: '100.00' },
      applications: [
        {
          amount: { amount: '100.00' },
          invoice: { id: 'INV-000005', status: 'PARTIALLY_PAID', balance: { amount: '8.25' } },
        },
        {
          amount: { amount: '300.00' },
          invoice: { id: 'INV-000003', status: 'PARTIALLY_PAID', balance: { amount: '200.00' } },
        },
      ],
    });
    const [event] = (await outboxRows(db())).slice(-1);
    expect(event.payload).toMatchObject({
      amountCents: 50_000,
      unappliedCents: 10_000,
      invoices: [
        {
          invoiceId: 'INV-000005',
          appliedCents: 10_000,
          balanceCents: 825,
          status: 'PARTIALLY_PAID',
        },
        {
          invoiceId: 'INV-000003',
          appliedCents: 30_000,
          balanceCents: 20_000,
          status: 'PARTIALLY_PAID',
        },
      ],
    });
  });

  test('cash without applications is kept unapplied, and no invoice changed so nothing is announced', async () => {
    const before = await ledgerState();
    const result = await pay({ amount: '250.00', method: 'WIRE', reference: 'FED REF 1' });
    expect(result.data.recordPayment).toMatchObject({
      method: 'WIRE',
      unappliedAmount: { amount: '250.00' },
      applications: [],
    });
    expect(await outboxRows(db())).toEqual(before.outbox);
    const unapplied = await querySubgraph(
      finance.server,
      `{ payments(customerId: "CUS-0001", withUnappliedCash: true, first: 10) { edges { node { id } } } }`,
    );
    expect(unapplied.data.payments.edges.map((e: any) => e.node.id)).toContain(
      result.data.recordPayment.id,
    );
  });

  test.each([
    [
      'more than the invoice still owes',
      { amount: '200.00', applications: [{ invoiceId: 'INV-000002', amount: '116.51' }] },
      'input.applications[0].amount',
    ],
    [
      'more than the payment, all applications together',
      {
        amount: '10.00',
        applications: [
          { invoiceId: 'INV-000002', amount: '6.00' },
          { invoiceId: 'INV-000003', amount: '6.00' },
        ],
      },
      'input.applications',
    ],
    [
      'an invoice of another customer',
      {
        customerId: 'CUS-0002',
        amount: '10.00',
        applications: [{ invoiceId: 'INV-000002', amount: '5.00' }],
      },
      'input.applications[0].invoiceId',
    ],
    [
      'an invoice that does not exist',
      { amount: '10.00', applications: [{ invoiceId: 'INV-999999', amount: '5.00' }] },
      'input.applications[0].invoiceId',
    ],
    [
      'the same invoice twice',
      {
        amount: '10.00',
        applications: [
          { invoiceId: 'INV-000002', amount: '1.00' },
          { invoiceId: 'INV-000002', amount: '1.00' },
        ],
      },
      'input.applications[1].invoiceId',
    ],
    [
      'an invoice in another currency',
      {
        amount: '10.00',
        currency: 'EUR',
        applications: [{ invoiceId: 'INV-000002', amount: '5.00' }],
      },
      'input.applications[0].invoiceId',
    ],
    ['an amount of zero', { amount: '0.00' }, 'input.amount'],
    ['a negative amount', { amount: '-5.00' }, 'input.amount'],
    ['an amount with three decimals', { amount: '5.005' }, 'input.amount'],
    [
      'an application of zero',
      { amount: '5.00', applications: [{ invoiceId: 'INV-000002', amount: '0' }] },
      'input.applications[0].amount',
    ],
    ['an empty reference', { amount: '5.00', reference: '  ' }, 'input.reference'],
    ['a currency that is no ISO code', { amount: '5.00', currency: 'usd' }, 'input.currency'],
    [
      'cash received in the future',
      { amount: '5.00', receivedAt: '2099-01-01T00:00:00.000Z' },
      'input.receivedAt',
    ],
    [
      'a customer the customer master does not know',
      { customerId: 'CUS-9999', amount: '5.00' },
      'input.customerId',
    ],
  ])('%s is BAD_USER_INPUT naming it, and nothing is written', async (_name, input, argument) => {
    const before = await ledgerState();
    const result = await pay(input);
    expect(result.data.recordPayment).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(await ledgerState()).toEqual(before);
  });

  test("a refusal names what the invoice still owes only to a caller holding finance:read (Invoice.balance's scope)", async () => {
    const input = {
      amount: '200.00',
      applications: [{ invoiceId: 'INV-000002', amount: '116.51' }],
    };
    const writer = await pay(input);
    expect(writer.errors?.[0].message).toBe(
      'input.applications[0].amount: 116.51 is more than invoice INV-000002 still owes',
    );
    const reader = await pay(input, { ...INTERNAL, scopes: ['finance:write', 'finance:read'] });
    expect(reader.errors?.[0].message).toMatch(
      /^input\.applications\[0\]\.amount: 116\.51 is more than invoice INV-000002 still owes \(\d+\.\d{2}\)$/,
    );
    expect(reader.errors?.[0].extensions).toEqual(writer.errors?.[0].extensions);
  });

  test.each([
    ['VOID', 'INV-000006'],
    ['PAID', 'INV-000001'],
    ['DISPUTED', 'INV-000004'],
  ])(
    'a %s invoice takes no cash: INVALID_STATE_TRANSITION naming it, nothing written',
    async (status, invoiceId) => {
      const before = await ledgerState();
      const result = await pay({
        amount: '50.00',
        applications: [
          { invoiceId: 'INV-000002', amount: '10.00' },
          { invoiceId, amount: '1.00' },
        ],
      });
      expect(result.data.recordPayment).toBeNull();
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        typeName: 'Invoice',
        id: invoiceId,
        from: status,
      });
      expect(result.errors?.[0].message).toContain(`(${invoiceId}) is ${status}`);
      expect(await ledgerState()).toEqual(before);
    },
  );

  test('a distributor pays for its own customers only: for another it is FORBIDDEN and nothing is written', async () => {
    const partner = distributorOf('CUS-0101');
    const before = await ledgerState();
    const foreign = await pay(
      { amount: '10.00', applications: [{ invoiceId: 'INV-000002', amount: '10.00' }] },
      partner,
    );
    expect(foreign.data.recordPayment).toBeNull();
    expect(foreign.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await ledgerState()).toEqual(before);
    // bulk customer 1's PARTIALLY_PAID INV-001002 owes 150.00
    const own = await pay(
      {
        customerId: 'CUS-0101',
        amount: '150.00',
        applications: [{ invoiceId: 'INV-001002', amount: '150.00' }],
      },
      partner,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data.recordPayment.applications[0].invoice).toEqual({
      id: 'INV-001002',
      status: 'PAID',
      balance: { amount: '0.00' },
    });
  });

  test('the customers subgraph down is DEPENDENCY_UNAVAILABLE, and nothing is written', async () => {
    const up = serviceUrls.get('customers')!;
    serviceUrls.set('customers', 'http://127.0.0.1:9/graphql');
    try {
      const before = await ledgerState();
      const result = await pay({
        amount: '10.00',
        applications: [{ invoiceId: 'INV-000002', amount: '10.00' }],
      });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        subgraph: 'customers',
      });
      expect(await ledgerState()).toEqual(before);
    } finally {
      serviceUrls.set('customers', up);
    }
  });
});

describe('applyUnappliedCash', () => {
  test("applies what a payment still holds, by the same rules, and announces the invoice's new balance", async () => {
    const over = await querySubgraph(
      finance.server,
      APPLY,
      { id: 'PAY-000003', applications: [{ invoiceId: 'INV-000002', amount: '75.01' }] },
      {},
      INTERNAL,
    );
    expect(over.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'applications',
    });
    const result = await querySubgraph(
      finance.server,
      APPLY,
      { id: 'PAY-000003', applications: [{ invoiceId: 'INV-000005', amount: '8.25' }] },
      { 'x-correlation-id': 'corr-apply' },
      INTERNAL,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.applyUnappliedCash).toEqual({
      id: 'PAY-000003',
      appliedAmount: { amount: '8.25' },
      unappliedAmount: { amount: '66.75' },
    });
    const [event] = (await outboxRows(db())).slice(-1);
    expect(event).toMatchObject({
      type: 'PaymentApplied',
      correlationId: 'corr-apply',
      payload: {
        paymentId: 'PAY-000003',
        amountCents: 7500,
        unappliedCents: 6675,
        invoices: [{ invoiceId: 'INV-000005', appliedCents: 825, balanceCents: 0, status: 'PAID' }],
      },
    });
  });

  test('an unknown payment is NOT_FOUND, and a foreign one the same NOT_FOUND', async () => {
    const unknown = await querySubgraph(
      finance.server,
      APPLY,
      { id: 'PAY-999999', applications: [{ invoiceId: 'INV-000002', amount: '1.00' }] },
      {},
      INTERNAL,
    );
    expect(unknown.errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      typeName: 'Payment',
    });
    const foreign = await querySubgraph(
      finance.server,
      APPLY,
      { id: 'PAY-000003', applications: [{ invoiceId: 'INV-000002', amount: '1.00' }] },
      {},
      distributorOf('CUS-0101'),
    );
    expect(foreign.data).toEqual(unknown.data);
    expect(foreign.errors?.[0]).toMatchObject({
      message: 'Payment "PAY-000003" does not exist',
      extensions: { code: 'NOT_FOUND', typeName: 'Payment', id: 'PAY-000003' },
    });
    expect(unknown.errors?.[0].message).toBe('Payment "PAY-999999" does not exist');
  });
});
