import { openSubgraph, type CallerIdentity, type RunningSubgraph } from '@switchyard/kit';
import { outboxRows, querySubgraph } from '@switchyard/kit/testing';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { distributorOf, INTERNAL } from './testing/events';

let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
const db = () => subgraph.database.db;
const query = (
  document: string,
  variables: Record<string, unknown> = {},
  identity: Omit<CallerIdentity, 'exp'> = INTERNAL,
  correlationId = 'corr-command',
) =>
  querySubgraph(
    subgraph.server,
    document,
    variables,
    { 'x-correlation-id': correlationId },
    identity,
  );

beforeAll(async () => {
  subgraph = await openSubgraph(financeSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

const DISPUTE = `mutation ($id: ID!, $reason: String!) { disputeInvoice(invoiceId: $id, reason: $reason) { id status balance { amount } } }`;
const statusOf = async (id: string) =>
  await db()
    .selectFrom('invoices')
    .select(['status', 'disputed_at', 'dispute_reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('disputeInvoice', () => {
  test.each([
    ['OPEN', 'INV-000005', '108.25'],
    ['PARTIALLY_PAID', 'INV-000002', '116.50'],
  ])(
    '%s: the invoice becomes DISPUTED, still owed, and InvoiceDisputed is announced with it',
    async (_status, id, balance) => {
      const before = (await outboxRows(db())).length;
      const result = await query(
        DISPUTE,
        { id, reason: '  Short shipped: 2 cartons missing ' },
        INTERNAL,
        `corr-dispute-${id}`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.disputeInvoice).toEqual({
        id,
        status: 'DISPUTED',
        balance: { amount: balance },
      });
      const row = await statusOf(id);
      expect(row).toMatchObject({
        status: 'DISPUTED',
        dispute_reason: 'Short shipped: 2 cartons missing',
      });
      expect(Math.abs(Date.parse(row.disputed_at!) - Date.now())).toBeLessThan(60_000);
      expect((await outboxRows(db())).slice(before)).toEqual([
        {
          type: 'InvoiceDisputed',
          source: 'finance',
          aggregateId: id,
          correlationId: `corr-dispute-${id}`,
          payload: {
            invoiceId: id,
            orderId: id === 'INV-000005' ? 'ORD-000004' : 'ORD-000001',
            customerId: 'CUS-0001',
            reason: 'Short shipped: 2 cartons missing',
          },
        },
      ]);
    },
  );

  test.each([
    ['PAID', 'INV-000001'],
    ['VOID', 'INV-000006'],
    ['DISPUTED', 'INV-000004'],
  ])(
    'a %s invoice cannot be disputed: INVALID_STATE_TRANSITION, nothing written',
    async (status, id) => {
      const before = await outboxRows(db());
      const result = await query(DISPUTE, { id, reason: 'wrong price' });
      expect(result.data.disputeInvoice).toBeNull();
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        typeName: 'Invoice',
        id,
        from: status,
        to: 'DISPUTED',
      });
      expect(result.errors?.[0].message).toContain(`is ${status}`);
      expect((await statusOf(id)).status).toBe(status);
      expect(await outboxRows(db())).toEqual(before);
    },
  );

  test('an unknown invoice is NOT_FOUND; an empty or overlong reason is BAD_USER_INPUT naming it', async () => {
    const unknown = await query(DISPUTE, { id: 'INV-999999', reason: 'x' });
    expect(unknown.errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      typeName: 'Invoice',
    });
    for (const reason of ['   ', 'x'.repeat(501)]) {
      const bad = await query(DISPUTE, { id: 'INV-000007', reason });
      expect(bad.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'reason',
      });
    }
    expect((await statusOf('INV-000007')).status).toBe('OPEN');
  });

  test("a distributor disputes its own customers' invoices only: another customer's is NOT_FOUND, as an unknown one, and unchanged", async () => {
    const partner = distributorOf('CUS-0101');
    const foreign = await query(DISPUTE, { id: 'INV-000007', reason: 'not ours' }, partner);
    expect(foreign.data.disputeInvoice).toBeNull();
    expect(foreign.errors?.[0]).toMatchObject({
      message: 'Invoice "INV-000007" does not exist',
      extensions: { code: 'NOT_FOUND', typeName: 'Invoice', id: 'INV-000007' },
    });
    // checked after the input, as an unknown invoice is: a bad reason is refused alike for both
    const badReason = { reason: '   ' };
    const unknownBad = await query(DISPUTE, { id: 'INV-999999', ...badReason }, partner);
    const foreignBad = await query(DISPUTE, { id: 'INV-000007', ...badReason }, partner);
    expect(foreignBad.errors).toEqual(unknownBad.errors);
    expect((await statusOf('INV-000007')).status).toBe('OPEN');
    const own = await query(DISPUTE, { id: 'INV-001001', reason: 'damaged' }, partner);
    expect(own.errors).toBeUndefined();
    expect(own.data.disputeInvoice.status).toBe('DISPUTED');
  });
});

describe('tax rates', () => {
  test('taxRate answers a region, or null with NOT_FOUND', async () => {
    const tx = await query(`{ taxRate(region: "TX") { region rate rateBasisPoints } }`);
    expect(tx.data.taxRate).toEqual({ region: 'TX', rate: '8.25', rateBasisPoints: 825 });
    const none = await query(`{ taxRate(region: "ZZ") { region } }`);
    expect(none.data.taxRate).toBeNull();
    expect(none.errors?.[0]).toMatchObject({
      path: ['taxRate'],
      extensions: { code: 'NOT_FOUND', typeName: 'TaxRate', id: 'ZZ' },
    });
  });

  test('setTaxRate changes a rate, keeping what it replaced; the same rate again records nothing', async () => {
    const SET = `mutation ($r: String!, $bps: Int!) { setTaxRate(region: $r, rateBasisPoints: $bps) { region rateBasisPoints } }`;
    expect((await query(SET, { r: 'GA', bps: 450 })).data.setTaxRate).toEqual({
      region: 'GA',
      rateBasisPoints: 450,
    });
    expect((await query(SET, { r: 'GA', bps: 450 })).data.setTaxRate).toEqual({
      region: 'GA',
      rateBasisPoints: 450,
    });
    expect((await query(SET, { r: 'WA', bps: 0 })).data.setTaxRate).toEqual({
      region: 'WA',
      rateBasisPoints: 0,
    });
    const changes = await db()
      .selectFrom('tax_rate_changes')
      .select(['region', 'previous_rate_bps', 'rate_bps', 'changed_by'])
      .orderBy('changed_at')
      .orderBy('region')
      .execute();
    expect(changes).toEqual([
      { region: 'GA', previous_rate_bps: 400, rate_bps: 450, changed_by: 'dev-finance-ops' },
      { region: 'WA', previous_rate_bps: null, rate_bps: 0, changed_by: 'dev-finance-ops' },
    ]);
    expect((await query(`{ taxRate(region: "GA") { rateBasisPoints } }`)).data.taxRate).toEqual({
      rateBasisPoints: 450,
    });
  });

  test.each([
    ['a rate over 25 %', 'TX', 2501, 'rateBasisPoints'],
    ['a negative rate', 'TX', -1, 'rateBasisPoints'],
    ['a lower-case region', 'tx', 825, 'region'],
    ['a region that is no code', 'TEXAS', 825, 'region'],
  ])(
    '%s is BAD_USER_INPUT naming the argument, and nothing changes',
    async (_name, region, bps, argument) => {
      const result = await query(
        `mutation ($r: String!, $bps: Int!) { setTaxRate(region: $r, rateBasisPoints: $bps) { region } }`,
        { r: region, bps },
      );
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect((await query(`{ taxRate(region: "TX") { rateBasisPoints } }`)).data.taxRate).toEqual({
        rateBasisPoints: 825,
      });
    },
  );

  test('a partner restricted to its own rows cannot change a rate (FORBIDDEN)', async () => {
    const result = await query(
      `mutation { setTaxRate(region: "TX", rateBasisPoints: 100) { region } }`,
      {},
      distributorOf('CUS-0001'),
    );
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await query(`{ taxRate(region: "TX") { rateBasisPoints } }`)).data.taxRate).toEqual({
      rateBasisPoints: 825,
    });
  });
});
