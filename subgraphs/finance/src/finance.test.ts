import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import {
  AS_OF,
  BULK_CUSTOMERS,
  bulkCustomerId,
  customerId,
  insertFixtures,
  invoiceId,
  paymentId,
  shipmentId,
} from './testing/fixtures';

let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
const query = (document: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(subgraph.server, document, variables);
const usd = (amount: string) => ({ amount, currency: 'USD' });
const ids = (connection: { edges: { node: { id: string } }[] }) =>
  connection.edges.map((e) => e.node.id);
const entities = (typename: string, keys: string[]) =>
  keys.map((id) => ({ __typename: typename, id }));
const entitiesQuery = (selection: string) =>
  `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;

beforeAll(async () => {
  subgraph = await openSubgraph(financeSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

describe('invoices', () => {
  test('resolve as entities with lines, applications and their payments in five SQL statements', async () => {
    subgraph.database.statements.count = 0;
    const result = await query(
      entitiesQuery(`... on Invoice {
        id number status customer { id } order { id } shipment { id }
        lines { lineNumber orderLineNumber product { id } sku quantity unitPrice { amount currency } extendedPrice { amount } }
        subtotal { amount currency } tax { amount } total { amount } amountPaid { amount } balance { amount currency }
        taxRegion taxRate taxRateBasisPoints issuedAt dueAt daysPastDue(asOf: "${AS_OF}")
        applications { id amount { amount } appliedAt payment { id method reference } invoice { id } }
      }`),
      { r: entities('Invoice', [1, 2, 3, 4, 5, 6, 7].map(invoiceId)) },
    );
    expect(result.errors).toBeUndefined();
    const [paid, partial, , disputed, , voided] = result.data._entities;
    expect(partial).toEqual({
      id: 'INV-000002',
      number: 'I100002',
      status: 'PARTIALLY_PAID',
      customer: { id: 'CUS-0001' },
      order: { id: 'ORD-000001' },
      shipment: { id: 'SHP-000002' },
      lines: [
        {
          lineNumber: 1,
          orderLineNumber: 1,
          product: { id: 'PRD-00001' },
          sku: 'SKU-1',
          quantity: 2,
          unitPrice: usd('100.00'),
          extendedPrice: { amount: '200.00' },
        },
      ],
      subtotal: usd('200.00'),
      tax: { amount: '16.50' },
      total: { amount: '216.50' },
      amountPaid: { amount: '100.00' },
      balance: usd('116.50'),
      taxRegion: 'TX',
      taxRate: '8.25',
      taxRateBasisPoints: 825,
      issuedAt: '2026-05-02T00:00:00.000Z',
      dueAt: '2026-06-01T00:00:00.000Z',
      daysPastDue: 30,
      applications: [
        {
          id: 'APP-000002',
          amount: { amount: '100.00' },
          appliedAt: '2026-06-06T09:00:00.000Z',
          payment: { id: 'PAY-000002', method: 'ACH', reference: 'REF-2' },
          invoice: { id: 'INV-000002' },
        },
      ],
    });
    expect(paid).toMatchObject({
      status: 'PAID',
      total: { amount: '1082.50' },
      amountPaid: { amount: '1082.50' },
      balance: usd('0.00'),
      daysPastDue: 0,
    });
    expect(
      paid.lines.map((l: any) => [l.quantity, l.unitPrice.amount, l.extendedPrice.amount]),
    ).toEqual([
      [10, '50.00', '500.00'],
      [5, '100.00', '500.00'],
    ]);
    expect(disputed).toMatchObject({
      status: 'DISPUTED',
      amountPaid: { amount: '0.00' },
      balance: usd('324.75'),
      daysPastDue: 108,
      applications: [],
    });
    // 412.5 cents of tax rounds half away from zero; a VOID invoice owes nothing and is never past due.
    expect(voided).toMatchObject({
      status: 'VOID',
      tax: { amount: '4.13' },
      total: { amount: '54.13' },
      balance: usd('0.00'),
      daysPastDue: 0,
    });
    // invoices, lines, applications, paid and credited per invoice (balances), the applications' payments (invoice { id } reuses the first loader's cache)
    expect(subgraph.database.statements.count).toBe(5);
  });

  test('daysPastDue counts a started day: due at asOf is 0, 60 and 90 full days are 60 and 90', async () => {
    const result = await query(
      `{ invoices(customerId: "CUS-0001", first: 10) { edges { node { id daysPastDue(asOf: "${AS_OF}") } } } }`,
    );
    const days = Object.fromEntries(
      result.data.invoices.edges.map((e: any) => [e.node.id, e.node.daysPastDue]),
    );
    expect(days).toEqual({
      'INV-000001': 0,
      'INV-000002': 30,
      'INV-000003': 60,
      'INV-000004': 108,
      'INV-000005': 0,
      'INV-000006': 0,
      'INV-000007': 90,
    });
  });

  test('a lookup by id or number; an unknown one is null with NOT_FOUND; both or neither is BAD_USER_INPUT', async () => {
    const byNumber = await query(`{ invoice(number: "I100003") { id balance { amount } } }`);
    expect(byNumber.data.invoice).toEqual({ id: 'INV-000003', balance: { amount: '500.00' } });
    const byId = await query(`{ invoice(id: "INV-000005") { number } }`);
    expect(byId.data.invoice).toEqual({ number: 'I100005' });
    const missing = await query(`{ invoice(id: "INV-999999") { id } }`);
    expect(missing.data.invoice).toBeNull();
    expect(missing.errors?.[0]).toMatchObject({
      path: ['invoice'],
      extensions: { code: 'NOT_FOUND' },
    });
    const both = await query(`{ invoice(id: "INV-000005", number: "I100005") { id } }`);
    expect(both.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const neither = await query(`{ invoice { id } }`);
    expect(neither.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  test('page newest first by cursor, and filter by customer, order, status and issue date', async () => {
    const first = await query(
      `{ invoices(customerId: "CUS-0001", first: 3) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    expect(ids(first.data.invoices)).toEqual([7, 6, 5].map(invoiceId));
    expect(first.data.invoices.totalCount).toBe(7);
    expect(first.data.invoices.pageInfo.hasNextPage).toBe(true);
    const second = await query(
      `query ($after: String) { invoices(customerId: "CUS-0001", first: 10, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`,
      {
        after: first.data.invoices.pageInfo.endCursor,
      },
    );
    expect(ids(second.data.invoices)).toEqual([4, 3, 2, 1].map(invoiceId));
    expect(second.data.invoices.pageInfo.hasNextPage).toBe(false);

    const all = await query(`{ invoices { totalCount } }`);
    expect(all.data.invoices.totalCount).toBe(7 + 2 * BULK_CUSTOMERS);
    const ofOrder = await query(`{ invoices(orderId: "ORD-000001") { edges { node { id } } } }`);
    expect(ids(ofOrder.data.invoices)).toEqual(['INV-000002', 'INV-000001']);
    const disputed = await query(`{ invoices(status: DISPUTED) { edges { node { id } } } }`);
    expect(ids(disputed.data.invoices)).toEqual(['INV-000004']);
    const issuedInMarch = await query(
      `{ invoices(issuedAfter: "2026-03-01T09:00:00.000Z", issuedBefore: "2026-04-01T12:00:00.000Z") { edges { node { id } } } }`,
    );
    expect(ids(issuedInMarch.data.invoices)).toEqual(['INV-000007', 'INV-000006', 'INV-000001']);
  });

  test('a negative first, a forged cursor or a reversed date range is BAD_USER_INPUT', async () => {
    for (const document of [
      `{ invoices(first: -1) { totalCount } }`,
      `{ invoices(after: "bm9wZQ") { totalCount } }`,
      `{ invoices(issuedAfter: "2026-05-01T00:00:00Z", issuedBefore: "2026-04-01T00:00:00Z") { totalCount } }`,
      `{ payments(first: -1) { totalCount } }`,
      `{ payments(receivedAfter: "2026-05-01T00:00:00Z", receivedBefore: "2026-04-01T00:00:00Z") { totalCount } }`,
    ]) {
      const result = await query(document);
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('payments', () => {
  test('a payment spread over two invoices keeps its unapplied rest; an unapplied one keeps all of it', async () => {
    subgraph.database.statements.count = 0;
    const result = await query(
      entitiesQuery(`... on Payment {
        id customer { id } method reference amount { amount currency } appliedAmount { amount } unappliedAmount { amount } receivedAt
        applications { id amount { amount } invoice { id balance { amount } } }
      }`),
      { r: entities('Payment', [1, 2, 3].map(paymentId)) },
    );
    expect(result.errors).toBeUndefined();
    const [full, spread, unapplied] = result.data._entities;
    expect(spread).toEqual({
      id: 'PAY-000002',
      customer: { id: 'CUS-0001' },
      method: 'ACH',
      reference: 'REF-2',
      amount: usd('200.00'),
      appliedAmount: { amount: '141.25' },
      unappliedAmount: { amount: '58.75' },
      receivedAt: '2026-06-05T15:00:00.000Z',
      applications: [
        {
          id: 'APP-000002',
          amount: { amount: '100.00' },
          invoice: { id: 'INV-000002', balance: { amount: '116.50' } },
        },
        {
          id: 'APP-000003',
          amount: { amount: '41.25' },
          invoice: { id: 'INV-000003', balance: { amount: '500.00' } },
        },
      ],
    });
    expect(full).toMatchObject({
      method: 'CHECK',
      appliedAmount: { amount: '1082.50' },
      unappliedAmount: { amount: '0.00' },
    });
    expect(unapplied).toMatchObject({
      method: 'WIRE',
      appliedAmount: { amount: '0.00' },
      unappliedAmount: { amount: '75.00' },
      applications: [],
    });
    // payments, their applications, the applications' invoices, those invoices' paid and credited amounts (balances)
    expect(subgraph.database.statements.count).toBe(4);
  });

  test('page newest first and filter by customer, method, received date and unapplied cash', async () => {
    const ofCustomer = await query(
      `{ payments(customerId: "CUS-0001", first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    expect(ids(ofCustomer.data.payments)).toEqual(['PAY-000003', 'PAY-000002']);
    expect(ofCustomer.data.payments.totalCount).toBe(3);
    const rest = await query(
      `query ($after: String) { payments(customerId: "CUS-0001", after: $after) { edges { node { id } } } }`,
      {
        after: ofCustomer.data.payments.pageInfo.endCursor,
      },
    );
    expect(ids(rest.data.payments)).toEqual(['PAY-000001']);
    const withCash = await query(
      `{ payments(withUnappliedCash: true) { edges { node { id unappliedAmount { amount } } } } }`,
    );
    expect(
      withCash.data.payments.edges.map((e: any) => [e.node.id, e.node.unappliedAmount.amount]),
    ).toEqual([
      ['PAY-000003', '75.00'],
      ['PAY-000002', '58.75'],
    ]);
    const wires = await query(`{ payments(method: WIRE) { edges { node { id } } } }`);
    expect(ids(wires.data.payments)).toEqual(['PAY-000003']);
    const inJune = await query(
      `{ payments(receivedAfter: "2026-06-01T15:00:00.000Z", receivedBefore: "2026-06-20T15:00:00.000Z") { totalCount } }`,
    );
    expect(inJune.data.payments.totalCount).toBe(BULK_CUSTOMERS + 1);
  });

  test('an unknown payment is null with NOT_FOUND', async () => {
    const missing = await query(`query ($id: ID) { payment(id: $id) { id } }`, {
      id: 'PAY-999999',
    });
    expect(missing.data.payment).toBeNull();
    expect(missing.errors?.[0]).toMatchObject({
      path: ['payment'],
      extensions: { code: 'NOT_FOUND' },
    });
    const found = await query(`{ payment(id: "PAY-000003") { reference } }`);
    expect(found.data.payment).toEqual({ reference: 'REF-3' });
  });
});

describe('customer receivables', () => {
  const RECEIVABLES = `... on Customer {
    id openBalance { amount currency } creditExposure { amount currency }
    aging(asOf: "${AS_OF}") { asOf current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } total { amount currency } }
  }`;

  test('open balance, credit exposure and aging add up exactly, at a fixed asOf', async () => {
    const result = await query(entitiesQuery(RECEIVABLES), {
      r: entities('Customer', [1, 2, 3].map(customerId)),
    });
    expect(result.errors).toBeUndefined();
    const [withEverything, withNothing, withOnlyOrders] = result.data._entities;
    // 116.50 + 500.00 + 324.75 (disputed) + 108.25 + 43.30; the PAID and VOID invoices owe nothing.
    expect(withEverything).toEqual({
      id: 'CUS-0001',
      openBalance: usd('1092.80'),
      creditExposure: usd('1466.25'), // + 250.00 + 123.45 of open orders
      aging: {
        asOf: AS_OF,
        current: { amount: '108.25' },
        days1To30: { amount: '116.50' },
        days31To60: { amount: '500.00' },
        days61To90: { amount: '43.30' },
        over90: { amount: '324.75' },
        total: usd('1092.80'),
      },
    });
    const zero = { amount: '0.00' };
    expect(withNothing).toEqual({
      id: 'CUS-0002',
      openBalance: usd('0.00'),
      creditExposure: usd('0.00'),
      aging: {
        asOf: AS_OF,
        current: zero,
        days1To30: zero,
        days31To60: zero,
        days61To90: zero,
        over90: zero,
        total: usd('0.00'),
      },
    });
    expect(withOnlyOrders).toMatchObject({
      openBalance: usd('0.00'),
      creditExposure: usd('50.00'),
    });
  });

  test('aging moves with asOf: 30 days later every balance has aged one bucket', async () => {
    const result =
      await query(`{ _entities(representations: [{ __typename: "Customer", id: "CUS-0001" }]) {
      ... on Customer { aging(asOf: "2026-07-30T12:00:00.000Z") { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } total { amount } } }
    } }`);
    expect(result.data._entities[0].aging).toEqual({
      current: { amount: '0.00' },
      days1To30: { amount: '108.25' },
      days31To60: { amount: '116.50' },
      days61To90: { amount: '500.00' },
      over90: { amount: '368.05' },
      total: { amount: '1092.80' },
    });
  });

  test(`for ${BULK_CUSTOMERS} customers, balances, exposure, aging and pages of invoices and payments take nine SQL statements`, async () => {
    subgraph.database.statements.count = 0;
    const keys = Array.from({ length: BULK_CUSTOMERS }, (_, i) => bulkCustomerId(i + 1));
    const result = await query(
      entitiesQuery(`${RECEIVABLES} ... on Customer {
        invoices(first: 1) { totalCount edges { node { id balance { amount } } } pageInfo { hasNextPage } }
        payments { totalCount edges { node { id unappliedAmount { amount } } } }
      }`),
      { r: entities('Customer', keys) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(BULK_CUSTOMERS);
    result.data._entities.forEach((customer: any, i: number) => {
      const k = i + 1;
      const cents = (n: number) => (n / 100).toFixed(2);
      expect(customer.id).toBe(bulkCustomerId(k));
      expect(customer.openBalance).toEqual(usd(cents(25_000 + k)));
      expect(customer.creditExposure).toEqual(usd(cents(25_000 + k + 100 * k)));
      expect(customer.aging).toMatchObject({
        current: { amount: '150.00' },
        days1To30: { amount: cents(10_000 + k) },
        over90: { amount: '0.00' },
      });
      expect(customer.invoices).toEqual({
        totalCount: 2,
        edges: [{ node: { id: invoiceId(1000 + 2 * k), balance: { amount: '150.00' } } }],
        pageInfo: { hasNextPage: true },
      });
      expect(customer.payments).toEqual({
        totalCount: 1,
        edges: [{ node: { id: paymentId(1000 + k), unappliedAmount: { amount: '0.00' } } }],
      });
    });
    // aged receivables at asOf, at now (openBalance, creditExposure), open orders, credit reservations, invoice page,
    // invoice count, the invoices' paid and credited amounts (balances), payment page, payment count, the payments' applications
    expect(subgraph.database.statements.count).toBe(10);
  });

  test('without asOf, balance, exposure and aging share one aggregate statement (exposure adds open orders and reservations)', async () => {
    subgraph.database.statements.count = 0;
    const result = await query(
      entitiesQuery(
        `... on Customer { openBalance { amount } creditExposure { amount } aging { asOf total { amount } } }`,
      ),
      {
        r: entities('Customer', [1, 2, 3].map(customerId)),
      },
    );
    expect(result.data._entities[0]).toMatchObject({
      openBalance: { amount: '1092.80' },
      aging: { total: { amount: '1092.80' } },
    });
    expect(Date.parse(result.data._entities[0].aging.asOf)).toBeGreaterThan(Date.parse(AS_OF));
    expect(subgraph.database.statements.count).toBe(3);
  });

  test("a customer's invoices page and filter like Query.invoices", async () => {
    const result = await query(
      entitiesQuery(
        `... on Customer { disputed: invoices(status: DISPUTED) { totalCount edges { node { id } } } recent: invoices(first: 2, issuedAfter: "2026-05-01T00:00:00.000Z") { edges { node { id } } } }`,
      ),
      { r: entities('Customer', [customerId(1), customerId(2)]) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities[0].disputed).toEqual({
      totalCount: 1,
      edges: [{ node: { id: 'INV-000004' } }],
    });
    expect(ids(result.data._entities[0].recent)).toEqual(['INV-000005', 'INV-000002']);
    expect(result.data._entities[1].disputed).toEqual({ totalCount: 0, edges: [] });
  });
});

describe('orders and shipments', () => {
  test("an order's invoices and a shipment's invoice resolve in one statement each", async () => {
    subgraph.database.statements.count = 0;
    const orders = await query(
      entitiesQuery(`... on Order { id invoices { id total { amount } } }`),
      {
        r: entities('Order', ['ORD-000001', 'ORD-000002', 'ORD-000099']),
      },
    );
    expect(orders.data._entities).toEqual([
      {
        id: 'ORD-000001',
        invoices: [
          { id: 'INV-000001', total: { amount: '1082.50' } },
          { id: 'INV-000002', total: { amount: '216.50' } },
        ],
      },
      { id: 'ORD-000002', invoices: [{ id: 'INV-000003', total: { amount: '541.25' } }] },
      { id: 'ORD-000099', invoices: [] },
    ]);
    expect(subgraph.database.statements.count).toBe(1);

    subgraph.database.statements.count = 0;
    const shipments = await query(
      entitiesQuery(`... on Shipment { id invoice { id shipment { id } } }`),
      {
        r: entities('Shipment', [shipmentId(4), shipmentId(999), shipmentId(1)]),
      },
    );
    expect(shipments.data._entities).toEqual([
      { id: 'SHP-000004', invoice: { id: 'INV-000004', shipment: { id: 'SHP-000004' } } },
      { id: 'SHP-000999', invoice: null },
      { id: 'SHP-000001', invoice: { id: 'INV-000001', shipment: { id: 'SHP-000001' } } },
    ]);
    expect(subgraph.database.statements.count).toBe(1);
  });
});

test('lists the tax rates by region', async () => {
  const result = await query(`{ taxRates { region rate rateBasisPoints } }`);
  expect(result.data.taxRates).toEqual([
    { region: 'GA', rate: '4.00', rateBasisPoints: 400 },
    { region: 'OR', rate: '0.00', rateBasisPoints: 0 },
    { region: 'TX', rate: '8.25', rateBasisPoints: 825 },
  ]);
});
