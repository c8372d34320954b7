import { buildSchema, getOperationAST, parse } from 'graphql';
import { composeSupergraph } from '../../supergraph-config';
import { SupergraphSource } from '../../supergraph-manager';
import { governancePlugin } from '../operation-plugin';
import { createMemoryStore } from '../store/memory-store';
import { stageReport, stagesOfRootFields } from './stage-sla';
import { latencySlot, parseUsageField, parseUsageHashKey, usageField } from './usage-aggregator';
import { createUsageModule, operationSelection } from './usage';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Order implements Node { id: ID! number: String! total: Int! customer: Customer }
  type Customer implements Node { id: ID! name: String! legacyCode: String @deprecated(reason: "use id") }
  union SearchHit = Order | Customer
  type Query { node(id: ID!): Node  search(text: String!): [SearchHit!]!  order(id: ID!): Order  orders: [Order!]! }
  type Mutation { holdOrder(id: ID!): Order }
`);

describe('field coordinates of an operation', () => {
  test('aliases count under the field name, and each root response key maps to its root field', () => {
    const document = parse(
      `query Two { first: order(id: "1") { id total } second: order(id: "2") { number } }`,
    );
    const { coordinates, rootFields } = operationSelection(schema, document, 'Two');
    expect(coordinates).toEqual(['Order.id', 'Order.number', 'Order.total', 'Query.order']);
    expect([...rootFields]).toEqual([
      ['first', 'Query.order'],
      ['second', 'Query.order'],
    ]);
  });

  test('fragments spread by the operation are walked on their type condition; other operations and unused fragments are not', () => {
    const document = parse(`
      query WithFragments { orders { ...OrderParts customer { ...on Customer { name } } } }
      query Other { node(id: "x") { id } }
      fragment OrderParts on Order { number customer { ...CustomerParts } }
      fragment CustomerParts on Customer { id }
      fragment Unused on Customer { legacyCode }
    `);
    expect(operationSelection(schema, document, 'WithFragments').coordinates).toEqual([
      'Customer.id',
      'Customer.name',
      'Order.customer',
      'Order.number',
      'Query.orders',
    ]);
    expect(operationSelection(schema, document, 'Other').coordinates).toEqual([
      'Node.id',
      'Query.node',
    ]);
  });

  test('fields of abstract types count under the type they are selected on; __typename is left out', () => {
    const document = parse(
      `{ search(text: "a") { __typename ... on Order { id total } ... on Customer { legacyCode } } node(id: "n") { id ... on Customer { name } } }`,
    );
    expect(operationSelection(schema, document, '').coordinates).toEqual([
      'Customer.legacyCode',
      'Customer.name',
      'Node.id',
      'Order.id',
      'Order.total',
      'Query.node',
      'Query.search',
    ]);
  });

  test('mutation root fields are root fields too', () => {
    const { coordinates, rootFields } = operationSelection(
      schema,
      parse(`mutation Hold { holdOrder(id: "1") { id } }`),
      'Hold',
    );
    expect(coordinates).toEqual(['Mutation.holdOrder', 'Order.id']);
    expect(rootFields.get('holdOrder')).toBe('Mutation.holdOrder');
  });
});

describe('order-to-cash stages', () => {
  // Federation's @tag imported as @label; a custom @tag of another feature is composed in too and must not count.
  const staged = new SupergraphSource(
    composeSupergraph([
      {
        name: 'orders',
        url: 'http://127.0.0.1:9/orders',
        sdl: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective", {name: "@tag", as: "@label"}])
  @link(url: "https://specs.example.com/labels/v1.0", import: ["@tag"])
  @composeDirective(name: "@tag")
directive @tag(name: String!) on FIELD_DEFINITION
type Query {
  orders: [Order!]! @label(name: "partner") @label(name: "stage:order-capture")
  products: [Int] @label(name: "stage:quote")
  health: Int @tag(name: "stage:not-federation-tag")
}
type Mutation { recordMilestone: Int @label(name: "stage:fulfillment") }
type Order @key(fields: "id") { id: ID! total: Int @label(name: "stage:invoicing") }`,
      },
    ]),
  );

  test('root fields declare their stage with a stage: tag (under the name the supergraph gives @tag); other tags, untagged and non-root fields declare none', () => {
    expect(Object.fromEntries(stagesOfRootFields(staged))).toEqual({
      'Query.orders': 'order-capture',
      'Query.products': 'quote',
      'Mutation.recordMilestone': 'fulfillment',
    });
  });

  test('the usage module counts a request under the stage of an aliased @tag, and the stage report lists it', async () => {
    const usage = createUsageModule(
      { flushIntervalMs: 60_000 },
      { store: createMemoryStore(), supergraph: staged },
    );
    const document = parse('{ orders { id } health }');
    await governancePlugin([usage])!.requestDidStart!({} as never).then((listener) =>
      listener!.willSendResponse!({
        request: { query: '{ orders { id } health }' },
        document,
        operation: getOperationAST(document),
        queryHash: 'hash',
        contextValue: {
          correlationId: 'c',
          startedAt: performance.now(),
          consumer: null,
          client: { name: null, version: null },
          governance: {},
        },
        response: { body: { kind: 'single', singleResult: { data: {} } }, http: {} },
      } as never),
    );
    const report = await usage.aggregator.flush().then(() => usage.reports.stages(1));
    await usage.close();
    expect(report.stages.map(({ stage, requests }) => [stage, requests])).toEqual([
      ['fulfillment', 0],
      ['order-capture', 1],
      ['quote', 0],
    ]);
  });

  test('a stage is breached when its p95 latency or error rate is over its SLA, overall and per consumer', () => {
    const hash = {
      [usageField('quote', 'web', 'requests')]: 100,
      [usageField('quote', 'web', `latency:${latencySlot(40)}`)]: 100,
      [usageField('order-capture', 'web', 'requests')]: 90,
      [usageField('order-capture', 'web', `latency:${latencySlot(120)}`)]: 90,
      [usageField('order-capture', 'erp', 'requests')]: 10,
      [usageField('order-capture', 'erp', 'errors')]: 2,
      [usageField('order-capture', 'erp', `latency:${latencySlot(2_500)}`)]: 10,
    };
    const report = stageReport(
      [hash],
      { quote: { p95Ms: 400, errorRate: 0.01 }, 'order-capture': { p95Ms: 800, errorRate: 0.05 } },
      ['quote', 'order-capture', 'fulfillment'],
      7,
    );
    const stage = (name: string) => report.stages.find((s) => s.stage === name)!;

    expect(stage('quote')).toMatchObject({
      requests: 100,
      errors: 0,
      breached: false,
      breaches: [],
    });
    expect(stage('order-capture')).toMatchObject({
      requests: 100,
      errors: 2,
      errorRate: 0.02,
      breached: true,
      breaches: ['p95Ms'],
    });
    expect(stage('order-capture').latencyMs.p95).toBeGreaterThan(800);
    expect(stage('order-capture').consumers).toEqual([
      expect.objectContaining({ consumer: 'web', requests: 90, breached: false }),
      expect.objectContaining({
        consumer: 'erp',
        requests: 10,
        errorRate: 0.2,
        breached: true,
        breaches: ['p95Ms', 'errorRate'],
      }),
    ]);
    // Tagged but idle, and without an SLA: listed, never breached.
    expect(stage('fulfillment')).toMatchObject({
      requests: 0,
      sla: null,
      breached: false,
      consumers: [],
    });
  });

  test('figures of several time buckets add up', () => {
    const bucket = {
      [usageField('quote', 'web', 'requests')]: 3,
      [usageField('quote', 'web', 'errors')]: 1,
    };
    const report = stageReport([bucket, bucket], { quote: { p95Ms: 400, errorRate: 0.5 } }, [], 1);
    expect(report.stages[0]).toMatchObject({
      stage: 'quote',
      requests: 6,
      errors: 2,
      breached: false,
    });
  });
});

describe('client names and versions', () => {
  test('are capped per consumer as operation names are: the first pairs as sent (cut to their length limit), later ones as other', async () => {
    const store = createMemoryStore();
    const usage = createUsageModule(
      { flushIntervalMs: 60_000, maxClientsPerConsumer: 3, maxClientLabelLength: 12 },
      {
        store,
        supergraph: new SupergraphSource(
          composeSupergraph([
            {
              name: 'orders',
              url: 'http://127.0.0.1:9/orders',
              sdl: 'type Query { orders: [Order!]! } type Order { id: ID! }',
            },
          ]),
        ),
      },
    );
    const listener = (await governancePlugin([usage])!.requestDidStart!({} as never))!;
    const document = parse('{ orders { id } }');
    const send = (consumer: string, name: string | null, version: string | null) =>
      listener.willSendResponse!({
        request: { query: '{ orders { id } }' },
        document,
        operation: getOperationAST(document),
        queryHash: 'hash',
        contextValue: {
          correlationId: 'c',
          startedAt: performance.now(),
          consumer: { id: consumer },
          client: { name, version },
          governance: {},
        },
        response: { body: { kind: 'single', singleResult: { data: {} } }, http: {} },
      } as never);
    await send('web', 'storefront-with-a-very-long-name', '1.0.0');
    await send('web', null, null);
    for (let i = 0; i < 50; i++) await send('web', 'storefront', `9.${i}`);
    await send('web', null, null); // admitted already: still its own
    await send('portal', 'portal', 'x'.repeat(5_000));
    await usage.aggregator.flush();
    await usage.close();

    const clients = new Set<string>();
    for (const key of await store.keys('usage:')) {
      if (parseUsageHashKey(key)?.kind !== 'operations') continue;
      for (const field of Object.keys(await store.fields(key))) {
        const [consumer, name, version] = parseUsageField(field);
        clients.add(`${consumer} ${name} ${version}`);
      }
    }
    expect([...clients].sort()).toEqual([
      'portal portal xxxxxxxxxxxx',
      'web other ',
      'web storefront 9.0',
      'web storefront-w 1.0.0',
      'web unknown ',
    ]);
  });
});
