import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { customersSubgraph, type CustomersDB, type CustomerStore } from './index';

let subgraph: RunningSubgraph<CustomersDB, CustomerStore>;

beforeAll(async () => {
  subgraph = await openSubgraph(customersSubgraph, { dataDir: ':memory:' });
  const db = subgraph.database.db;
  for (let i = 1; i <= 30; i++) {
    const id = `CUS-${String(i).padStart(4, '0')}`;
    await db
      .insertInto('customers')
      .values({
        id,
        account_number: `A${1000 + i}`,
        name: i === 7 ? 'Acme Industrial Supply' : `Customer ${i}`,
        status: i % 10 === 0 ? 'ON_HOLD' : 'ACTIVE',
        segment: 'WHOLESALE',
        payment_terms: 'NET30',
        credit_limit_cents: 5_000_000 + i,
        currency: 'USD',
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    await db
      .insertInto('addresses')
      .values([
        {
          id: `${id}-B`,
          customer_id: id,
          kind: 'BILL_TO',
          name: 'AP',
          line1: '1 Main St',
          line2: null,
          city: 'Atlanta',
          region: 'GA',
          postal_code: '30301',
          country: 'US',
          is_default: 1,
        },
        {
          id: `${id}-S`,
          customer_id: id,
          kind: 'SHIP_TO',
          name: 'Dock',
          line1: '9 Dock Rd',
          line2: null,
          city: 'Dallas',
          region: 'TX',
          postal_code: '75201',
          country: 'US',
          is_default: 1,
        },
      ])
      .execute();
    await db
      .insertInto('contacts')
      .values({
        id: `${id}-C`,
        customer_id: id,
        name: 'Pat Buyer',
        role: 'BUYER',
        email: `pat${i}@example.com`,
        phone: '555-0100',
        is_primary: 1,
      })
      .execute();
  }
});

afterAll(() => subgraph.close());

test('resolves Customer entities in one batch, with money as a decimal string', async () => {
  subgraph.database.statements.count = 0;
  const representations = Array.from({ length: 25 }, (_, i) => ({
    __typename: 'Customer',
    id: `CUS-${String(i + 1).padStart(4, '0')}`,
  }));
  const result = await querySubgraph(
    subgraph.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name creditLimit { amount currency } contacts { email } billTo { city } shipTo { region } } } }`,
    { r: representations },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data._entities).toHaveLength(25);
  expect(result.data._entities[0]).toEqual({
    id: 'CUS-0001',
    name: 'Customer 1',
    creditLimit: { amount: '50000.01', currency: 'USD' },
    contacts: [{ email: 'pat1@example.com' }],
    billTo: { city: 'Atlanta' },
    shipTo: { region: 'TX' },
  });
  // one query for customers, one for their channels (row dimension), one for contacts, one for addresses
  expect(subgraph.database.statements.count).toBe(4);
});

test('pages customers by cursor and filters by status and search', async () => {
  const first = await querySubgraph(
    subgraph.server,
    `{ customers(first: 10) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
  );
  expect(first.data.customers.edges).toHaveLength(10);
  expect(first.data.customers.totalCount).toBe(30);
  expect(first.data.customers.pageInfo.hasNextPage).toBe(true);
  const second = await querySubgraph(
    subgraph.server,
    `query ($after: String) { customers(first: 10, after: $after) { edges { node { id } } } }`,
    {
      after: first.data.customers.pageInfo.endCursor,
    },
  );
  expect(second.data.customers.edges[0].node.id).toBe('CUS-0011');

  const onHold = await querySubgraph(
    subgraph.server,
    `{ customers(status: ON_HOLD) { edges { node { id status } } } }`,
  );
  expect(onHold.data.customers.edges.map((e: any) => e.node.id)).toEqual([
    'CUS-0010',
    'CUS-0020',
    'CUS-0030',
  ]);
  const acme = await querySubgraph(
    subgraph.server,
    `{ customers(search: "acme") { edges { node { name } } } }`,
  );
  expect(acme.data.customers.edges).toEqual([{ node: { name: 'Acme Industrial Supply' } }]);
});

test('an unknown id is null with NOT_FOUND; a negative first or a forged cursor is BAD_USER_INPUT', async () => {
  const missing = await querySubgraph(subgraph.server, `{ customer(id: "CUS-9999") { id } }`);
  expect(missing.data.customer).toBeNull();
  expect(missing.errors?.[0].extensions.code).toBe('NOT_FOUND');
  const negative = await querySubgraph(subgraph.server, `{ customers(first: -1) { totalCount } }`);
  expect(negative.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  const forged = await querySubgraph(
    subgraph.server,
    `{ customers(after: "bm9wZQ") { totalCount } }`,
  );
  expect(forged.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
});

test('returns the caller correlation id, or a new one', async () => {
  const echoed = await querySubgraph(
    subgraph.server,
    `{ __typename }`,
    {},
    { 'x-correlation-id': 'req-42' },
  );
  expect(echoed.headers['x-correlation-id']).toBe('req-42');
  const fresh = await querySubgraph(subgraph.server, `{ __typename }`);
  expect(String(fresh.headers['x-correlation-id'])).toMatch(/^[0-9a-f-]{36}$/);
});
