/**
 * Subgraphs never trust a caller blindly: each of the six real subgraph servers (seeded SQLite,
 * over HTTP, as the gateway reaches them) refuses every identity header it did not get signed for
 * itself (missing, forged, wrong secret, expired, another subgraph's, no audience, malformed,
 * sent twice), and scopes rows
 * to the signed caller; a row outside the caller's scope answers as one that does not exist. Every expectation is computed from the seed data written to the databases.
 */
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  signIdentity,
  type CallerIdentity,
} from '@switchyard/kit';
import { forgedIdentityHeaders } from '@switchyard/kit/testing';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { Dataset } from '@switchyard/seed';
import { startGraph, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
let data: Dataset;

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.05 });
  data = graph.dataset!;
}, 120_000);
afterAll(() => graph.close());

type Identity = Omit<CallerIdentity, 'exp'>;
const internal: Identity = { id: 'dev-sales-portal', kind: 'internal', scopes: [], tenant: null };
const distributor: Identity = {
  id: 'dev-acme-distributor',
  kind: 'distributor',
  scopes: ['orders:read', 'finance:read'],
  tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
};
const thirdPartyLogistics: Identity = {
  id: 'dev-fastfreight-3pl',
  kind: '3pl',
  scopes: ['shipments:write', 'orders:read'],
  tenant: { customerIds: [], carrierIds: ['CAR-FASTFREIGHT'] },
};
const webStore: Identity = {
  id: 'dev-web-store',
  kind: 'ecommerce',
  scopes: ['orders:read', 'orders:write'],
  tenant: null,
};

interface Answer {
  status: number;
  body: {
    data?: any;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  };
}

function subgraphUrl(name: string): string {
  const address = graph.subgraphs[name].server.server.address() as AddressInfo;
  return `http://${address.address}:${address.port}`;
}

/** POSTs to one subgraph over HTTP with exactly these headers (a list: the header sent once per value). */
async function postTo(
  name: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string | string[]>,
): Promise<Answer> {
  const response = await request(`${subgraphUrl(name)}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] };
}

/** Queries one subgraph as `caller`, with an identity signed for it as the gateway signs it. */
const as =
  (caller: Identity) =>
  (name: string, query: string, variables: Record<string, unknown> = {}) =>
    postTo(name, query, variables, {
      [IDENTITY_HEADER]: signIdentity({ ...caller, aud: name }, DEVELOPMENT_IDENTITY_SECRET),
    });

/** Every id a connection field lists for `caller`, page by page (sorted: order is not what this suite tests), and its totalCount. */
async function listAll(
  caller: Identity,
  name: string,
  field: string,
  args = '',
): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount: number;
  do {
    const { body } = await as(caller)(
      name,
      `query ($after: String) { ${field}(first: 100, after: $after${args}) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data[field];
    totalCount = page.totalCount;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return { ids: ascending(ids), totalCount };
}

const ascending = (ids: string[]) => [...ids].sort();

/**
 * The answer to a lookup of `foreign` (a row outside the caller's scope) is the answer to a lookup of
 * `missing` (an id no row has), the key aside: null with NOT_FOUND, the same message shape and
 * extensions, so a row-scoped caller cannot tell which ids exist.
 */
async function expectSameAnswer(
  caller: Identity,
  name: string,
  selection: (key: string) => string,
  foreign: string,
  missing: string,
): Promise<void> {
  const answerTo = async (key: string) => {
    const answer = await as(caller)(name, `{ ${selection(key)} }`);
    return {
      status: answer.status,
      body: JSON.parse(JSON.stringify(answer.body).split(key).join('<key>')),
    };
  };
  const [toForeign, toMissing] = await Promise.all([answerTo(foreign), answerTo(missing)]);
  expect({ lookup: selection(foreign), ...toForeign }).toEqual({
    lookup: selection(foreign),
    ...toMissing,
  });
  expect(codes(toForeign)).toEqual(['NOT_FOUND']);
  expect(Object.values(toForeign.body.data)).toEqual([null]);
}
const codes = (answer: Answer) => (answer.body.errors ?? []).map((error) => error.extensions?.code);

describe('a subgraph refuses requests without a valid signed identity', () => {
  const SUBGRAPHS = ['customers', 'catalog', 'inventory', 'orders', 'shipments', 'finance'];

  test.each(SUBGRAPHS)(
    '%s answers 401 UNAUTHENTICATED, with no data and no stack, to a missing, foreign-signed, tampered, expired, cross-audience, audience-less, malformed or duplicated identity',
    async (name) => {
      const forgeries = Object.entries(forgedIdentityHeaders(name, distributor));
      expect(forgeries.map(([forgery]) => forgery)).toEqual([
        'missing',
        'signed with another secret',
        'payload tampered after signing',
        'expired',
        'signed for another subgraph',
        'signed without an audience',
        'malformed',
        'sent twice',
      ]);
      for (const [forgery, headers] of forgeries) {
        const answer = await postTo(name, '{ __typename }', {}, headers);
        expect({
          forgery,
          status: answer.status,
          data: answer.body.data,
          codes: codes(answer),
        }).toEqual({
          forgery,
          status: 401,
          data: undefined,
          codes: ['UNAUTHENTICATED'],
        });
        expect(JSON.stringify(answer.body)).not.toMatch(/stack|at .*\.ts:\d+/);
      }
    },
  );

  test.each(SUBGRAPHS)(
    '%s keeps /healthz open and answers a correctly signed identity',
    async (name) => {
      const health = await fetch(`${subgraphUrl(name)}/healthz`);
      expect(health.status).toBe(200);
      const answer = await as(distributor)(name, '{ __typename }');
      expect(answer).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    },
  );

  test('a valid identity signed for one subgraph is accepted there and refused by the five others', async () => {
    const accepted: string[] = [];
    for (const audience of SUBGRAPHS) {
      const header = signIdentity({ ...distributor, aud: audience }, DEVELOPMENT_IDENTITY_SECRET);
      for (const name of SUBGRAPHS) {
        const answer = await postTo(name, '{ __typename }', {}, { [IDENTITY_HEADER]: header });
        if (answer.status === 200) accepted.push(`${audience} at ${name}`);
        else expect(answer.body.errors![0].extensions?.reason).toBe('wrong-audience');
      }
    }
    expect(accepted).toEqual(SUBGRAPHS.map((name) => `${name} at ${name}`));
  });

  test.each([
    ['payload tampered after signing', 'bad-signature'],
    ['signed with another secret', 'bad-signature'],
    ['expired', 'expired'],
    ['signed for another subgraph', 'wrong-audience'],
    ['signed without an audience', 'wrong-audience'],
    ['sent twice', 'malformed'],
  ])('the %s identity names why it was refused: %s', async (forgery, reason) => {
    const { body } = await postTo(
      'orders',
      '{ __typename }',
      {},
      forgedIdentityHeaders('orders', distributor)[forgery],
    );
    expect(body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
  });
});

describe('a distributor sees only its own customer account (CUS-0001)', () => {
  const mine = (row: { customer_id: string }) => row.customer_id === 'CUS-0001';
  const foreignOrder = () => data.orders.orders.find((o) => !mine(o))!;

  test('lists exactly its own customer, orders, shipments, invoices and payments, with matching totalCount', async () => {
    expect(await listAll(distributor, 'customers', 'customers')).toEqual({
      ids: ['CUS-0001'],
      totalCount: 1,
    });
    const orders = ascending(data.orders.orders.filter(mine).map((o) => o.id));
    expect(orders.length).toBeGreaterThan(0);
    expect(await listAll(distributor, 'orders', 'orders')).toEqual({
      ids: orders,
      totalCount: orders.length,
    });
    const shipments = ascending(data.shipments.shipments.filter(mine).map((s) => s.id));
    expect(shipments.length).toBeGreaterThan(0);
    expect(await listAll(distributor, 'shipments', 'shipments')).toEqual({
      ids: shipments,
      totalCount: shipments.length,
    });
    const invoices = ascending(data.finance.invoices.filter(mine).map((i) => i.id));
    expect(invoices.length).toBeGreaterThan(0);
    expect(await listAll(distributor, 'finance', 'invoices')).toEqual({
      ids: invoices,
      totalCount: invoices.length,
    });
    const payments = ascending(data.finance.payments.filter(mine).map((p) => p.id));
    expect(await listAll(distributor, 'finance', 'payments')).toEqual({
      ids: payments,
      totalCount: payments.length,
    });
  });

  test("a filter naming another customer finds nothing rather than that customer's rows", async () => {
    expect(await listAll(distributor, 'orders', 'orders', ', customerId: "CUS-0002"')).toEqual({
      ids: [],
      totalCount: 0,
    });
    expect(await listAll(distributor, 'finance', 'invoices', ', customerId: "CUS-0002"')).toEqual({
      ids: [],
      totalCount: 0,
    });
  });

  test("another customer's order, customer, shipment, invoice or payment by id (or number) answers exactly as an id that does not exist", async () => {
    const order = foreignOrder();
    const shipment = data.shipments.shipments.find((s) => !mine(s))!;
    const invoice = data.finance.invoices.find((i) => !mine(i))!;
    const payment = data.finance.payments.find((p) => !mine(p))!;
    const lookups: [string, (key: string) => string, string, string][] = [
      ['orders', (k) => `order(id: "${k}") { id number total { amount } }`, order.id, 'ORD-999999'],
      ['orders', (k) => `order(number: "${k}") { id }`, order.number, 'SO-999999'],
      ['customers', (k) => `customer(id: "${k}") { id name }`, order.customer_id, 'CUS-9999'],
      ['shipments', (k) => `shipment(id: "${k}") { id trackingNumber }`, shipment.id, 'SHP-999999'],
      ['finance', (k) => `invoice(id: "${k}") { id total { amount } }`, invoice.id, 'INV-999999'],
      ['finance', (k) => `payment(id: "${k}") { id amount { amount } }`, payment.id, 'PAY-999999'],
    ];
    for (const [name, selection, foreign, missing] of lookups) {
      await expectSameAnswer(distributor, name, selection, foreign, missing);
    }
  });

  test('its own order by id resolves, and an unknown id is still NOT_FOUND', async () => {
    const own = data.orders.orders.find(mine)!;
    const answer = await as(distributor)(
      'orders',
      `{ order(id: "${own.id}") { id customer { id } } }`,
    );
    expect(answer.body).toEqual({ data: { order: { id: own.id, customer: { id: 'CUS-0001' } } } });
    const unknown = await as(distributor)('orders', '{ order(id: "ORD-999999") { id } }');
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
  });

  test('an _entities representation of a foreign row is null without an error, as one that does not exist; its own rows resolve beside it', async () => {
    const own = data.orders.orders.find(mine)!;
    const foreign = foreignOrder();
    const entities = async (name: string, typename: string, ids: string[]) =>
      (
        await as(distributor)(
          name,
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { id } } }`,
          { r: ids.map((id) => ({ __typename: typename, id })) },
        )
      ).body;
    expect(await entities('orders', 'Order', [own.id, foreign.id, 'ORD-999999'])).toEqual({
      data: { _entities: [{ id: own.id }, null, null] },
    });
    const invoice = data.finance.invoices.find((i) => !mine(i))!;
    const payment = data.finance.payments.find((p) => !mine(p))!;
    const shipment = data.shipments.shipments.find((s) => !mine(s))!;
    for (const [name, typename, id, missing] of [
      ['customers', 'Customer', foreign.customer_id, 'CUS-9999'],
      ['shipments', 'Shipment', shipment.id, 'SHP-999999'],
      ['finance', 'Invoice', invoice.id, 'INV-999999'],
      ['finance', 'Payment', payment.id, 'PAY-999999'],
    ]) {
      expect({ typename, ...(await entities(name, typename, [id, missing])) }).toEqual({
        typename,
        data: { _entities: [null, null] },
      });
    }
  });

  test("another customer's receivables, orders and contract prices (entity extensions) are NOT_FOUND, never the figures", async () => {
    const representations = { r: [{ __typename: 'Customer', id: 'CUS-0002' }] };
    const finance = await as(distributor)(
      'finance',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { openBalance { amount } } } }',
      representations,
    );
    // openBalance is nullable (field authorization may remove it), so the refusal nulls the field, not the entity
    expect(finance.body.data!._entities).toEqual([{ openBalance: null }]);
    expect(codes(finance)).toEqual(['NOT_FOUND']);
    expect(finance.body.errors![0].message).toBe('Customer "CUS-0002" does not exist');
    const orders = await as(distributor)(
      'orders',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders { totalCount } } } }',
      representations,
    );
    // Customer.orders and contractPrices are nullable too (their subgraph may be away): the refusal nulls the field
    expect(orders.body.data!._entities).toEqual([{ orders: null }]);
    expect(codes(orders)).toEqual(['NOT_FOUND']);
    const catalog = await as(distributor)(
      'catalog',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { contractPrices { id } } } }',
      representations,
    );
    expect(catalog.body.data!._entities).toEqual([{ contractPrices: null }]);
    expect(codes(catalog)).toEqual(['NOT_FOUND']);
  });

  test('per-parent relations fetch nothing foreign: a foreign order has no shipments or invoices for it', async () => {
    const foreign = data.orders.orders.find(
      (o) =>
        !mine(o) &&
        data.shipments.shipments.some((s) => s.order_id === o.id) &&
        data.finance.invoices.some((i) => i.order_id === o.id),
    )!;
    const own = data.orders.orders.find(
      (o) => mine(o) && data.shipments.shipments.some((s) => s.order_id === o.id),
    )!;
    const r = {
      r: [
        { __typename: 'Order', id: own.id },
        { __typename: 'Order', id: foreign.id },
      ],
    };
    const shipments = await as(distributor)(
      'shipments',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { shipments { id } } } }',
      r,
    );
    expect(shipments.body).toEqual({
      data: {
        _entities: [
          {
            shipments: data.shipments.shipments
              .filter((s) => s.order_id === own.id)
              .map((s) => ({ id: s.id })),
          },
          { shipments: [] },
        ],
      },
    });
    const invoices = await as(distributor)(
      'finance',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { invoices { id } } } }',
      r,
    );
    expect(invoices.body.data._entities[1]).toEqual({ invoices: [] });
  });

  test('the catalog is public, but a price for a customer outside its tenant is FORBIDDEN, whether that customer exists or not', async () => {
    const product = data.catalog.products[0];
    const priceFor = (customerId: string) =>
      as(distributor)(
        'catalog',
        `{ product(id: "${product.id}") { id price(customerId: "${customerId}") { rule } } }`,
      );
    const own = await priceFor('CUS-0001');
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.product.id).toBe(product.id);
    // Decided from the caller's tenant alone: the answer says nothing about which customers exist.
    const foreign = await priceFor('CUS-0002');
    expect(foreign.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['product', 'price'], 'FORBIDDEN'],
    ]);
    expect((await priceFor('CUS-9999')).body).toEqual(foreign.body);
    const warehouses = await as(distributor)('inventory', '{ warehouses { id } }');
    expect(warehouses.body.data.warehouses).toHaveLength(data.inventory.warehouses.length);
  });
});

describe('a 3pl sees only the shipments of its carrier (CAR-FASTFREIGHT) and the orders they ship, and nothing of finance', () => {
  const carried = (s: { carrier_id: string }) => s.carrier_id === 'CAR-FASTFREIGHT';

  test("lists exactly its carrier's shipments, with their milestones", async () => {
    const expected = ascending(data.shipments.shipments.filter(carried).map((s) => s.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(await listAll(thirdPartyLogistics, 'shipments', 'shipments')).toEqual({
      ids: expected,
      totalCount: expected.length,
    });
    const shipment = data.shipments.shipments.find(
      (s) => carried(s) && data.shipments.milestones.some((m) => m.shipment_id === s.id),
    )!;
    const answer = await as(thirdPartyLogistics)(
      'shipments',
      `{ shipment(id: "${shipment.id}") { carrier { id } milestones { id } } }`,
    );
    expect(answer.body).toEqual({
      data: {
        shipment: {
          carrier: { id: 'CAR-FASTFREIGHT' },
          milestones: ascending(
            data.shipments.milestones.filter((m) => m.shipment_id === shipment.id).map((m) => m.id),
          ).map((id) => ({ id })),
        },
      },
    });
  });

  test("another carrier's shipment by id answers exactly as a shipment that does not exist", async () => {
    const other = data.shipments.shipments.find((s) => !carried(s))!;
    await expectSameAnswer(
      thirdPartyLogistics,
      'shipments',
      (k) => `shipment(id: "${k}") { id }`,
      other.id,
      'SHP-999999',
    );
  });

  test("lists exactly the orders its carrier ships (orders knows each shipment's carrier); another order by id answers as one that does not exist", async () => {
    const shipped = new Set(data.shipments.shipments.filter(carried).map((s) => s.order_id));
    expect(await listAll(thirdPartyLogistics, 'orders', 'orders')).toEqual({
      ids: ascending([...shipped]),
      totalCount: shipped.size,
    });
    const other = data.orders.orders.find((o) => !shipped.has(o.id))!;
    await expectSameAnswer(
      thirdPartyLogistics,
      'orders',
      (k) => `order(id: "${k}") { id }`,
      other.id,
      'ORD-999999',
    );
  });

  test('sees no invoices, payments or customers, and no invoice of its own shipments', async () => {
    for (const [name, field] of [
      ['finance', 'invoices'],
      ['finance', 'payments'],
      ['customers', 'customers'],
    ]) {
      expect({ field, ...(await listAll(thirdPartyLogistics, name, field)) }).toEqual({
        field,
        ids: [],
        totalCount: 0,
      });
    }
    const invoiced = data.finance.invoices.find((i) =>
      carried(data.shipments.shipments.find((s) => s.id === i.shipment_id)!),
    )!;
    const answer = await as(thirdPartyLogistics)(
      'finance',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { invoice { id } } } }',
      {
        r: [{ __typename: 'Shipment', id: invoiced.shipment_id }],
      },
    );
    expect(answer.body).toEqual({ data: { _entities: [{ invoice: null }] } });
  });
});

describe('an ecommerce store sees only orders of channel ECOMMERCE and their customers, and none of their shipments or invoices', () => {
  const online = (o: { channel: string }) => o.channel === 'ECOMMERCE';

  test('lists exactly the customers of ECOMMERCE orders (customers knows the channels each orders through)', async () => {
    const expected = ascending([
      ...new Set(data.orders.orders.filter(online).map((o) => o.customer_id)),
    ]);
    expect(expected.length).toBeLessThan(data.customers.customers.length);
    expect(await listAll(webStore, 'customers', 'customers')).toEqual({
      ids: expected,
      totalCount: expected.length,
    });
    const other = data.customers.customers.find((c) => !expected.includes(c.id))!;
    await expectSameAnswer(
      webStore,
      'customers',
      (k) => `customer(id: "${k}") { id }`,
      other.id,
      'CUS-9999',
    );
  });

  test('lists exactly the ECOMMERCE orders', async () => {
    const expected = ascending(data.orders.orders.filter(online).map((o) => o.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(await listAll(webStore, 'orders', 'orders')).toEqual({
      ids: expected,
      totalCount: expected.length,
    });
  });

  test('an order of another channel by id answers exactly as an order that does not exist', async () => {
    const other = data.orders.orders.find((o) => !online(o))!;
    await expectSameAnswer(
      webStore,
      'orders',
      (k) => `order(id: "${k}") { id channel }`,
      other.id,
      'ORD-999999',
    );
  });

  test('sees no shipments or invoices, not even those of its own orders', async () => {
    expect(await listAll(webStore, 'shipments', 'shipments')).toEqual({ ids: [], totalCount: 0 });
    expect(await listAll(webStore, 'finance', 'invoices')).toEqual({ ids: [], totalCount: 0 });
    const shipped = data.orders.orders.find(
      (o) => online(o) && data.finance.invoices.some((i) => i.order_id === o.id),
    )!;
    const r = { r: [{ __typename: 'Order', id: shipped.id }] };
    const shipments = await as(webStore)(
      'shipments',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { shipments { id } } } }',
      r,
    );
    expect(shipments.body).toEqual({ data: { _entities: [{ shipments: [] }] } });
    const invoices = await as(webStore)(
      'finance',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { invoices { id } } } }',
      r,
    );
    expect(invoices.body).toEqual({ data: { _entities: [{ invoices: [] }] } });
  });
});

test('an internal consumer sees every row', async () => {
  expect((await listAll(internal, 'orders', 'orders')).totalCount).toBe(data.orders.orders.length);
  expect((await listAll(internal, 'shipments', 'shipments')).totalCount).toBe(
    data.shipments.shipments.length,
  );
  expect((await listAll(internal, 'finance', 'invoices')).totalCount).toBe(
    data.finance.invoices.length,
  );
  expect((await listAll(internal, 'customers', 'customers')).totalCount).toBe(
    data.customers.customers.length,
  );
});
