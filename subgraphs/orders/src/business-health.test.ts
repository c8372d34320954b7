import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { ordersSubgraph, type OrderStore, type OrdersDB } from './index';
import { identity } from './testing/order-capture';

let subgraph: RunningSubgraph<OrdersDB, OrderStore>;

/**
 * A small, exact history, read over the window [2026-09-01, 2026-10-01):
 *
 *   order  placed             total    holds                          history                                   shipped
 *   A      09-02T00:00        100.00   -                              ACCEPTED at placement, CLOSED 09-20       09-04T00:00 (48 h)
 *   B      09-10T00:00        200.00   CREDIT (released)              ON_HOLD, ACCEPTED 09-10T06:00, PAID 10-05  09-12T12:00 (60 h)
 *   C      09-20T00:00         50.00   PRICING x2, INVENTORY          ON_HOLD
 *   D      09-29T12:00         10.00   -                              ACCEPTED at placement, ALLOCATED
 *   E      08-15T00:00       1000.00   CREDIT                         ACCEPTED (placed before the window)
 *   F      09-05T00:00         30.00   CUSTOMER_STATUS                ON_HOLD, CANCELLED 09-06
 *   G      10-02T00:00          7.00   PRICING                        ON_HOLD (placed after the window)
 *   H      09-25T00:00          5.00   PRICING                        ON_HOLD
 *   I      09-28T00:00          1.00   -                              ACCEPTED at placement (exactly 3 days old at the end)
 */
const FROM = '2026-09-01T00:00:00.000Z';
const TO = '2026-10-01T00:00:00.000Z';

type History = [status: string, at: string][];
const ORDERS: {
  id: string;
  placed: string;
  totalCents: number;
  status: string;
  holds: string[];
  history: History;
  shippedAt?: string;
}[] = [
  {
    id: 'A',
    placed: '2026-09-02T00:00:00.000Z',
    totalCents: 10_000,
    status: 'CLOSED',
    holds: [],
    history: [
      ['ACCEPTED', '2026-09-02T00:00:00.000Z'],
      ['CLOSED', '2026-09-20T00:00:00.000Z'],
    ],
    shippedAt: '2026-09-04T00:00:00.000Z',
  },
  {
    id: 'B',
    placed: '2026-09-10T00:00:00.000Z',
    totalCents: 20_000,
    status: 'PAID',
    holds: ['CREDIT'],
    history: [
      ['ON_HOLD', '2026-09-10T00:00:00.000Z'],
      ['ACCEPTED', '2026-09-10T06:00:00.000Z'],
      ['PAID', '2026-10-05T00:00:00.000Z'],
    ],
    shippedAt: '2026-09-12T12:00:00.000Z',
  },
  {
    id: 'C',
    placed: '2026-09-20T00:00:00.000Z',
    totalCents: 5_000,
    status: 'ON_HOLD',
    holds: ['PRICING', 'PRICING', 'INVENTORY'],
    history: [['ON_HOLD', '2026-09-20T00:00:00.000Z']],
  },
  {
    id: 'D',
    placed: '2026-09-29T12:00:00.000Z',
    totalCents: 1_000,
    status: 'ALLOCATED',
    holds: [],
    history: [
      ['ACCEPTED', '2026-09-29T12:00:00.000Z'],
      ['ALLOCATED', '2026-09-29T14:00:00.000Z'],
    ],
  },
  {
    id: 'E',
    placed: '2026-08-15T00:00:00.000Z',
    totalCents: 100_000,
    status: 'ACCEPTED',
    holds: ['CREDIT'],
    history: [['ACCEPTED', '2026-08-16T00:00:00.000Z']],
  },
  {
    id: 'F',
    placed: '2026-09-05T00:00:00.000Z',
    totalCents: 3_000,
    status: 'CANCELLED',
    holds: ['CUSTOMER_STATUS'],
    history: [
      ['ON_HOLD', '2026-09-05T00:00:00.000Z'],
      ['CANCELLED', '2026-09-06T00:00:00.000Z'],
    ],
  },
  {
    id: 'G',
    placed: '2026-10-02T00:00:00.000Z',
    totalCents: 700,
    status: 'ON_HOLD',
    holds: ['PRICING'],
    history: [['ON_HOLD', '2026-10-02T00:00:00.000Z']],
  },
  {
    id: 'H',
    placed: '2026-09-25T00:00:00.000Z',
    totalCents: 500,
    status: 'ON_HOLD',
    holds: ['PRICING'],
    history: [['ON_HOLD', '2026-09-25T00:00:00.000Z']],
  },
  {
    id: 'I',
    placed: '2026-09-28T00:00:00.000Z',
    totalCents: 100,
    status: 'ACCEPTED',
    holds: [],
    history: [['ACCEPTED', '2026-09-28T00:00:00.000Z']],
  },
];

beforeAll(async () => {
  subgraph = await openSubgraph(ordersSubgraph, { dataDir: ':memory:' });
  const db = subgraph.database.db;
  let hold = 0;
  for (const o of ORDERS) {
    const id = `ORD-${o.id}`;
    await db
      .insertInto('orders')
      .values({
        id,
        number: `SO-${o.id}`,
        customer_id: 'CUS-0001',
        status: o.status,
        channel: 'PORTAL',
        po_number: null,
        ship_to_address_id: 'ADR-1',
        ship_to_name: 'Dock',
        ship_to_line1: '1 Main',
        ship_to_city: 'Dallas',
        ship_to_region: 'TX',
        ship_to_postal_code: '75201',
        ship_to_country: 'US',
        currency: 'USD',
        subtotal_cents: o.totalCents,
        tax_cents: 0,
        total_cents: o.totalCents,
        placed_at: o.placed,
        updated_at: o.placed,
        idempotency_key: null,
        allow_backorder: 0,
        allocated_at: null,
        backordered_at: null,
      })
      .execute();
    for (const reason of o.holds) {
      await db
        .insertInto('holds')
        .values({
          id: `HLD-${++hold}`,
          order_id: id,
          reason,
          detail: 'd',
          placed_at: o.placed,
          released_at: null,
          released_by: null,
          dependency: null,
          release_note: null,
        })
        .execute();
    }
    for (const [status, at] of o.history) {
      await db
        .insertInto('order_status_history')
        .values({
          order_id: id,
          status,
          at,
          cause: 'fixture',
          actor: 'test',
          note: null,
          correlation_id: null,
        })
        .execute();
    }
    if (o.shippedAt)
      await db
        .insertInto('order_shipments')
        .values({
          shipment_id: `SHP-${o.id}`,
          order_id: id,
          shipped_at: o.shippedAt,
          delivered_at: null,
        })
        .execute();
  }
});
afterAll(() => subgraph.close());

const HEALTH = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!) {
    businessHealth(from: $from, to: $to) {
      from
      to
      ordersPlaced
      ordersHeld
      orderExceptionRate
      holdReasons {
        reason
        count
      }
      openOrderAging {
        bucket
        orders
        value {
          amount
          currency
        }
      }
      orderToAccept {
        count
        p50Hours
        p95Hours
      }
      orderToShip {
        count
        p50Hours
        p95Hours
      }
      ordersExceptionQueues {
        handler
        open
      }
    }
  }
`;
const OPERATOR = identity('dev-finance-ops', 'internal', []);

test('order capture figures over a window agree with the records, computed by hand', async () => {
  const result = await querySubgraph(subgraph.server, HEALTH, { from: FROM, to: TO }, {}, OPERATOR);
  expect(result.errors).toBeUndefined();
  expect(result.data.businessHealth).toEqual({
    from: FROM,
    to: TO,
    // A B C D F H I were placed in the window; B C F H were held
    ordersPlaced: 7,
    ordersHeld: 4,
    orderExceptionRate: 4 / 7,
    // C's two PRICING holds count once; G (after the window) and E (before) not at all
    holdReasons: [
      { reason: 'PRICING', count: 2 },
      { reason: 'CREDIT', count: 1 },
      { reason: 'CUSTOMER_STATUS', count: 1 },
      { reason: 'INVENTORY', count: 1 },
    ],
    // open at the end: B (paid only after it), C, D, E, H, I; A closed and F cancelled before it, G placed after
    openOrderAging: [
      { bucket: '0-2d', orders: 1, value: { amount: '10.00', currency: 'USD' } },
      { bucket: '3-7d', orders: 2, value: { amount: '6.00', currency: 'USD' } },
      { bucket: '8-14d', orders: 1, value: { amount: '50.00', currency: 'USD' } },
      { bucket: '15-30d', orders: 1, value: { amount: '200.00', currency: 'USD' } },
      { bucket: 'over-30d', orders: 1, value: { amount: '1000.00', currency: 'USD' } },
    ],
    // accepted after 0 (A), 6 (B), 0 (D), 0 (I) hours: nearest rank p50 = 2nd of 4 = 0, p95 = 4th = 6
    orderToAccept: { count: 4, p50Hours: 0, p95Hours: 6 },
    // shipped after 48 (A) and 60 (B) hours
    orderToShip: { count: 2, p50Hours: 48, p95Hours: 60 },
    // one queue per handler, empty
    ordersExceptionQueues: [
      'orders.follow-allocation',
      'orders.follow-billing',
      'orders.follow-shipment-carriers',
      'orders.follow-shipments',
    ].map((handler) => ({ handler, open: 0 })),
  });
});

test('a window with no orders has a null exception rate and empty cycle times', async () => {
  const result = await querySubgraph(
    subgraph.server,
    HEALTH,
    { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' },
    {},
    OPERATOR,
  );
  expect(result.data.businessHealth).toMatchObject({
    ordersPlaced: 0,
    ordersHeld: 0,
    orderExceptionRate: null,
    holdReasons: [],
    orderToAccept: { count: 0, p50Hours: null, p95Hours: null },
  });
  expect(
    result.data.businessHealth.openOrderAging.every(
      (b: any) => b.orders === 0 && b.value.amount === '0.00',
    ),
  ).toBe(true);
});

test("the BusinessHealth entity resolves from its key, as the gateway asks for other subgraphs' measures", async () => {
  const result = await querySubgraph(
    subgraph.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { ordersPlaced } } }`,
    {
      r: [{ __typename: 'BusinessHealth', from: FROM, to: TO }],
    },
  );
  expect(result.data._entities).toEqual([{ ordersPlaced: 7 }]);
});

test('an empty or inverted window, or one over 366 days, is BAD_USER_INPUT; partners are FORBIDDEN', async () => {
  const codeOf = async (from: string, to: string, caller = OPERATOR) =>
    (await querySubgraph(subgraph.server, HEALTH, { from, to }, {}, caller)).errors?.[0].extensions;
  expect(await codeOf(TO, TO)).toEqual({ code: 'BAD_USER_INPUT', argument: 'from' });
  expect(await codeOf(TO, FROM)).toEqual({ code: 'BAD_USER_INPUT', argument: 'from' });
  expect(await codeOf('2025-01-01T00:00:00Z', '2026-01-03T00:00:00Z')).toEqual({
    code: 'BAD_USER_INPUT',
    argument: 'to',
  });
  expect(
    (await codeOf(FROM, TO, identity('dev-acme-distributor', 'distributor', [], ['CUS-0001'])))
      ?.code,
  ).toBe('FORBIDDEN');
});
