/**
 * Contract variants end to end, over HTTP, on the six seeded subgraphs: the `partner` contract of
 * the real graph, selected by the `@tag(name: "partner")` the subgraphs carry. A consumer bound to
 * the contract in allow mode (so it can send free-form documents and introspect) next to an
 * internal one. PARTNER_CONTRACT below is what partners are meant to see: a tag added to or taken
 * from a subgraph changes the served contract, and this test says so.
 */
import { createMemoryStore } from '@switchyard/gateway';
import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as, testGovernanceConfig } from './testing/consumers';

/**
 * The partner contract: its root fields, and the fields of the types partners work with. Left out
 * on purpose: credit control (creditLimit, creditExposure, holds), margins (costPrice), warehouse
 * books (onHand, allocated, reorder points, allocations), the CRM's segment, contacts and addresses,
 * whole-business figures and operations (businessHealth, exception queues, tax rates, price lists).
 */
const PARTNER_CONTRACT = {
  Query: [
    'order',
    'orders',
    'customer',
    'product',
    'products',
    'categories',
    'priceQuote',
    'warehouse',
    'warehouses',
    'shipment',
    'shipments',
    'carriers',
    'invoice',
    'invoices',
    'payment',
    'payments',
  ],
  // A distributor places, cancels (orders:write) and disputes (finance:write); a 3pl records milestones, confirms and delivers (shipments:write).
  Mutation: [
    'placeOrder',
    'cancelOrder',
    'disputeInvoice',
    'recordMilestone',
    'confirmShipment',
    'recordDelivery',
  ],
  PlaceOrderResult: ['order', 'accepted', 'replayed'],
  Order: [
    'id',
    'number',
    'status',
    'channel',
    'poNumber',
    'customer',
    'shipTo',
    // Deprecated for shipTo { addressId }; partners keep it until its sunset (issue 15).
    'shipToAddressId',
    'placedAt',
    'updatedAt',
    'subtotal',
    'tax',
    'total',
    'lines',
    'lineCount',
    'allowBackorder',
    'statusHistory',
    'shipments',
    'invoices',
  ],
  OrderStatusChange: ['status', 'at', 'cause'],
  Customer: [
    'id',
    'accountNumber',
    'name',
    'status',
    'paymentTerms',
    'currency',
    'priceList',
    'contractPrices',
    'orders',
    'invoices',
    'payments',
    'openBalance',
    'aging',
  ],
  Product: [
    'id',
    'sku',
    'name',
    'description',
    'category',
    'unitOfMeasure',
    'status',
    'listPrice',
    'quantityBreaks',
    'price',
    'availability',
    'totalAvailable',
  ],
  StockLevel: ['warehouse', 'product', 'available'],
  Shipment: [
    'id',
    'order',
    'customer',
    'warehouse',
    'carrier',
    'serviceLevel',
    'trackingNumber',
    'status',
    'lines',
    'milestones',
    'lastMilestone',
    'plannedAt',
    'shippedAt',
    'deliveredAt',
    'invoice',
  ],
  Invoice: [
    'id',
    'number',
    'status',
    'customer',
    'order',
    'shipment',
    'lines',
    'subtotal',
    'tax',
    'total',
    'amountPaid',
    'balance',
    'taxRegion',
    'taxRate',
    'taxRateBasisPoints',
    'issuedAt',
    'dueAt',
    'shippedAt',
    'disputedAt',
    'disputeReason',
    'daysPastDue',
    'applications',
  ],
} as const;

/** Every named type of the contract (object, input, enum, scalar): a new type reaching partners is a decision, not an accident. */
const PARTNER_TYPES = [
  'ArAging',
  'Carrier',
  'CarrierMode',
  'Category',
  'ContractPrice',
  'Customer',
  'CustomerStatus',
  'DateTime',
  'Invoice',
  'InvoiceConnection',
  'InvoiceEdge',
  'InvoiceLine',
  'InvoiceStatus',
  'Milestone',
  'MilestoneCode',
  'Money',
  'Mutation',
  'Order',
  'OrderChannel',
  'OrderConnection',
  'OrderEdge',
  'OrderLine',
  'OrderStatus',
  'OrderStatusChange',
  'PageInfo',
  'Payment',
  'PaymentApplication',
  'PaymentConnection',
  'PaymentEdge',
  'PaymentMethod',
  'PaymentTerms',
  'PlaceOrderInput',
  'PlaceOrderLineInput',
  'PlaceOrderResult',
  'Price',
  'PriceList',
  'PriceQuoteLine',
  'PriceQuoteLineInput',
  'PricingRule',
  'Product',
  'ProductConnection',
  'ProductEdge',
  'ProductStatus',
  'QuantityBreak',
  'Query',
  'ServiceLevel',
  'Shipment',
  'ShipmentConnection',
  'ShipmentEdge',
  'ShipmentLine',
  'ShipmentStatus',
  'ShipToAddress',
  'StockLevel',
  'UnitOfMeasure',
  'Warehouse',
];

const fieldsOf = (schema: GraphQLSchema, type: string) => {
  const found = schema.getType(type);
  return isObjectType(found) ? Object.keys(found.getFields()).sort() : [];
};

const config = testGovernanceConfig(
  {
    contracts: {
      partner: { include: ['partner'] },
      unused: { include: ['no-subgraph-carries-this'] },
    },
  },
  [
    {
      id: 'explorer',
      kind: 'distributor',
      tier: 'gold',
      scopes: ['orders:read', 'finance:read'],
      tenant: { customers: ['CUS-0001'] },
      contract: 'partner',
    },
    {
      id: 'stranger',
      kind: 'distributor',
      tier: 'gold',
      scopes: ['orders:read'],
      tenant: { customers: ['CUS-0001'] },
      contract: 'unused',
    },
    {
      id: 'insider',
      tier: 'gold',
      scopes: ['orders:read', 'finance:read', 'credit:read', 'catalog:cost:read'],
    },
    { id: 'admin', tier: 'gold', scopes: ['governance:admin'] },
  ],
);

let graph: RunningGraph;
let gateway: GovernedGateway;

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
}, 120_000);
afterAll(() => graph?.close());

const ownOrder = () =>
  graph.dataset!.orders.orders.find((order) => order.customer_id === 'CUS-0001')!;

test('a contract whose tag no subgraph carries exposes nothing: its consumer is refused everything (fail closed)', async () => {
  const answer = await gateway.post(
    { query: '{ orders(first: 1) { totalCount } }' },
    as('stranger'),
  );
  expect(answer.status).toBe(400);
  expect(answer.body.errors).toEqual([
    {
      message: 'The "unused" contract exposes no fields: this consumer may run no operation',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    },
  ]);
});

test("the served partner contract holds exactly the intended root fields, types and fields of the subgraphs' partner tags", async () => {
  const { status, body } = await gateway.admin('GET', '/contracts/partner', 'admin');
  expect(status).toBe(200);
  const contract = buildSchema(body.sdl);
  for (const [type, fields] of Object.entries(PARTNER_CONTRACT))
    expect([type, fieldsOf(contract, type)]).toEqual([type, [...fields].sort()]);
  const types = Object.keys(contract.getTypeMap()).filter(
    (name) => !name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(name),
  );
  expect(types.sort()).toEqual([...PARTNER_TYPES].sort());
  // What partners must never see, said once more by name.
  expect(fieldsOf(contract, 'Customer')).not.toContain('creditLimit');
  expect(fieldsOf(contract, 'Customer')).not.toContain('creditExposure');
  expect(fieldsOf(contract, 'Product')).not.toContain('costPrice');
  expect(fieldsOf(contract, 'Order')).not.toContain('holds');
  expect(fieldsOf(contract, 'Order')).not.toContain('allocations');
  expect(fieldsOf(contract, 'PlaceOrderResult')).not.toContain('holds');
  expect(fieldsOf(contract, 'StockLevel')).not.toContain('onHand');
  for (const hidden of [
    'Hold',
    'Allocation',
    'TaxRate',
    'BusinessHealth',
    'EventException',
    'Contact',
    'Address',
  ])
    expect(contract.getType(hidden)).toBeUndefined();
});

test('a contract consumer reads what the contract holds, from its own rows', async () => {
  const order = ownOrder();
  const { status, body } = await gateway.post(
    {
      query: `{ order(id: "${order.id}") { number status customer { name } lines { sku quantity } total { amount } } }`,
    },
    as('explorer'),
  );
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.order).toMatchObject({
    number: order.number,
    customer: { name: expect.any(String) },
  });
});

test('a field outside the contract is GRAPHQL_VALIDATION_FAILED (400) with the usual message, and the suggestion never names it', async () => {
  const credit = '{ customer(id: "CUS-0001") { name creditLimit { amount } } }';
  const refused = await gateway.post({ query: credit }, as('explorer'));
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([
    {
      message: 'Cannot query field "creditLimit" on type "Customer".',
      locations: [{ line: 1, column: credit.indexOf('creditLimit') + 1 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    },
  ]);
  // Suggestions come from the contract: the whole API schema would suggest costPrice.
  const typo = '{ product(sku: "x") { costPric { amount } } }';
  expect((await gateway.post({ query: typo }, as('explorer'))).body.errors?.[0].message).toBe(
    'Cannot query field "costPric" on type "Product". Did you mean "listPrice"?',
  );
  expect((await gateway.post({ query: typo }, as('insider'))).body.errors?.[0].message).toMatch(
    /^Cannot query field "costPric" on type "Product". Did you mean "costPrice"/,
  );
  // The same documents are valid for a consumer without a contract.
  const insider = await gateway.post({ query: credit }, as('insider'));
  expect(insider.body.errors).toBeUndefined();
  expect(insider.body.data.customer.creditLimit.amount).toMatch(/^\d+\.\d\d$/);
});

test('introspection answers the contract schema for its consumer, and the whole API schema for the others', async () => {
  const query =
    '{ __schema { types { name } queryType { fields { name } } } customer: __type(name: "Customer") { fields { name } } }';
  const partner = await gateway.post({ query }, as('explorer'));
  expect(partner.body.errors).toBeUndefined();
  expect(partner.body.data.customer.fields.map((f: { name: string }) => f.name).sort()).toEqual(
    [...PARTNER_CONTRACT.Customer].sort(),
  );
  expect(
    partner.body.data.__schema.queryType.fields.map((f: { name: string }) => f.name).sort(),
  ).toEqual([...PARTNER_CONTRACT.Query].sort());
  const partnerTypes = partner.body.data.__schema.types.map((t: { name: string }) => t.name);
  for (const hidden of [
    'Hold',
    'Allocation',
    'TaxRate',
    'Contact',
    'Address',
    'StockLevelConnection',
  ])
    expect(partnerTypes).not.toContain(hidden);

  const insider = await gateway.post({ query }, as('insider'));
  expect(insider.body.data.customer.fields.map((f: { name: string }) => f.name)).toEqual(
    expect.arrayContaining(['creditLimit', 'contacts', 'segment']),
  );
  expect(insider.body.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(
    expect.arrayContaining(['Hold', 'Allocation', 'TaxRate']),
  );
});

test('introspection next to data in one operation: the data from the subgraphs, the introspection from the contract', async () => {
  const order = ownOrder();
  const { body } = await gateway.post(
    {
      query: `query Mixed { order(id: "${order.id}") { number } orderType: __type(name: "Order") { fields(includeDeprecated: true) { name } } }`,
    },
    as('explorer'),
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.order).toEqual({ number: order.number });
  expect(body.data.orderType.fields.map((f: { name: string }) => f.name).sort()).toEqual(
    [...PARTNER_CONTRACT.Order].sort(),
  );
});

test('manifest registration validates against the contract: an operation outside it is refused with NOT_IN_CONTRACT', async () => {
  const inside = 'query Mine { orders(first: 5) { edges { node { number status } } } }';
  const outside = 'query Holds { orders(first: 5) { edges { node { number holds { reason } } } } }';
  const entry = (name: string, body: string) => ({
    id: operationId(body),
    name,
    type: 'query',
    body,
  });
  const refused = await gateway.admin('POST', '/consumers/explorer/operations', 'admin', {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [entry('Mine', inside), entry('Holds', outside)],
  });
  expect(refused.status).toBe(422);
  expect(refused.body.errors[0].extensions.reasons).toEqual([
    expect.objectContaining({
      code: 'NOT_IN_CONTRACT',
      message: 'not in the "partner" contract: Cannot query field "holds" on type "Order".',
      operation: expect.objectContaining({ index: 1, name: 'Holds' }),
    }),
  ]);
  const accepted = await gateway.admin('POST', '/consumers/explorer/operations', 'admin', {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [entry('Mine', inside)],
  });
  expect(accepted.status).toBe(200);
});

test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
  'GET /admin/contracts/%s is 404: a contract name is an own property of the config, never of Object.prototype',
  async (name) => {
    const { status, body } = await gateway.admin('GET', `/contracts/${name}`, 'admin');
    expect(status).toBe(404);
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
  },
);

test('GET /admin/contracts/partner serves the contract schema partners build against', async () => {
  const { status, body } = await gateway.admin('GET', '/contracts/partner', 'admin');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    contract: 'partner',
    include: ['partner'],
    exclude: [],
    empty: false,
  });
  expect(body.sdl).toContain('type StockLevel {');
  expect(body.sdl).not.toMatch(/^\s+onHand:/m);
  expect(body.sdl).not.toMatch(/^\s+costPrice:/m);
});
