/**
 * Buyers and carriers see what is theirs (issue 16), over real HTTP through the governed gateway and
 * the six seeded subgraphs, every expectation computed from the seed written to the databases:
 * - a storefront's end-user token (x-end-user-token) for customer CUS-0003 sees that customer, its
 *   addresses, orders of every channel, invoices and payments, and nothing of CUS-0002; forged,
 *   expired, foreign-audience or customer-less tokens are refused, and a consumer that accepts none
 *   is told so;
 * - the web store's own key sees the customers of the ECOMMERCE orders, including the customer of an
 *   order it placed a moment ago (customers learns the channel from orders' events);
 * - a 3pl reads, through the partner contract, the orders behind its carrier's shipments and no other
 *   (orders learns each shipment's carrier from ShipmentPlanned).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { parse, stringify } from 'yaml';
import { createMemoryStore } from '@switchyard/gateway';
import { OrderToCashEvent, type ShipmentPlanned } from '@switchyard/kit';
import type { Dataset } from '@switchyard/seed';
import { END_USER_TOKEN_HEADER } from '../gateway/src/governance/identity/end-user-tokens';
import { DEVELOPMENT_END_USER_SECRET } from '../gateway/src/governance/identity/end-user-tokens-config';
import { parseGovernanceConfig } from '../gateway/src/governance/governance-config';
import {
  governedBy,
  governedGateway,
  until,
  type GovernedGateway,
} from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';

const BUYER = 'CUS-0003';
const OTHER = 'CUS-0002';
const STORE_ISSUER = 'https://storefront.switchyard.dev/';
const ADMIN = 'dev-platform-admin';

// The development config as `npm start` runs it (dev-web-store accepts end-user tokens), rate budgets
// off, plus a storefront that may also read finance (the web store holds no finance:read, so its
// buyers' invoices are withheld by scope, not by row).
const file = parse(
  readFileSync(path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'), 'utf8'),
);
file.modules.rateBudgets = false;
file.consumers.push({
  id: 'b2b-storefront',
  name: 'B2B storefront (test)',
  kind: 'ecommerce',
  apiKeys: [{ sha256: createHash('sha256').update('b2b-storefront').digest('hex') }],
  scopes: ['orders:read', 'finance:read'],
  tenant: null,
  tier: 'silver',
  endUserTokens: {
    issuer: STORE_ISSUER,
    audience: 'switchyard',
    developmentSecret: true,
  },
});
const config = parseGovernanceConfig(stringify(file), { source: 'buyers-and-carriers.yaml' });

let graph: RunningGraph;
let gateway: GovernedGateway;
let data: Dataset;

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  data = graph.dataset!;
}, 120_000);
afterAll(() => graph?.close());

interface TokenOptions {
  customer?: string | null;
  secret?: string;
  audience?: string;
  expiresAt?: number;
}

/** A buyer's session token as the storefront's identity provider signs it (HS256, the development secret). */
function buyerToken({
  customer = BUYER,
  secret = DEVELOPMENT_END_USER_SECRET,
  audience = 'switchyard',
  expiresAt = Math.floor(Date.now() / 1000) + 600,
}: TokenOptions = {}): Promise<string> {
  return new SignJWT(customer === null ? {} : { customer_id: customer })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(STORE_ISSUER)
    .setAudience(audience)
    .setSubject('buyer-7@example.com')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

const asBuyer = async (consumer: string, token?: string) => ({
  ...as(consumer),
  [END_USER_TOKEN_HEADER]: token ?? (await buyerToken()),
});

const idsOf = (rows: { id: string }[]) => rows.map((row) => row.id).sort();

describe('a storefront token for CUS-0003', () => {
  test('sees that customer, its addresses, its orders of every channel, invoices and payments, and nothing of CUS-0002', async () => {
    const mine = (rows: { customer_id: string; id: string }[]) =>
      idsOf(rows.filter((row) => row.customer_id === BUYER));
    const { body } = await gateway.post(
      {
        query: `{
          customers(first: 50) { totalCount edges { node { id } } }
          customer(id: "${BUYER}") { id name addresses { id } }
          orders(first: 100) { totalCount edges { node { id channel customer { id } } } }
          invoices(first: 100) { totalCount edges { node { id } } }
          payments(first: 100) { totalCount edges { node { id } } }
        }`,
      },
      await asBuyer('b2b-storefront'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.edges.map((edge: any) => edge.node.id)).toEqual([BUYER]);
    expect(body.data.customers.totalCount).toBe(1);
    expect(body.data.customer.id).toBe(BUYER);
    expect(idsOf(body.data.customer.addresses)).toEqual(mine(data.customers.addresses));

    const orders = body.data.orders.edges.map((edge: any) => edge.node);
    expect(idsOf(orders)).toEqual(mine(data.orders.orders));
    expect(body.data.orders.totalCount).toBe(orders.length);
    // Its whole account, not the store's channel only: the buyer's EDI or sales-rep orders too.
    expect(new Set(orders.map((order: any) => order.channel)).size).toBeGreaterThan(1);
    expect(orders.every((order: any) => order.customer.id === BUYER)).toBe(true);
    const invoices = body.data.invoices.edges.map((edge: any) => edge.node);
    expect(invoices.length).toBeGreaterThan(0);
    expect(idsOf(invoices)).toEqual(mine(data.finance.invoices));
    expect(idsOf(body.data.payments.edges.map((edge: any) => edge.node))).toEqual(
      mine(data.finance.payments),
    );
  });

  test('looks CUS-0002 and its order, invoice and payment up as rows that do not exist', async () => {
    const order = data.orders.orders.find((row) => row.customer_id === OTHER)!;
    const invoice = data.finance.invoices.find((row) => row.customer_id === OTHER)!;
    const { body } = await gateway.post(
      {
        query: `query ($customer: ID!, $order: ID!, $invoice: ID!) {
          customer(id: $customer) { id name }
          order(id: $order) { id }
          invoice(id: $invoice) { id }
        }`,
        variables: { customer: OTHER, order: order.id, invoice: invoice.id },
      },
      await asBuyer('b2b-storefront'),
    );
    expect(body.data).toEqual({ customer: null, order: null, invoice: null });
    expect(body.errors!.map((error) => [error.path, error.extensions?.code]).sort()).toEqual(
      [
        [['customer'], 'NOT_FOUND'],
        [['invoice'], 'NOT_FOUND'],
        [['order'], 'NOT_FOUND'],
      ].sort(),
    );
  });

  test('through the development web store: its customer and orders, as npm start serves them', async () => {
    const { body } = await gateway.post(
      { query: '{ orders(first: 100) { totalCount edges { node { customer { id } } } } }' },
      await asBuyer('dev-web-store'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.orders.totalCount).toBe(
      data.orders.orders.filter((row) => row.customer_id === BUYER).length,
    );
    expect(new Set(body.data.orders.edges.map((edge: any) => edge.node.customer.id))).toEqual(
      new Set([BUYER]),
    );
  });

  test('cannot place an order for CUS-0002: FORBIDDEN, and nothing is written', async () => {
    const ordersBefore = await graph.subgraphs.orders.database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    const { body } = await gateway.post(
      {
        query: `mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) { order { id } }
        }`,
        variables: {
          input: { customerId: OTHER, lines: [{ sku: data.catalog.products[0].sku, quantity: 1 }] },
          key: randomUUID(),
        },
      },
      await asBuyer('dev-web-store'),
    );
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const ordersAfter = await graph.subgraphs.orders.database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    expect(ordersAfter).toEqual(ordersBefore);
  });
});

describe('end-user tokens that do not hold are refused, never ignored', () => {
  const refusal = async (headers: Record<string, string>) => {
    const answer = await gateway.post({ query: '{ orders(first: 1) { totalCount } }' }, headers);
    return {
      status: answer.status,
      code: answer.body.errors?.[0]?.extensions?.code,
      reason: answer.body.errors?.[0]?.extensions?.reason,
      message: answer.body.errors?.[0]?.message,
      data: answer.body.data,
    };
  };

  test.each([
    [
      'forged (another secret)',
      { secret: 'not-the-storefront-secret-but-32-bytes-long' },
      'bad-signature',
    ],
    ['expired', { expiresAt: Math.floor(Date.now() / 1000) - 3600 }, 'expired'],
    ['for another audience', { audience: 'billing-api' }, 'wrong-audience'],
    ['naming no customer', { customer: null }, 'no-customer'],
  ] as [string, TokenOptions, string][])(
    'a token %s: 401 END_USER_UNAUTHENTICATED',
    async (_case, options, reason) => {
      const answer = await refusal(await asBuyer('dev-web-store', await buyerToken(options)));
      expect(answer).toMatchObject({ status: 401, code: 'END_USER_UNAUTHENTICATED', reason });
      expect(answer.data).toBeUndefined();
    },
  );

  test('a string that is not a JWT: 401 END_USER_UNAUTHENTICATED, and the refusal does not echo it', async () => {
    const answer = await refusal(await asBuyer('dev-web-store', 'not-a-jwt-SECRETISH'));
    expect(answer).toMatchObject({ status: 401, code: 'END_USER_UNAUTHENTICATED' });
    expect(answer.message).not.toContain('SECRETISH');
  });

  test('a consumer that accepts no end-user tokens: 400 END_USER_TOKEN_NOT_ACCEPTED', async () => {
    const answer = await refusal(await asBuyer('dev-sales-portal'));
    expect(answer).toMatchObject({ status: 400, code: 'END_USER_TOKEN_NOT_ACCEPTED' });
  });
});

describe("the web store's own key", () => {
  test('sees the customers of the ECOMMERCE orders, and only those', async () => {
    const { body } = await gateway.post(
      {
        query: `{
          orders(first: 50) { edges { node { channel customer { id name } } } }
          customers(first: 100) { totalCount edges { node { id } } }
        }`,
      },
      as('dev-web-store'),
    );
    expect(body.errors).toBeUndefined();
    const orders = body.data.orders.edges.map((edge: any) => edge.node);
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) {
      expect(order.channel).toBe('ECOMMERCE');
      expect(order.customer).toEqual({ id: expect.any(String), name: expect.any(String) });
    }
    const webCustomers = [
      ...new Set(
        data.orders.orders
          .filter((row) => row.channel === 'ECOMMERCE')
          .map((row) => row.customer_id),
      ),
    ].sort();
    expect(webCustomers.length).toBeLessThan(data.customers.customers.length);
    expect(idsOf(body.data.customers.edges.map((edge: any) => edge.node))).toEqual(webCustomers);
    expect(body.data.customers.totalCount).toBe(webCustomers.length);
  });

  test('sees the customer of an order it just placed, once orders announced it', async () => {
    const webCustomers = new Set(
      data.orders.orders.filter((row) => row.channel === 'ECOMMERCE').map((row) => row.customer_id),
    );
    const customer = data.customers.customers.find((row) => !webCustomers.has(row.id))!;
    const lookup = async () =>
      (
        await gateway.post(
          { query: `{ customer(id: "${customer.id}") { id } }` },
          as('dev-web-store'),
        )
      ).body;
    expect((await lookup()).data.customer).toBeNull();

    const placed = await gateway.post(
      {
        query: `mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) { order { id channel } }
        }`,
        variables: {
          input: {
            customerId: customer.id,
            lines: [{ sku: data.catalog.products[0].sku, quantity: 1 }],
          },
          key: randomUUID(),
        },
      },
      as('dev-web-store'),
    );
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.data.placeOrder.order.channel).toBe('ECOMMERCE');
    expect(await until(async () => (await lookup()).data.customer !== null, 10_000)).toBe(true);
    expect((await lookup()).data.customer).toEqual({ id: customer.id });
  });
});

describe('a 3pl, through the partner contract', () => {
  const CARRIER = 'CAR-FASTFREIGHT';
  const THREE_PL = 'dev-fastfreight-3pl';
  const OPERATIONS = {
    ShipmentOrder:
      'query ShipmentOrder($id: ID!) { shipment(id: $id) { id order { id number status } } }',
    CarriedOrders:
      'query CarriedOrders { orders(first: 100) { totalCount edges { node { id } } } }',
    OrderById: 'query OrderById($id: ID!) { order(id: $id) { id } }',
  };
  const idOf = (query: string) => createHash('sha256').update(query).digest('hex');
  const run = (name: keyof typeof OPERATIONS, variables: Record<string, unknown> = {}) =>
    gateway.post({ documentId: `sha256:${idOf(OPERATIONS[name])}`, variables }, as(THREE_PL));

  beforeAll(async () => {
    const registered = await gateway.admin('POST', `/consumers/${THREE_PL}/operations`, ADMIN, {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: Object.entries(OPERATIONS).map(([name, body]) => ({
        id: idOf(body),
        name,
        type: 'query',
        body,
      })),
    });
    expect(registered.status).toBe(200);
  });

  const carriedOrderIds = () =>
    [
      ...new Set(
        data.shipments.shipments
          .filter((row) => row.carrier_id === CARRIER)
          .map((row) => row.order_id),
      ),
    ].sort();

  test('reads the order behind its carrier’s shipment, and no order of another carrier', async () => {
    const shipment = data.shipments.shipments.find((row) => row.carrier_id === CARRIER)!;
    const mine = await run('ShipmentOrder', { id: shipment.id });
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.shipment.order).toMatchObject({ id: shipment.order_id });

    const carried = new Set(carriedOrderIds());
    const foreign = data.orders.orders.find((row) => !carried.has(row.id))!;
    const other = await run('OrderById', { id: foreign.id });
    expect(other.body.data.order).toBeNull();
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('lists exactly the orders its carrier ships', async () => {
    const { body } = await run('CarriedOrders');
    expect(body.errors).toBeUndefined();
    expect(idsOf(body.data.orders.edges.map((edge: any) => edge.node))).toEqual(carriedOrderIds());
    expect(body.data.orders.totalCount).toBe(carriedOrderIds().length);
  });

  test('sees an order once a shipment of its carrier is planned for it (ShipmentPlanned)', async () => {
    const carried = new Set(carriedOrderIds());
    const order = data.orders.orders.find(
      (row) => !carried.has(row.id) && row.status !== 'ON_HOLD',
    )!;
    expect((await run('OrderById', { id: order.id })).body.data.order).toBeNull();
    const planned: ShipmentPlanned = {
      shipmentId: `SHP-TEST-${randomUUID()}`,
      orderId: order.id,
      customerId: order.customer_id,
      warehouseId: 'WH-TEST',
      carrierId: CARRIER,
      lines: [],
    };
    await graph.transport.publish([
      {
        id: randomUUID(),
        type: OrderToCashEvent.ShipmentPlanned,
        source: 'shipments',
        aggregateId: planned.shipmentId,
        correlationId: randomUUID(),
        occurredAt: new Date().toISOString(),
        payload: planned,
      },
    ]);
    expect(
      await until(
        async () => (await run('OrderById', { id: order.id })).body.data.order !== null,
        10_000,
      ),
    ).toBe(true);
  });
});
