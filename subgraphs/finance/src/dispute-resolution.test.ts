import {
  ClassifiedTextError,
  openSubgraph,
  renderClassifiedText,
  type CallerIdentity,
  type RunningSubgraph,
} from '@switchyard/kit';
import { outboxRows, querySubgraph } from '@switchyard/kit/testing';
import { settleDispute } from './dispute-resolution';
import { financeSubgraph, type FinanceDB, type FinanceStore, type Invoice } from './index';
import type { DisputeLedgerDB } from './migrations';
import { AS_OF, insertFixtures } from './testing/fixtures';
import { distributorOf, INTERNAL } from './testing/events';

/**
 * Settling disputes through the graph, on the fixture ledger of CUS-0001 (testing/fixtures.ts): INV-000004
 * DISPUTED 324.75 nothing paid (over 90), INV-000002 PARTIALLY_PAID owing 116.50 of 216.50 (1-30),
 * INV-000005 OPEN 108.25 (current), INV-000001 PAID, INV-000006 VOID; open balance 1092.80,
 * credit exposure 1466.25. PAY-000003 holds 75.00 unapplied. A fresh ledger for each test.
 */
let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
const db = () => subgraph.database.db.withTables<DisputeLedgerDB>();
const query = (
  document: string,
  variables: Record<string, unknown> = {},
  identity: Omit<CallerIdentity, 'exp'> = INTERNAL,
  correlationId = 'corr-resolve',
) =>
  querySubgraph(
    subgraph.server,
    document,
    variables,
    { 'x-correlation-id': correlationId },
    identity,
  );

beforeEach(async () => {
  subgraph = await openSubgraph(financeSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});
afterEach(() => subgraph.close());

const RESOLVE = `mutation ($id: ID!, $outcome: DisputeOutcome!, $note: String!, $credit: String) {
  resolveDispute(invoiceId: $id, outcome: $outcome, note: $note, creditAmount: $credit) {
    id status total { amount } amountPaid { amount } amountCredited { amount } balance { amount }
    creditMemos { id amount { amount } reason } disputeResolutions { outcome note disputeReason creditMemoId } } }`;
const resolve = (
  id: string,
  outcome: string,
  credit: string | null = null,
  note = 'Checked the POD',
  identity = INTERNAL,
) => query(RESOLVE, { id, outcome, note, credit }, identity, `corr-resolve-${id}`);
const dispute = async (id: string) => {
  const result = await query(
    `mutation ($id: ID!) { disputeInvoice(invoiceId: $id, reason: "Short shipped") { status } }`,
    { id },
  );
  expect(result.data.disputeInvoice).toEqual({ status: 'DISPUTED' });
};

const RECEIVABLES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
  openBalance { amount } creditExposure { amount }
  aging(asOf: "${AS_OF}") { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } total { amount } } } } }`;
async function receivablesOfCustomer1() {
  const result = await query(RECEIVABLES, { r: [{ __typename: 'Customer', id: 'CUS-0001' }] });
  expect(result.errors).toBeUndefined();
  const { openBalance, creditExposure, aging } = result.data._entities[0];
  const amounts = Object.fromEntries(
    Object.entries(aging as Record<string, { amount: string }>).map(([bucket, m]) => [
      bucket,
      m.amount,
    ]),
  );
  return { openBalance: openBalance.amount, creditExposure: creditExposure.amount, ...amounts };
}
const FIXTURE_RECEIVABLES = {
  openBalance: '1092.80',
  creditExposure: '1466.25',
  current: '108.25',
  days1To30: '116.50',
  days31To60: '500.00',
  days61To90: '43.30',
  over90: '324.75',
  total: '1092.80',
};

/** Everything a refused command must leave as it was. */
async function ledgerState() {
  return {
    invoices: await db().selectFrom('invoices').select(['id', 'status']).orderBy('id').execute(),
    credits: await db().selectFrom('credit_memos').selectAll().execute(),
    resolutions: await db().selectFrom('dispute_resolutions').selectAll().execute(),
    outbox: await outboxRows(db()),
  };
}

describe('resolveDispute', () => {
  test('REJECTED: an unpaid invoice stands, back to OPEN and still owed in full; InvoiceDisputeResolved is written with it', async () => {
    const before = (await outboxRows(db())).length;
    const result = await resolve('INV-000004', 'REJECTED', null, '  Delivery signed in full  ');
    expect(result.errors).toBeUndefined();
    expect(result.data.resolveDispute).toEqual({
      id: 'INV-000004',
      status: 'OPEN',
      total: { amount: '324.75' },
      amountPaid: { amount: '0.00' },
      amountCredited: { amount: '0.00' },
      balance: { amount: '324.75' },
      creditMemos: [],
      disputeResolutions: [
        {
          outcome: 'REJECTED',
          note: 'Delivery signed in full',
          disputeReason: null,
          creditMemoId: null,
        },
      ],
    });
    expect((await outboxRows(db())).slice(before)).toEqual([
      {
        type: 'InvoiceDisputeResolved',
        source: 'finance',
        aggregateId: 'INV-000004',
        correlationId: 'corr-resolve-INV-000004',
        payload: {
          invoiceId: 'INV-000004',
          orderId: 'ORD-000003',
          customerId: 'CUS-0001',
          currency: 'USD',
          outcome: 'REJECTED',
          note: 'Delivery signed in full',
          creditMemoId: null,
          creditedCents: 0,
          balanceCents: 32_475,
          status: 'OPEN',
        },
      },
    ]);
    expect(await receivablesOfCustomer1()).toEqual(FIXTURE_RECEIVABLES);
  });

  test('REJECTED: a partly paid invoice goes back to PARTIALLY_PAID, remembering what was contested', async () => {
    await dispute('INV-000002');
    const result = await resolve('INV-000002', 'REJECTED');
    expect(result.errors).toBeUndefined();
    expect(result.data.resolveDispute).toMatchObject({
      status: 'PARTIALLY_PAID',
      balance: { amount: '116.50' },
      disputeResolutions: [{ outcome: 'REJECTED', disputeReason: 'Short shipped' }],
    });
    expect(await receivablesOfCustomer1()).toEqual(FIXTURE_RECEIVABLES);
  });

  test('CREDITED in part: a credit memo lowers the balance, not the total; aging, open balance and exposure drop by it; cash may then settle the rest, never more', async () => {
    await dispute('INV-000005');
    const result = await resolve('INV-000005', 'CREDITED', '50.00', 'Two cartons damaged');
    expect(result.errors).toBeUndefined();
    expect(result.data.resolveDispute).toEqual({
      id: 'INV-000005',
      status: 'OPEN',
      total: { amount: '108.25' },
      amountPaid: { amount: '0.00' },
      amountCredited: { amount: '50.00' },
      balance: { amount: '58.25' },
      creditMemos: [
        { id: 'CM-000001', amount: { amount: '50.00' }, reason: 'Two cartons damaged' },
      ],
      disputeResolutions: [
        {
          outcome: 'CREDITED',
          note: 'Two cartons damaged',
          disputeReason: 'Short shipped',
          creditMemoId: 'CM-000001',
        },
      ],
    });
    expect((await outboxRows(db())).at(-1)!.payload).toMatchObject({
      outcome: 'CREDITED',
      creditMemoId: 'CM-000001',
      creditedCents: 5_000,
      balanceCents: 5_825,
      status: 'OPEN',
    });
    expect(await receivablesOfCustomer1()).toEqual({
      ...FIXTURE_RECEIVABLES,
      openBalance: '1042.80',
      creditExposure: '1416.25',
      current: '58.25',
      total: '1042.80',
    });

    const APPLY = `mutation ($amount: String!) { applyUnappliedCash(paymentId: "PAY-000003", applications: [{ invoiceId: "INV-000005", amount: $amount }]) { id } }`;
    const over = await query(APPLY, { amount: '58.26' });
    expect(over.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'applications[0].amount',
    });
    expect((await query(APPLY, { amount: '58.25' })).errors).toBeUndefined();
    const paid = await query(
      `{ invoice(id: "INV-000005") { status amountPaid { amount } amountCredited { amount } balance { amount } daysPastDue(asOf: "${AS_OF}") } }`,
    );
    expect(paid.data.invoice).toEqual({
      status: 'PAID',
      amountPaid: { amount: '58.25' },
      amountCredited: { amount: '50.00' },
      balance: { amount: '0.00' },
      daysPastDue: 0,
    });
  });

  test('CREDITED in part on a partly paid invoice keeps it PARTIALLY_PAID', async () => {
    await dispute('INV-000002');
    const result = await resolve('INV-000002', 'CREDITED', '16.5');
    expect(result.data.resolveDispute).toMatchObject({
      status: 'PARTIALLY_PAID',
      amountPaid: { amount: '100.00' },
      amountCredited: { amount: '16.50' },
      balance: { amount: '100.00' },
    });
    expect(await receivablesOfCustomer1()).toMatchObject({
      openBalance: '1076.30',
      days1To30: '100.00',
    });
  });

  test('CREDITED for the whole balance: the invoice is PAID and leaves the receivables', async () => {
    const result = await resolve('INV-000004', 'CREDITED', '324.75');
    expect(result.errors).toBeUndefined();
    expect(result.data.resolveDispute).toMatchObject({
      status: 'PAID',
      total: { amount: '324.75' },
      amountCredited: { amount: '324.75' },
      balance: { amount: '0.00' },
    });
    expect((await outboxRows(db())).at(-1)!.payload).toMatchObject({
      creditedCents: 32_475,
      balanceCents: 0,
      status: 'PAID',
    });
    expect(await receivablesOfCustomer1()).toEqual({
      ...FIXTURE_RECEIVABLES,
      openBalance: '768.05',
      creditExposure: '1141.50',
      over90: '0.00',
      total: '768.05',
    });
  });

  test('VOIDED: an invoice nothing was paid on becomes VOID and owes nothing; no credit memo is needed', async () => {
    const result = await resolve('INV-000004', 'VOIDED', null, 'Billed to the wrong account');
    expect(result.errors).toBeUndefined();
    expect(result.data.resolveDispute).toMatchObject({
      status: 'VOID',
      total: { amount: '324.75' },
      amountCredited: { amount: '0.00' },
      balance: { amount: '0.00' },
      creditMemos: [],
    });
    expect((await outboxRows(db())).at(-1)).toMatchObject({
      type: 'InvoiceDisputeResolved',
      payload: { outcome: 'VOIDED', balanceCents: 0, status: 'VOID', creditedCents: 0 },
    });
    expect(await receivablesOfCustomer1()).toEqual({
      ...FIXTURE_RECEIVABLES,
      openBalance: '768.05',
      creditExposure: '1141.50',
      over90: '0.00',
      total: '768.05',
    });
  });

  test('VOIDED is refused (INVALID_STATE_TRANSITION) once cash was applied, and nothing changes', async () => {
    await dispute('INV-000002');
    const before = await ledgerState();
    const result = await resolve('INV-000002', 'VOIDED');
    expect(result.data.resolveDispute).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      typeName: 'Invoice',
      id: 'INV-000002',
      from: 'DISPUTED',
      to: 'VOID',
    });
    expect(result.errors?.[0].message).toContain('credit its balance instead');
    expect(await ledgerState()).toEqual(before);
  });

  test.each([
    ['OPEN', 'INV-000005', 'REJECTED', 'OPEN'],
    ['PAID', 'INV-000001', 'CREDITED', 'PAID'],
    ['VOID', 'INV-000006', 'VOIDED', 'VOID'],
    ['PARTIALLY_PAID', 'INV-000002', 'REJECTED', 'OPEN'],
  ])(
    'a %s invoice has no dispute to resolve: INVALID_STATE_TRANSITION, nothing written',
    async (status, id, outcome, to) => {
      const before = await ledgerState();
      const result = await resolve(id, outcome, outcome === 'CREDITED' ? '1.00' : null);
      expect(result.data.resolveDispute).toBeNull();
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        typeName: 'Invoice',
        id,
        from: status,
        to,
      });
      expect(await ledgerState()).toEqual(before);
    },
  );

  test('a resolved dispute cannot be resolved again; the invoice may be disputed anew', async () => {
    expect((await resolve('INV-000004', 'REJECTED')).errors).toBeUndefined();
    const again = await resolve('INV-000004', 'CREDITED', '1.00');
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: 'OPEN',
    });
    await dispute('INV-000004');
    const second = await resolve('INV-000004', 'CREDITED', '24.75');
    expect(second.data.resolveDispute).toMatchObject({
      status: 'OPEN',
      balance: { amount: '300.00' },
    });
    expect(
      second.data.resolveDispute.disputeResolutions.map((r: { outcome: string }) => r.outcome),
    ).toEqual(['REJECTED', 'CREDITED']);
  });

  test.each([
    ['CREDITED without an amount', 'CREDITED', null, 'ok', 'creditAmount'],
    ['a zero credit', 'CREDITED', '0.00', 'ok', 'creditAmount'],
    ['a negative credit', 'CREDITED', '-5.00', 'ok', 'creditAmount'],
    ['a credit that is no amount', 'CREDITED', 'ten', 'ok', 'creditAmount'],
    ['a credit over the balance', 'CREDITED', '324.76', 'ok', 'creditAmount'],
    ['a credit with another outcome', 'REJECTED', '1.00', 'ok', 'creditAmount'],
    ['an empty note', 'REJECTED', null, '   ', 'note'],
    ['an overlong note', 'VOIDED', null, 'x'.repeat(501), 'note'],
  ])(
    '%s is BAD_USER_INPUT naming the argument, and writes nothing',
    async (_name, outcome, credit, note, argument) => {
      const before = await ledgerState();
      const result = await resolve('INV-000004', outcome, credit, note);
      expect(result.data.resolveDispute).toBeNull();
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(await ledgerState()).toEqual(before);
      expect(before.invoices.find((i) => i.id === 'INV-000004')!.status).toBe('DISPUTED');
    },
  );

  test('an unknown invoice is NOT_FOUND', async () => {
    const result = await resolve('INV-999999', 'REJECTED');
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', typeName: 'Invoice' });
  });

  test("a distributor resolves its own customers' disputes only: another customer's is NOT_FOUND, as an unknown one, and unchanged", async () => {
    const before = await ledgerState();
    const foreign = await resolve(
      'INV-000004',
      'VOIDED',
      null,
      'not ours',
      distributorOf('CUS-0101'),
    );
    expect(foreign.data.resolveDispute).toBeNull();
    expect(foreign.errors?.[0]).toMatchObject({
      message: 'Invoice "INV-000004" does not exist',
      extensions: { code: 'NOT_FOUND', typeName: 'Invoice', id: 'INV-000004' },
    });
    expect(await ledgerState()).toEqual(before);
    expect(
      (await resolve('INV-000004', 'REJECTED', null, 'ours', distributorOf('CUS-0001'))).data
        .resolveDispute.status,
    ).toBe('OPEN');
  });
});

describe('settleDispute', () => {
  const disputed = { id: 'INV-1', number: 'I1', status: 'DISPUTED', totalCents: 10_000 } as Invoice;

  test('statuses follow the balance and what was paid', () => {
    expect(
      settleDispute({ invoice: disputed, paidCents: 0, creditedCents: 0 }, 'REJECTED', null),
    ).toEqual({ status: 'OPEN', creditCents: 0, balanceCents: 10_000 });
    expect(
      settleDispute({ invoice: disputed, paidCents: 1, creditedCents: 0 }, 'REJECTED', null),
    ).toEqual({ status: 'PARTIALLY_PAID', creditCents: 0, balanceCents: 9_999 });
    // Earlier credits count: only what is still owed may be credited.
    expect(
      settleDispute(
        { invoice: disputed, paidCents: 4_000, creditedCents: 1_000 },
        'CREDITED',
        5_000,
      ),
    ).toEqual({ status: 'PAID', creditCents: 5_000, balanceCents: 0 });
    expect(() =>
      settleDispute(
        { invoice: disputed, paidCents: 4_000, creditedCents: 1_000 },
        'CREDITED',
        5_001,
      ),
    ).toThrow(/^creditAmount: 50\.01 is more than invoice \S+ still owes$/);
    // The balance (finance:read's) is in the error's text, for the server to render to a caller holding it.
    const refusal = (() => {
      try {
        settleDispute(
          { invoice: disputed, paidCents: 4_000, creditedCents: 1_000 },
          'CREDITED',
          5_001,
        );
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ClassifiedTextError);
    const financeReader = { kind: 'internal' as const, scopes: ['finance:read'] };
    expect(renderClassifiedText((refusal as ClassifiedTextError).text, financeReader)).toMatch(
      /still owes \(50\.00\)$/,
    );
    expect(
      settleDispute({ invoice: disputed, paidCents: 0, creditedCents: 1_000 }, 'VOIDED', null),
    ).toEqual({ status: 'VOID', creditCents: 0, balanceCents: 0 });
  });
});
