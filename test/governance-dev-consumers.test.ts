/**
 * The development consumers end to end, as `npm start` serves them: every module wired from
 * gateway/governance.dev.yaml, the six seeded subgraphs over HTTP, and the `partner` contract the
 * subgraphs' `@tag(name: "partner")` select (test/governance-contracts.test.ts lists it). For each
 * consumer: what it can read, what comes back null with UNAUTHORIZED_FIELD_OR_TYPE, which
 * rows it sees, and what it may run. Every expectation about rows is computed from the seed data.
 */
import path from 'node:path';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';
import { manifestEntry, manifestOf } from './testing/manifests';

const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const ADMIN = 'dev-platform-admin';

let graph: RunningGraph;
let gateway: GovernedGateway;

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
}, 120_000);
afterAll(() => graph?.close());

const data = () => graph.dataset!;
const query = (consumer: string, text: string, variables: Record<string, unknown> = {}) =>
  gateway.post({ query: text, variables }, as(consumer));
/** `[path, code, requiresScopes]` of each error, for comparing refusals at a glance. */
const refusals = (answer: GraphResponse) =>
  (answer.body.errors ?? []).map((error) => [
    error.path?.join('.'),
    error.extensions?.code,
    error.extensions?.requiresScopes ?? null,
  ]);

/** Every field of the graph behind a scope or @authenticated, in one document (each on a row every internal consumer sees). */
function everyProtectedField() {
  const invoice = data().finance.invoices[0];
  const payment = data().finance.payments.find((p) =>
    data().finance.payment_applications.some((a) => a.payment_id === p.id),
  )!;
  return `{
    customer(id: "${invoice.customer_id}") {
      creditLimit { amount } creditExposure { amount } openBalance { amount } aging { total { amount } }
      contacts { email } addresses { city } billTo { city } shipTo { city }
    }
    product(sku: "${data().catalog.products[0].sku}") { costPrice { amount } }
    invoice(id: "${invoice.id}") { subtotal { amount } tax { amount } total { amount } amountPaid { amount } balance { amount } lines { unitPrice { amount } extendedPrice { amount } } }
    payment(id: "${payment.id}") { amount { amount } appliedAmount { amount } unappliedAmount { amount } applications { amount { amount } } }
  }`;
}

describe('dev-sales-portal (internal, broad read including credit and finance)', () => {
  test('reads every protected field: credit, finance, contacts, cost price and addresses, without an error', async () => {
    const answer = await query('dev-sales-portal', everyProtectedField());
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.customer.creditLimit.amount).toMatch(/^\d+\.\d\d$/);
    expect(answer.body.data.product.costPrice.amount).toMatch(/^\d+\.\d\d$/);
    expect(answer.body.data.invoice.total.amount).toMatch(/^\d+\.\d\d$/);
  });

  test('sees every row: all orders, shipments and invoices', async () => {
    const { body } = await query(
      'dev-sales-portal',
      '{ orders { totalCount } shipments { totalCount } invoices { totalCount } }',
    );
    expect(body.data).toEqual({
      orders: { totalCount: data().orders.orders.length },
      shipments: { totalCount: data().shipments.shipments.length },
      invoices: { totalCount: data().finance.invoices.length },
    });
  });

  test('runs free-form documents (allow)', async () => {
    expect((await query('dev-sales-portal', 'query Anything { categories { id } }')).status).toBe(
      200,
    );
  });
});

describe('dev-finance-ops (internal, finance read and write)', () => {
  test('reads credit and finance; contacts and cost price come back null with UNAUTHORIZED_FIELD_OR_TYPE naming the scope', async () => {
    const answer = await query('dev-finance-ops', everyProtectedField());
    expect(answer.body.data.customer.openBalance.amount).toMatch(/^\d+\.\d\d$/);
    expect(answer.body.data.customer.creditLimit.amount).toMatch(/^\d+\.\d\d$/);
    expect(answer.body.data.payment.amount.amount).toMatch(/^\d+\.\d\d$/);
    expect(answer.body.data.customer.contacts).toBeNull();
    expect(answer.body.data.product.costPrice).toBeNull();
    expect(refusals(answer)).toEqual([
      ['customer.contacts', 'UNAUTHORIZED_FIELD_OR_TYPE', [['contacts:read']]],
      ['product.costPrice', 'UNAUTHORIZED_FIELD_OR_TYPE', [['catalog:cost:read']]],
    ]);
  });

  test('sees every row', async () => {
    const { body } = await query(
      'dev-finance-ops',
      '{ invoices { totalCount } payments { totalCount } }',
    );
    expect(body.data).toEqual({
      invoices: { totalCount: data().finance.invoices.length },
      payments: { totalCount: data().finance.payments.length },
    });
  });
});

describe("dev-web-store (ecommerce: catalog, pricing, availability, its shoppers' orders)", () => {
  const ecommerce = () => data().orders.orders.filter((order) => order.channel === 'ECOMMERCE');

  test('reads the catalog with prices and availability', async () => {
    const { body } = await query(
      'dev-web-store',
      '{ products(first: 3) { edges { node { sku listPrice { amount } price(quantity: 10) { unitPrice { amount } rule } totalAvailable availability { available warehouse { code } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.products.edges.map((edge: any) => edge.node.sku)).toEqual(
      data()
        .catalog.products.slice(0, 3)
        .map((product) => product.sku),
    );
  });

  test('credit, finance, contact and cost fields come back null with UNAUTHORIZED_FIELD_OR_TYPE naming the missing scope', async () => {
    const order = ecommerce()[0];
    const product = data().catalog.products[0];
    const answer = await query(
      'dev-web-store',
      `{ order(id: "${order.id}") { number customer { creditLimit { amount } openBalance { amount } contacts { email } } } product(sku: "${product.sku}") { sku costPrice { amount } } }`,
    );
    expect(answer.body.data).toEqual({
      order: {
        number: order.number,
        customer: { creditLimit: null, openBalance: null, contacts: null },
      },
      product: { sku: product.sku, costPrice: null },
    });
    expect(refusals(answer)).toEqual([
      ['order.customer.creditLimit', 'UNAUTHORIZED_FIELD_OR_TYPE', [['credit:read']]],
      ['order.customer.openBalance', 'UNAUTHORIZED_FIELD_OR_TYPE', [['finance:read']]],
      ['order.customer.contacts', 'UNAUTHORIZED_FIELD_OR_TYPE', [['contacts:read']]],
      ['product.costPrice', 'UNAUTHORIZED_FIELD_OR_TYPE', [['catalog:cost:read']]],
    ]);
  });

  test("sees the orders of the ECOMMERCE channel only; another channel's order by id is null with NOT_FOUND, as an unknown id", async () => {
    const { body } = await query(
      'dev-web-store',
      '{ orders(first: 100) { totalCount edges { node { channel } } } }',
    );
    expect(body.data.orders.totalCount).toBe(ecommerce().length);
    expect(new Set(body.data.orders.edges.map((edge: any) => edge.node.channel))).toEqual(
      new Set(['ECOMMERCE']),
    );
    const other = data().orders.orders.find((order) => order.channel !== 'ECOMMERCE')!;
    expect(refusals(await query('dev-web-store', `{ order(id: "${other.id}") { id } }`))).toEqual([
      ['order', 'NOT_FOUND', null],
    ]);
    expect(refusals(await query('dev-web-store', '{ order(id: "ORD-999999") { id } }'))).toEqual([
      ['order', 'NOT_FOUND', null],
    ]);
  });

  test('sees the customer of its order; a customer who never ordered through it is null with NOT_FOUND, as an account that does not exist', async () => {
    const order = ecommerce()[0];
    const customer = data().customers.customers.find((row) => row.id === order.customer_id)!;
    const answer = await query(
      'dev-web-store',
      `{ order(id: "${order.id}") { number customer { name } } }`,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({
      order: { number: order.number, customer: { name: customer.name } },
    });
    const online = new Set(ecommerce().map((row) => row.customer_id));
    const stranger = data().customers.customers.find((row) => !online.has(row.id))!;
    expect(
      refusals(await query('dev-web-store', `{ customer(id: "${stranger.id}") { name } }`)),
    ).toEqual([['customer', 'NOT_FOUND', null]]);
  });
});

describe('partners: persisted operations only, the partner contract, their own rows', () => {
  const run = (consumer: string, body: string, variables: Record<string, unknown> = {}) =>
    gateway.post({ documentId: `sha256:${operationId(body)}`, variables }, as(consumer));

  describe('dev-acme-distributor (bound to customer CUS-0001)', () => {
    const mine = <T extends { customer_id: string }>(rows: T[]) =>
      rows.filter((row) => row.customer_id === 'CUS-0001');
    const ORDERS =
      'query AcmeOrders { orders(first: 100) { totalCount edges { node { number status customer { id } total { amount } } } } }';
    const INVOICES =
      'query AcmeInvoices { invoices(first: 100) { totalCount edges { node { number total { amount } balance { amount } } } } }';
    const ACCOUNT =
      'query AcmeAccount($id: ID!) { customer(id: $id) { name openBalance { amount } aging { total { amount } } } }';
    const CATALOG =
      'query AcmeCatalog($sku: String!) { product(sku: $sku) { sku listPrice { amount } price(customerId: "CUS-0001", quantity: 10) { unitPrice { amount } rule } availability { available warehouse { code } } } }';
    const SHIPMENTS =
      'query AcmeShipments { shipments(first: 100) { totalCount edges { node { trackingNumber status milestones { code } } } } }';

    beforeAll(async () => {
      const registered = await gateway.admin(
        'POST',
        '/consumers/dev-acme-distributor/operations',
        ADMIN,
        manifestOf(
          manifestEntry('AcmeOrders', ORDERS),
          manifestEntry('AcmeInvoices', INVOICES),
          manifestEntry('AcmeAccount', ACCOUNT),
          manifestEntry('AcmeCatalog', CATALOG),
          manifestEntry('AcmeShipments', SHIPMENTS),
        ),
      );
      expect(registered.status).toBe(200);
    });

    test('its registered operations run, over its own orders, invoices and shipments only', async () => {
      const orders = await run('dev-acme-distributor', ORDERS);
      expect(orders.body.errors).toBeUndefined();
      expect(orders.body.data.orders.totalCount).toBe(mine(data().orders.orders).length);
      expect(
        new Set(orders.body.data.orders.edges.map((edge: any) => edge.node.customer.id)),
      ).toEqual(new Set(['CUS-0001']));
      const invoices = await run('dev-acme-distributor', INVOICES);
      expect(invoices.body.errors).toBeUndefined();
      expect(invoices.body.data.invoices.totalCount).toBe(mine(data().finance.invoices).length);
      // finance:read: its invoice amounts are there.
      expect(invoices.body.data.invoices.edges[0].node.total.amount).toMatch(/^\d+\.\d\d$/);
      const shipments = await run('dev-acme-distributor', SHIPMENTS);
      expect(shipments.body.data.shipments.totalCount).toBe(
        mine(data().shipments.shipments).length,
      );
    });

    test('reads its own account with its balances and its prices; another account is null with NOT_FOUND', async () => {
      const own = await run('dev-acme-distributor', ACCOUNT, { id: 'CUS-0001' });
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data.customer.openBalance.amount).toMatch(/^\d+\.\d\d$/);
      const catalog = await run('dev-acme-distributor', CATALOG, {
        sku: data().catalog.products[0].sku,
      });
      expect(catalog.body.errors).toBeUndefined();
      expect(refusals(await run('dev-acme-distributor', ACCOUNT, { id: 'CUS-0002' }))).toEqual([
        ['customer', 'NOT_FOUND', null],
      ]);
    });

    test('credit, contacts and cost price are outside its contract: an operation selecting them cannot even be registered', async () => {
      const refused = await gateway.admin(
        'POST',
        '/consumers/dev-acme-distributor/operations',
        ADMIN,
        manifestOf(
          manifestEntry(
            'AcmeCredit',
            'query AcmeCredit { customer(id: "CUS-0001") { creditLimit { amount } } }',
          ),
          manifestEntry(
            'AcmeContacts',
            'query AcmeContacts { customer(id: "CUS-0001") { contacts { email } } }',
          ),
          manifestEntry(
            'AcmeCost',
            `query AcmeCost { product(sku: "x") { costPrice { amount } } }`,
          ),
        ),
      );
      expect(refused.status).toBe(422);
      expect(
        refused.body.errors[0].extensions.reasons.map((reason: any) => [
          reason.operation.name,
          reason.code,
        ]),
      ).toEqual([
        ['AcmeCredit', 'NOT_IN_CONTRACT'],
        ['AcmeContacts', 'NOT_IN_CONTRACT'],
        ['AcmeCost', 'NOT_IN_CONTRACT'],
      ]);
    });

    test('a shipment mutation is in its contract but not in its scopes: registration refuses it with SCOPES_NOT_HELD naming shipments:write (it could never run it)', async () => {
      const SCAN =
        'mutation AcmeScan($id: ID!) { recordMilestone(shipmentId: $id, code: IN_TRANSIT, location: "Memphis, TN") { id status } }';
      const answer = await gateway.admin(
        'POST',
        '/consumers/dev-acme-distributor/operations',
        ADMIN,
        manifestOf(manifestEntry('AcmeScan', SCAN)),
      );
      expect(answer.status).toBe(422);
      expect(answer.body.errors[0].extensions.reasons).toEqual([
        expect.objectContaining({
          code: 'SCOPES_NOT_HELD',
          message: expect.stringContaining(
            'Mutation.recordMilestone needs @requiresScopes(scopes: [["shipments:write"]])',
          ),
        }),
      ]);
      const unregistered = await run('dev-acme-distributor', SCAN, { id: 'SHP-1' });
      expect(unregistered.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    test('anything but a registered operation is refused: a document with PERSISTED_QUERY_REQUIRED, an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
      const text = await gateway.post({ query: ORDERS }, as('dev-acme-distributor'));
      expect([text.status, text.body.errors?.[0].extensions?.code]).toEqual([
        400,
        'PERSISTED_QUERY_REQUIRED',
      ]);
      const unknown = await run(
        'dev-acme-distributor',
        'query NotRegistered { orders { totalCount } }',
      );
      expect([unknown.status, unknown.body.errors?.[0].extensions?.code]).toEqual([
        404,
        'PERSISTED_QUERY_NOT_FOUND',
      ]);
    });
  });

  describe('dev-fastfreight-3pl (bound to carrier CAR-FASTFREIGHT)', () => {
    const carried = () =>
      data().shipments.shipments.filter((shipment) => shipment.carrier_id === 'CAR-FASTFREIGHT');
    const SHIPMENTS =
      'query CarrierShipments { shipments(first: 100) { totalCount edges { node { id status carrier { id } milestones { code at } } } } }';
    const SHIPMENT =
      'query CarrierShipment($id: ID!) { shipment(id: $id) { id trackingNumber lines { quantity product { sku } } invoice { number } } }';

    beforeAll(async () => {
      const registered = await gateway.admin(
        'POST',
        '/consumers/dev-fastfreight-3pl/operations',
        ADMIN,
        manifestOf(
          manifestEntry('CarrierShipments', SHIPMENTS),
          manifestEntry('CarrierShipment', SHIPMENT),
        ),
      );
      expect(registered.status).toBe(200);
    });

    test('sees the shipments of its carrier only, with their milestones', async () => {
      expect(carried().length).toBeGreaterThan(0);
      const { body } = await run('dev-fastfreight-3pl', SHIPMENTS);
      expect(body.errors).toBeUndefined();
      expect(body.data.shipments.totalCount).toBe(carried().length);
      expect(new Set(body.data.shipments.edges.map((edge: any) => edge.node.carrier.id))).toEqual(
        new Set(['CAR-FASTFREIGHT']),
      );
    });

    test("on its own shipment the invoice (a customer's row, not the carrier's) is simply absent; another carrier's shipment is null with NOT_FOUND", async () => {
      const own = carried().find((shipment) =>
        data().finance.invoices.some((invoice) => invoice.shipment_id === shipment.id),
      )!;
      const answer = await run('dev-fastfreight-3pl', SHIPMENT, { id: own.id });
      expect(answer.body.data.shipment).toMatchObject({ id: own.id, invoice: null });
      expect(answer.body.data.shipment.lines.length).toBeGreaterThan(0);
      expect(answer.body.errors).toBeUndefined();
      const foreign = data().shipments.shipments.find(
        (shipment) => shipment.carrier_id !== 'CAR-FASTFREIGHT',
      )!;
      expect(refusals(await run('dev-fastfreight-3pl', SHIPMENT, { id: foreign.id }))).toEqual([
        ['shipment', 'NOT_FOUND', null],
      ]);
    });

    test("runs its registered shipment mutation (shipments:write) on its own shipments; another carrier's is NOT_FOUND", async () => {
      const SCAN =
        'mutation Scan($id: ID!) { recordMilestone(shipmentId: $id, code: IN_TRANSIT, location: "Memphis, TN") { id status lastMilestone { code location } } }';
      expect(
        (
          await gateway.admin(
            'POST',
            '/consumers/dev-fastfreight-3pl/operations',
            ADMIN,
            manifestOf(manifestEntry('Scan', SCAN)),
          )
        ).status,
      ).toBe(200);
      const shipped = carried().find((shipment) => shipment.status === 'SHIPPED')!;
      const scanned = await run('dev-fastfreight-3pl', SCAN, { id: shipped.id });
      expect(scanned.body).toEqual({
        data: {
          recordMilestone: {
            id: shipped.id,
            status: 'SHIPPED',
            lastMilestone: { code: 'IN_TRANSIT', location: 'Memphis, TN' },
          },
        },
        extensions: { cost: expect.objectContaining({ requested: expect.any(Number) }) },
      });
      const foreign = data().shipments.shipments.find(
        (shipment) => shipment.carrier_id !== 'CAR-FASTFREIGHT' && shipment.status === 'SHIPPED',
      )!;
      expect(
        refusals(await run('dev-fastfreight-3pl', SCAN, { id: foreign.id })).map(([at, code]) => [
          at,
          code,
        ]),
      ).toEqual([['recordMilestone', 'NOT_FOUND']]);
    });

    test('its shipment shows the order it ships, and survives the customer it may not see: null, as a row that does not exist, the rest of the shipment is there', async () => {
      // A 3pl's rows are its carrier's shipments and the orders they ship; a customer carries no carrier, so customers resolves it as missing.
      const WITH_ORDER =
        'query CarrierShipmentOrder($id: ID!) { shipment(id: $id) { id status order { id number } customer { name } lines { quantity } } }';
      expect(
        (
          await gateway.admin(
            'POST',
            '/consumers/dev-fastfreight-3pl/operations',
            ADMIN,
            manifestOf(manifestEntry('CarrierShipmentOrder', WITH_ORDER)),
          )
        ).status,
      ).toBe(200);
      const own = carried()[0];
      const answer = await run('dev-fastfreight-3pl', WITH_ORDER, { id: own.id });
      expect(answer.body.data).toEqual({
        shipment: {
          id: own.id,
          status: own.status,
          order: {
            id: own.order_id,
            number: data().orders.orders.find((order) => order.id === own.order_id)!.number,
          },
          customer: null,
          lines: expect.any(Array),
        },
      });
      expect(answer.body.data.shipment.lines.length).toBeGreaterThan(0);
      // The foreign customer is null without an error, exactly as one that does not exist.
      expect(refusals(answer)).toEqual([]);
      // In a list too: every shipment of its carrier shows the order it ships.
      const LISTED =
        'query CarrierShipmentOrders { shipments(first: 5) { edges { node { id order { number } } } } }';
      expect(
        (
          await gateway.admin(
            'POST',
            '/consumers/dev-fastfreight-3pl/operations',
            ADMIN,
            manifestOf(manifestEntry('CarrierShipmentOrders', LISTED)),
          )
        ).status,
      ).toBe(200);
      const listed = await run('dev-fastfreight-3pl', LISTED);
      expect(listed.body.data.shipments.edges.length).toBe(Math.min(5, carried().length));
      expect(listed.body.data.shipments.edges.map((edge: any) => edge.node.order)).toEqual(
        listed.body.data.shipments.edges.map(() => ({ number: expect.any(String) })),
      );
    });

    test('anything but a registered operation is refused with PERSISTED_QUERY_REQUIRED', async () => {
      const text = await gateway.post({ query: SHIPMENTS }, as('dev-fastfreight-3pl'));
      expect([text.status, text.body.errors?.[0].extensions?.code]).toEqual([
        400,
        'PERSISTED_QUERY_REQUIRED',
      ]);
    });
  });
});
