import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import { identity } from './testing/order-capture';

let subgraph: RunningSubgraph<OrdersDB, OrderStore>;

const STATUSES = [
  'ON_HOLD',
  'ACCEPTED',
  'ALLOCATED',
  'BACKORDERED',
  'SHIPPED',
  'INVOICED',
  'PAID',
  'CLOSED',
  'CANCELLED',
];
const CHANNELS = ['PORTAL', 'ECOMMERCE', 'EDI', 'SALES_REP', 'PHONE'];
const ORDER_COUNT = 60;
const CUSTOMER_COUNT = 10;

const orderId = (i: number) => `ORD-${String(i).padStart(6, '0')}`;
const customerId = (i: number) => `CUS-${String(i).padStart(4, '0')}`;
/** Order i belongs to customer ((i - 1) % 10) + 1, so each customer has 6 orders. */
const customerOf = (i: number) => customerId(((i - 1) % CUSTOMER_COUNT) + 1);
/** Order i was placed i days after 2026-08-01 at 10:00 UTC. */
const placedAt = (i: number) => new Date(Date.UTC(2026, 7, 1 + i, 10)).toISOString();
const statusOf = (i: number) => STATUSES[i % STATUSES.length];
const channelOf = (i: number) => CHANNELS[i % CHANNELS.length];
const lineCountOf = (i: number) => (i % 3) + 1;
const unitCents = (i: number, line: number) => 1250 + i * 10 + line;
const ids = (connection: any) => connection.edges.map((e: any) => e.node.id);
/** ORD-000060 ... ORD-000001: orders come newest (highest id) first. */
const newestFirst = (predicate: (i: number) => boolean = () => true) =>
  Array.from({ length: ORDER_COUNT }, (_, k) => ORDER_COUNT - k)
    .filter(predicate)
    .map(orderId);

beforeAll(async () => {
  subgraph = await openSubgraph(ordersSubgraph, { dataDir: ':memory:' });
  const db = subgraph.database.db;
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const lines = Array.from({ length: lineCountOf(i) }, (_, k) => {
      const lineNumber = k + 1;
      const quantity = lineNumber * 2;
      return {
        order_id: orderId(i),
        line_number: lineNumber,
        product_id: `PRD-${String(i * 10 + lineNumber).padStart(5, '0')}`,
        sku: `SKU-${i}-${lineNumber}`,
        quantity,
        unit_price_cents: unitCents(i, lineNumber),
        pricing_rule: lineNumber === 1 ? 'CONTRACT' : 'LIST',
        extended_cents: unitCents(i, lineNumber) * quantity,
        expected_unit_price_cents: null,
        shipped_quantity: 0,
      };
    });
    const subtotal = lines.reduce((sum, l) => sum + l.extended_cents, 0);
    await db
      .insertInto('orders')
      .values({
        id: orderId(i),
        number: `SO-${100000 + i}`,
        customer_id: customerOf(i),
        status: statusOf(i),
        channel: channelOf(i),
        po_number: i % 2 === 0 ? `PO-${i}` : null,
        ship_to_address_id: `${customerOf(i)}-S`,
        ship_to_name: 'Receiving dock',
        ship_to_line1: '9 Dock Rd',
        ship_to_city: 'Dallas',
        ship_to_region: 'TX',
        ship_to_postal_code: '75201',
        ship_to_country: 'US',
        currency: i === 7 ? 'CAD' : 'USD',
        subtotal_cents: subtotal,
        tax_cents: Math.round(subtotal * 0.08),
        total_cents: subtotal + Math.round(subtotal * 0.08),
        placed_at: placedAt(i),
        updated_at: placedAt(i),
        idempotency_key: null,
        allow_backorder: 0,
        allocated_at: null,
        backordered_at: null,
      })
      .execute();
    await db.insertInto('order_lines').values(lines).execute();
  }
  await db
    .insertInto('holds')
    .values([
      {
        id: 'HLD-1',
        order_id: orderId(9),
        reason: 'CREDIT',
        detail: 'Over credit limit by 120.00',
        placed_at: placedAt(9),
        released_at: '2026-08-11T09:00:00.000Z',
        released_by: 'credit.desk',
        dependency: null,
        release_note: null,
      },
      {
        id: 'HLD-2',
        order_id: orderId(9),
        reason: 'PRICING',
        detail: 'Price below floor',
        placed_at: '2026-08-11T10:00:00.000Z',
        released_at: null,
        released_by: null,
        dependency: null,
        release_note: null,
      },
      {
        id: 'HLD-3',
        order_id: orderId(18),
        reason: 'CUSTOMER_STATUS',
        detail: 'Account on hold',
        placed_at: placedAt(18),
        released_at: null,
        released_by: null,
        dependency: null,
        release_note: null,
      },
    ])
    .execute();
});

afterAll(() => subgraph.close());

const ORDER_FIELDS = /* GraphQL */ `
  id number status channel poNumber customer { id } placedAt updatedAt lineCount
  shipTo { addressId name line1 city region postalCode country }
  subtotal { amount currency } tax { amount currency } total { amount currency }
  lines { lineNumber sku quantity pricingRule unitPrice { amount currency } extendedPrice { amount currency } product { id } }
  holds { id reason detail placedAt releasedAt releasedBy active }
`;

describe('Order entities', () => {
  test('resolves 50 Order representations with lines and holds in three statements', async () => {
    subgraph.database.statements.count = 0;
    const representations = Array.from({ length: 50 }, (_, k) => ({
      __typename: 'Order',
      id: orderId(k + 1),
    }));
    const result = await querySubgraph(
      subgraph.server,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { ${ORDER_FIELDS} } } }`,
      {
        r: representations,
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.map((o: any) => o.id)).toEqual(representations.map((r) => r.id));
    // orders, order lines (with the order currency), holds
    expect(subgraph.database.statements.count).toBe(3);

    expect(result.data._entities[6]).toEqual({
      id: 'ORD-000007',
      number: 'SO-100007',
      status: 'CLOSED',
      channel: 'EDI',
      poNumber: null,
      customer: { id: 'CUS-0007' },
      placedAt: '2026-08-08T10:00:00.000Z',
      updatedAt: '2026-08-08T10:00:00.000Z',
      lineCount: 2,
      shipTo: {
        addressId: 'CUS-0007-S',
        name: 'Receiving dock',
        line1: '9 Dock Rd',
        city: 'Dallas',
        region: 'TX',
        postalCode: '75201',
        country: 'US',
      },
      // line 1: 13.21 x 2 = 26.42; line 2: 13.22 x 4 = 52.88; subtotal 79.30, tax 8% = 6.34
      subtotal: { amount: '79.30', currency: 'CAD' },
      tax: { amount: '6.34', currency: 'CAD' },
      total: { amount: '85.64', currency: 'CAD' },
      lines: [
        {
          lineNumber: 1,
          sku: 'SKU-7-1',
          quantity: 2,
          pricingRule: 'CONTRACT',
          unitPrice: { amount: '13.21', currency: 'CAD' },
          extendedPrice: { amount: '26.42', currency: 'CAD' },
          product: { id: 'PRD-00071' },
        },
        {
          lineNumber: 2,
          sku: 'SKU-7-2',
          quantity: 4,
          pricingRule: 'LIST',
          unitPrice: { amount: '13.22', currency: 'CAD' },
          extendedPrice: { amount: '52.88', currency: 'CAD' },
          product: { id: 'PRD-00072' },
        },
      ],
      holds: [],
    });
    expect(result.data._entities[8].holds).toEqual([
      {
        id: 'HLD-1',
        reason: 'CREDIT',
        // Written without facts and in no sentence this code knows: only a service or a reader with every scope sees it.
        detail: 'The order exceeds the available credit: Over credit limit by 120.00',
        placedAt: '2026-08-10T10:00:00.000Z',
        releasedAt: '2026-08-11T09:00:00.000Z',
        releasedBy: 'credit.desk',
        active: false,
      },
      {
        id: 'HLD-2',
        reason: 'PRICING',
        detail: 'A price on the order needs review: Price below floor',
        placedAt: '2026-08-11T10:00:00.000Z',
        releasedAt: null,
        releasedBy: null,
        active: true,
      },
    ]);
  });

  test('a hold written as one sentence without facts fails closed: a reader without every scope reads the generic sentence of its reason', async () => {
    const holdsAs = async (scopes: string[]) =>
      (
        await querySubgraph(
          subgraph.server,
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { holds { detail } } } }`,
          { r: [{ __typename: 'Order', id: orderId(9) }] },
          {},
          identity('dev-sales-portal', 'internal', scopes),
        )
      ).data._entities[0].holds.map((h: { detail: string }) => h.detail);
    expect(await holdsAs(['orders:read', 'credit:read'])).toEqual([
      'The order exceeds the available credit',
      'A price on the order needs review',
    ]);
    expect(
      await holdsAs(['credit:read', 'finance:read', 'catalog:cost:read', 'contacts:read']),
    ).toEqual([
      'The order exceeds the available credit: Over credit limit by 120.00',
      'A price on the order needs review: Price below floor',
    ]);
  });

  test('an unknown Order representation resolves to null', async () => {
    const result = await querySubgraph(
      subgraph.server,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`,
      {
        r: [
          { __typename: 'Order', id: 'ORD-999999' },
          { __typename: 'Order', id: 'ORD-000002' },
        ],
      },
    );
    expect(result.data._entities).toEqual([null, { id: 'ORD-000002' }]);
  });

  test('holds(active:) keeps only the holds in force, or only the released ones', async () => {
    const result = await querySubgraph(
      subgraph.server,
      `{ order(id: "ORD-000009") { active: holds(active: true) { id } released: holds(active: false) { id } } }`,
    );
    expect(result.data.order).toEqual({ active: [{ id: 'HLD-2' }], released: [{ id: 'HLD-1' }] });
  });
});

describe('Customer.orders', () => {
  test('pages the orders of 10 customers, newest first, in one statement plus one for counts and one for lines', async () => {
    subgraph.database.statements.count = 0;
    const representations = Array.from({ length: CUSTOMER_COUNT }, (_, k) => ({
      __typename: 'Customer',
      id: customerId(k + 1),
    }));
    const result = await querySubgraph(
      subgraph.server,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id orders(first: 2) { totalCount edges { node { id customer { id } lineCount } } pageInfo { hasNextPage } } } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    expect(subgraph.database.statements.count).toBe(3);
    expect(result.data._entities[0]).toEqual({
      id: 'CUS-0001',
      orders: {
        totalCount: 6,
        edges: [
          { node: { id: 'ORD-000051', customer: { id: 'CUS-0001' }, lineCount: 1 } },
          { node: { id: 'ORD-000041', customer: { id: 'CUS-0001' }, lineCount: 3 } },
        ],
        pageInfo: { hasNextPage: true },
      },
    });
    expect(result.data._entities[9].orders.edges.map((e: any) => e.node.id)).toEqual([
      'ORD-000060',
      'ORD-000050',
    ]);
  });

  test('follows the cursor and applies the filters', async () => {
    const query = `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Customer {
      orders(first: 4, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } } }`;
    const r = [{ __typename: 'Customer', id: 'CUS-0003' }];
    const first = await querySubgraph(subgraph.server, query, { r });
    expect(ids(first.data._entities[0].orders)).toEqual([
      'ORD-000053',
      'ORD-000043',
      'ORD-000033',
      'ORD-000023',
    ]);
    const second = await querySubgraph(subgraph.server, query, {
      r,
      after: first.data._entities[0].orders.pageInfo.endCursor,
    });
    expect(ids(second.data._entities[0].orders)).toEqual(['ORD-000013', 'ORD-000003']);
    expect(second.data._entities[0].orders.pageInfo.hasNextPage).toBe(false);

    const filtered = await querySubgraph(
      subgraph.server,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
        orders(statuses: [BACKORDERED, INVOICED, CANCELLED], placedAfter: "2026-08-20T00:00:00Z") { totalCount edges { node { id status } } } } } }`,
      { r },
    );
    // CUS-0003's orders 53 (CANCELLED) and 23 (INVOICED) match; 3 (BACKORDERED) was placed before the 20th
    const expected = [53, 43, 33, 23, 13, 3].filter(
      (i) =>
        ['BACKORDERED', 'INVOICED', 'CANCELLED'].includes(statusOf(i)) &&
        placedAt(i) >= '2026-08-20T00:00:00.000Z',
    );
    expect(filtered.data._entities[0].orders.edges).toEqual(
      expected.map((i) => ({ node: { id: orderId(i), status: statusOf(i) } })),
    );
    expect(filtered.data._entities[0].orders.totalCount).toBe(expected.length);
    expect(expected).toEqual([53, 23]);
  });
});

describe('Query.order and Query.orders', () => {
  test('finds an order by id or by number', async () => {
    const byId = await querySubgraph(
      subgraph.server,
      `{ order(id: "ORD-000012") { id number poNumber } }`,
    );
    expect(byId.data.order).toEqual({ id: 'ORD-000012', number: 'SO-100012', poNumber: 'PO-12' });
    const byNumber = await querySubgraph(subgraph.server, `{ order(number: "SO-100012") { id } }`);
    expect(byNumber.data.order).toEqual({ id: 'ORD-000012' });
  });

  test('pages all orders newest first without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const result: any = await querySubgraph(
        subgraph.server,
        `query ($after: String) { orders(first: 25, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        {
          after,
        },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.orders.totalCount).toBe(ORDER_COUNT);
      seen.push(...ids(result.data.orders));
      ({ hasNextPage, endCursor: after } = result.data.orders.pageInfo);
    }
    expect(seen).toEqual(newestFirst());
  });

  test('filters by status, statuses, customer, channel and a half-open placed range', async () => {
    const run = async (args: string) => {
      const result = await querySubgraph(
        subgraph.server,
        `{ orders(first: 100, ${args}) { totalCount edges { node { id } } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.orders.totalCount).toBe(result.data.orders.edges.length);
      return ids(result.data.orders);
    };
    expect(await run('status: SHIPPED')).toEqual(newestFirst((i) => statusOf(i) === 'SHIPPED'));
    expect(await run('statuses: [PAID, CLOSED]')).toEqual(
      newestFirst((i) => ['PAID', 'CLOSED'].includes(statusOf(i))),
    );
    expect(await run('customerId: "CUS-0004"')).toEqual(
      newestFirst((i) => customerOf(i) === 'CUS-0004'),
    );
    expect(await run('channel: EDI, customerId: "CUS-0002"')).toEqual(
      newestFirst((i) => channelOf(i) === 'EDI' && customerOf(i) === 'CUS-0002'),
    );
    // after is inclusive, before is exclusive: orders 10 (2026-08-11T10:00Z) to 14, not 15
    expect(
      await run('placedAfter: "2026-08-11T10:00:00Z", placedBefore: "2026-08-16T10:00:00.000Z"'),
    ).toEqual(newestFirst((i) => i >= 10 && i <= 14));
    expect(await run('placedAfter: "2026-09-01T00:00:00+02:00"')).toEqual(
      newestFirst((i) => placedAt(i) >= '2026-08-31T22:00:00.000Z'),
    );
    expect(await run('status: ON_HOLD, customerId: "CUS-9999"')).toEqual([]);
  });
});

describe('bad input', () => {
  const codeOf = async (query: string, variables: Record<string, unknown> = {}) => {
    const result = await querySubgraph(subgraph.server, query, variables);
    return result.errors?.[0]?.extensions?.code;
  };

  test('an unknown id or number is null with NOT_FOUND; asking for neither is BAD_USER_INPUT', async () => {
    const missing = await querySubgraph(subgraph.server, `{ order(id: "ORD-999999") { id } }`);
    expect(missing.data.order).toBeNull();
    expect(missing.errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      typeName: 'Order',
      id: 'ORD-999999',
    });
    const missingNumber = await querySubgraph(subgraph.server, `{ order(number: "SO-1") { id } }`);
    expect(missingNumber.data.order).toBeNull();
    expect(missingNumber.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await codeOf(`{ order { id } }`)).toBe('BAD_USER_INPUT');
  });

  test('a negative first or a forged cursor is BAD_USER_INPUT', async () => {
    expect(await codeOf(`{ orders(first: -1) { totalCount } }`)).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ orders(after: "bm9wZQ") { totalCount } }`)).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(first: -5) { totalCount } } } }`,
        {
          r: [{ __typename: 'Customer', id: 'CUS-0001' }],
        },
      ),
    ).toBe('BAD_USER_INPUT');
  });

  test('an unparseable date or an inverted date range is BAD_USER_INPUT', async () => {
    expect(await codeOf(`{ orders(placedAfter: "last tuesday") { totalCount } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      await codeOf(`query ($a: DateTime) { orders(placedAfter: $a) { totalCount } }`, {
        a: 'not a date',
      }),
    ).toBe('BAD_USER_INPUT');
    const inverted = await querySubgraph(
      subgraph.server,
      `{ orders(placedAfter: "2026-09-02T00:00:00Z", placedBefore: "2026-09-01T00:00:00Z") { totalCount } }`,
    );
    expect(inverted.data?.orders ?? null).toBeNull();
    expect(inverted.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'placedAfter',
    });
  });

  test('status together with statuses, or an empty statuses list, is BAD_USER_INPUT', async () => {
    expect(await codeOf(`{ orders(status: PAID, statuses: [CLOSED]) { totalCount } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(await codeOf(`{ orders(statuses: []) { totalCount } }`)).toBe('BAD_USER_INPUT');
  });
});
