/**
 * Field-level authorization through the real gateway over HTTP, on the six real subgraphs with
 * seed data: `@requiresScopes`/`@authenticated` declared in the subgraphs, read from the composed
 * supergraph, enforced before planning. The consumer comes from a test-only module (the identity
 * module is tested on its own): `x-test-scopes` names its scopes; without it there is no consumer.
 */
import {
  createGateway,
  defaultGatewayConfig,
  type Consumer,
  type GovernanceModule,
  type RunningGateway,
} from '@switchyard/gateway';
import { formatCents } from '@switchyard/kit';
import { createFieldAuthorizationModule } from '../gateway/src/governance/field-authorization/field-authorization';
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';

const SCOPES_HEADER = 'x-test-scopes';

/** Test only: the consumer is whoever `x-test-scopes` says (space-separated scopes); no header, no consumer. */
const consumerFromTestHeader: GovernanceModule = {
  name: 'test-consumer',
  onRequest({ headers, context }) {
    const scopes = headers[SCOPES_HEADER];
    if (typeof scopes !== 'string') return;
    context.consumer = {
      id: `test:${scopes}`,
      name: 'test consumer',
      kind: 'internal',
      scopes: scopes.split(' ').filter(Boolean),
      tenant: null,
      tier: 'gold',
      persistedOperations: 'allow',
      contract: null,
      requireClientName: false,
      requireOperationName: false,
    } satisfies Consumer;
  },
};

let graph: RunningGraph;
let rejecting: { gateway: RunningGateway; url: string };

beforeAll(async () => {
  graph = await startGraph({
    seedScale: 0.05,
    governance: (supergraph) => [
      consumerFromTestHeader,
      createFieldAuthorizationModule({ onUnauthorized: 'filter' }, { supergraph }),
    ],
  });
  // A second gateway on the same subgraphs, configured to reject instead of filter.
  const gateway = await createGateway(
    {
      ...defaultGatewayConfig,
      port: 0,
      logLevel: 'silent',
      subgraphUrls: graph.gateway.subgraphUrls,
    },
    {
      supergraphSdl: graph.gateway.supergraph.current,
      governance: (supergraph) => [
        consumerFromTestHeader,
        createFieldAuthorizationModule({ onUnauthorized: 'reject' }, { supergraph }),
      ],
    },
  );
  rejecting = {
    gateway,
    url: `${await gateway.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`,
  };
}, 120_000);
afterAll(async () => {
  await rejecting?.gateway.close();
  await graph?.close();
});

const as =
  (scopes: string | null) =>
  (query: string, variables: Record<string, unknown> = {}) =>
    graph.query(query, variables, scopes === null ? {} : { [SCOPES_HEADER]: scopes });

const creditLimitOf = (customerId: string) =>
  formatCents(
    graph.dataset!.customers.customers.find((c) => c.id === customerId)!.credit_limit_cents,
  );

const CUSTOMER_CREDIT = '{ customer(id: "CUS-0001") { name creditLimit { amount } } }';

test('a consumer without credit:read gets the name, creditLimit null, and one error at its path naming the missing scope', async () => {
  const { status, body } = await as('orders:read')(CUSTOMER_CREDIT);
  expect(status).toBe(200);
  const name = graph.dataset!.customers.customers.find((c) => c.id === 'CUS-0001')!.name;
  expect(body.data).toEqual({ customer: { name, creditLimit: null } });
  expect(Object.keys(body.data.customer)).not.toContain('_switchyardAuthzTypename');
  expect(body.errors).toEqual([
    {
      message:
        'Unauthorized field or type: Customer.creditLimit requires @requiresScopes(scopes: [["credit:read"]])',
      path: ['customer', 'creditLimit'],
      extensions: {
        code: 'UNAUTHORIZED_FIELD_OR_TYPE',
        coordinate: 'Customer.creditLimit',
        requiresScopes: [['credit:read']],
      },
    },
  ]);
});

test('inside a list, every element gets null and its own error', async () => {
  const { body } = await as('')(
    '{ customers(first: 3) { edges { node { id creditLimit { amount } } } } }',
  );
  const edges = body.data.customers.edges as { node: { id: string; creditLimit: unknown } }[];
  expect(edges).toHaveLength(3);
  expect(edges.every((edge) => edge.node.creditLimit === null && edge.node.id)).toBe(true);
  expect(body.errors!.map((error) => [error.path, error.extensions!.code])).toEqual(
    [0, 1, 2].map((index) => [
      ['customers', 'edges', index, 'node', 'creditLimit'],
      'UNAUTHORIZED_FIELD_OR_TYPE',
    ]),
  );
});

test('a consumer with credit:read gets the credit limit, with no error', async () => {
  const { body } = await as('credit:read')(CUSTOMER_CREDIT);
  expect(body.errors).toBeUndefined();
  expect(body.data.customer.creditLimit).toEqual({ amount: creditLimitOf('CUS-0001') });
});

test('fields of another subgraph, aliases, fragments and fields taking variables are filtered alike; an emptied selection leaves its object, not a stray __typename', async () => {
  const { body } = await as('credit:read')(
    `query Receivables($asOf: DateTime) {
      customer(id: "CUS-0001") { id exposure: creditExposure { amount } ...Owed }
      product(sku: "FAS-10001") { costPrice { amount } }
    }
    fragment Owed on Customer { openBalance { amount } aging(asOf: $asOf) { total { amount } } }`,
    { asOf: '2026-11-01T00:00:00.000Z' },
  );
  expect(body.data.customer.exposure.amount).toMatch(/^\d+\.\d{2}$/);
  expect(body.data.customer).toMatchObject({ id: 'CUS-0001', openBalance: null, aging: null });
  expect(body.data.product).toEqual({ costPrice: null });
  expect(
    body.errors!.map((error) => [error.path!.join('.'), error.extensions!.requiresScopes]).sort(),
  ).toEqual([
    ['customer.aging', [['finance:read']]],
    ['customer.openBalance', [['finance:read']]],
    ['product.costPrice', [['catalog:cost:read']]],
  ]);
});

test('a request without a consumer is not authenticated: @authenticated fields are removed, with the requirement named', async () => {
  const { body } = await as(null)('{ customer(id: "CUS-0001") { id billTo { city } } }');
  expect(body.data.customer).toEqual({ id: 'CUS-0001', billTo: null });
  expect(body.errors![0]).toMatchObject({
    path: ['customer', 'billTo'],
    extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', authenticated: true },
  });
  expect(body.errors![0].message).toContain('@authenticated');
});

test('two consumers alternating the same query never get each other’s plan', async () => {
  const answers: GraphResponse[] = [];
  // The consumer without the scope goes first, so its (smaller) plan is the one cached first.
  const query = CUSTOMER_CREDIT.replace('name', 'name status');
  for (const scopes of ['', 'credit:read', '', 'credit:read'])
    answers.push(await as(scopes)(query));
  const limit = creditLimitOf('CUS-0001');
  expect(answers.map((answer) => answer.body.data.customer.creditLimit)).toEqual([
    null,
    { amount: limit },
    null,
    { amount: limit },
  ]);
  expect(answers.map((answer) => answer.body.errors?.length ?? 0)).toEqual([1, 0, 1, 0]);
});

test('reject mode refuses the whole operation with 403, listing every missing requirement, and runs allowed ones', async () => {
  const post = async (query: string, scopes: string) => {
    const response = await fetch(rejecting.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SCOPES_HEADER]: scopes },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as GraphResponse['body'] };
  };
  const refused = await post(
    '{ customer(id: "CUS-0001") { name creditLimit { amount } openBalance { amount } } }',
    'orders:read',
  );
  expect(refused.status).toBe(403);
  expect(refused.body.data).toBeUndefined();
  expect(refused.body.errors).toHaveLength(1);
  expect(refused.body.errors![0].extensions).toEqual({
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    unauthorized: [
      {
        coordinate: 'Customer.creditLimit',
        path: ['customer', 'creditLimit'],
        requiresScopes: [['credit:read']],
      },
      {
        coordinate: 'Customer.openBalance',
        path: ['customer', 'openBalance'],
        requiresScopes: [['finance:read']],
      },
    ],
  });
  const allowed = await post(CUSTOMER_CREDIT, 'credit:read');
  expect(allowed.status).toBe(200);
  expect(allowed.body.data.customer.creditLimit).toEqual({ amount: creditLimitOf('CUS-0001') });
});
