/**
 * The authorization property (issue 13, "Prove it"): for random development consumers of
 * gateway/governance.dev.yaml and random queries over the API schema (the partner contract's, for
 * the persisted-only partners, who register each one through the admin API first), no answer holds
 * a value of a field whose `@requiresScopes` (read from the composed supergraph) the consumer
 * lacks, a row (by id) its row rules hide, or a connection count above the rows it may see (a
 * consumer that accepts end-user tokens runs both as itself and for a signed-in buyer). The
 * subgraphs' databases are the oracle of who owns each row (test/fuzz/row-owners.ts). Half the
 * requests also carry a forged x-switchyard-identity claiming an internal consumer with every scope.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { buildSchema, getNamedType, isObjectType, Kind, parse, type GraphQLSchema } from 'graphql';
import { createMemoryStore, defaultGatewayConfig } from '@switchyard/gateway';
import { SignJWT } from 'jose';
import { signIdentity } from '@switchyard/kit';
import { END_USER_TOKEN_HEADER } from '../gateway/src/governance/identity/end-user-tokens';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { judgeAnswer, type OracleInputs, type Viewer } from './fuzz/authorization-oracle';
import { declaredScopesOf } from './fuzz/declared-scopes';
import { operationArbitrary, type GeneratedOperation } from './fuzz/graphql-documents';
import { rowOwnersOf, type RowOwners } from './fuzz/row-owners';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';

const RUNS = Number(process.env.AUTHORIZATION_RUNS ?? 300);
const ADMIN = 'dev-platform-admin';
const developmentConfig = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
// Rate budgets off: a bronze partner may send 20 requests a second, and this property is about what
// an answer shows, not how often one may ask (test/governance-rate-budget.test.ts covers budgets).
const config = {
  ...developmentConfig,
  modules: { ...developmentConfig.modules, rateBudgets: false },
};
const consumers = config.consumers.map((consumer) => ({
  viewer: {
    id: consumer.id,
    kind: consumer.kind,
    scopes: consumer.scopes,
    tenant: consumer.tenant,
  } as Viewer,
  persistedOnly: consumer.persistedOperations === 'persisted-only',
  contract: consumer.contract ?? null,
  headers: {} as Record<string, string>,
}));
// Each consumer that accepts end-user tokens also runs as a buyer signed in for BUYER: that customer's rows only.
const BUYER = 'CUS-0003';
for (const consumer of config.consumers.filter((entry) => entry.endUserTokens)) {
  const base = consumers.find(({ viewer }) => viewer.id === consumer.id)!;
  consumers.push({
    ...base,
    viewer: { ...base.viewer, endUserCustomerId: BUYER },
    headers: {},
  });
}

let graph: RunningGraph;
let gateway: GovernedGateway;
let oracle: OracleInputs;
let owners: RowOwners;
const schemas = new Map<string | null, GraphQLSchema>();

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  owners = await rowOwnersOf(graph);
  for (const consumer of consumers.filter(({ viewer }) => viewer.endUserCustomerId)) {
    const tokens = config.consumers.find(({ id }) => id === consumer.viewer.id)!.endUserTokens!;
    consumer.headers = {
      [END_USER_TOKEN_HEADER]: await new SignJWT({ customer_id: consumer.viewer.endUserCustomerId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(tokens.issuer)
        .setAudience(tokens.audience)
        .setSubject('buyer@example.com')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(tokens.secret)),
    };
  }
  oracle = {
    schema: graph.gateway.supergraph.apiSchema(),
    scopes: declaredScopesOf(graph.gateway.supergraph.current),
    owners,
  };
  schemas.set(null, oracle.schema);
  for (const contract of new Set(consumers.flatMap(({ contract }) => contract ?? []))) {
    const served = await gateway.admin('GET', `/contracts/${contract}`, ADMIN);
    expect(served.status).toBe(200);
    schemas.set(contract, buildSchema(served.body.sdl));
  }
}, 120_000);
afterAll(() => graph?.close());

/** Ids the generated arguments take: rows of the partners' tenants, ECOMMERCE orders, and rows of others. */
function knownValues(): string[] {
  const ids = (type: string, mine: (owner: any) => boolean) => {
    const rows = [...owners.get(type)!];
    return [
      ...rows.filter(([, owner]) => mine(owner)).slice(0, 3),
      ...rows.filter(([, owner]) => !mine(owner)).slice(0, 3),
    ].map(([id]) => id);
  };
  const data = graph.dataset!;
  return [
    ...ids('Customer', (owner) => owner.customerId === 'CUS-0001'),
    ...ids('Customer', (owner) => owner.channels?.includes('ECOMMERCE') ?? false),
    ...ids('Order', (owner) => owner.customerId === 'CUS-0001'),
    ...ids('Order', (owner) => owner.customerId === BUYER),
    ...ids('Order', (owner) => owner.channel === 'ECOMMERCE'),
    ...ids('Order', (owner) => owner.carrierIds?.includes('CAR-FASTFREIGHT') ?? false),
    ...ids('Invoice', (owner) => owner.customerId === BUYER),
    ...ids('Invoice', (owner) => owner.customerId === 'CUS-0001'),
    ...ids('Payment', (owner) => owner.customerId === 'CUS-0001'),
    ...ids('Shipment', (owner) => owner.carrierId === 'CAR-FASTFREIGHT'),
    ...ids('Shipment', (owner) => owner.customerId === 'CUS-0001'),
    ...data.orders.orders.slice(0, 3).map((order) => order.number),
    ...data.catalog.products.slice(0, 3).map((product) => product.sku),
    'CAR-FASTFREIGHT',
    'CAR-UPS',
  ];
}

/** The name of the document's (one) operation: a manifest entry must carry it. */
const operationNameOf = (query: string) =>
  parse(query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)?.name
    ?.value;

/**
 * What every operation selects so that rows show: each row's id (the oracle looks its owner up by
 * it), and the edges and nodes of connections of rows.
 */
function rowSelections(schema: GraphQLSchema): Set<string> {
  const rowTypes = [...owners.keys()];
  const selections = new Set(rowTypes.map((type) => `${type}.id`));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getFields().edges) continue;
    const edge = getNamedType(type.getFields().edges.type);
    const node = isObjectType(edge) ? edge.getFields().node : undefined;
    if (node && rowTypes.includes(getNamedType(node.type).name)) {
      selections.add(`${type.name}.edges`);
      selections.add(`${edge.name}.node`);
    }
  }
  return selections;
}

/** The root fields that answer rows (and what hangs off them), where a leak would show. */
const ROW_ROOT_FIELDS = new Set([
  'order',
  'orders',
  'customer',
  'customers',
  'invoice',
  'invoices',
  'payment',
  'payments',
  'shipment',
  'shipments',
  'product',
  'products',
  'allocations',
]);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A forged identity header: signed with the subgraphs' real secret, claiming an internal consumer with every scope. */
const FORGED_IDENTITY = signIdentity(
  {
    aud: 'orders',
    id: 'forged',
    kind: 'internal',
    scopes: [...new Set(config.consumers.flatMap((consumer) => consumer.scopes))],
    tenant: null,
  },
  defaultGatewayConfig.identitySecret,
  3_600,
);

/** Runs `operation` as `consumer`: directly, or registered first and run by id when it is persisted-only. */
async function run(
  consumer: (typeof consumers)[number],
  operation: GeneratedOperation,
  forged: boolean,
): Promise<GraphResponse | 'not registered'> {
  const headers = {
    ...as(consumer.viewer.id),
    ...consumer.headers,
    ...(forged ? { 'x-switchyard-identity': FORGED_IDENTITY } : {}),
  };
  if (!consumer.persistedOnly)
    return gateway.post(operation as unknown as Record<string, unknown>, headers);
  const id = sha256(operation.query);
  const registered = await gateway.admin(
    'POST',
    `/consumers/${consumer.viewer.id}/operations`,
    ADMIN,
    {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id, name: operationNameOf(operation.query), type: 'query', body: operation.query },
      ],
    },
  );
  // Refused at registration (a field behind a scope it does not hold, a limit): nothing runs.
  expect([200, 422]).toContain(registered.status);
  if (registered.status !== 200) return 'not registered';
  return gateway.post({ documentId: `sha256:${id}`, variables: operation.variables }, headers);
}

test(`${RUNS} random queries by random development consumers: no value behind a scope it lacks, no row outside its rows, checked against the databases`, async () => {
  const values = knownValues();
  const cases = fc.constantFrom(...consumers).chain((consumer) =>
    fc.record({
      consumer: fc.constant(consumer),
      forged: fc.boolean(),
      operation: operationArbitrary(schemas.get(consumer.contract)!, {
        wrongTypes: 0,
        mutations: 0,
        maxDepth: 4,
        knownValues: values,
        alwaysSelect: rowSelections(schemas.get(consumer.contract)!),
        rootFields: ROW_ROOT_FIELDS,
        // A manifest names each operation, and the entry's name must be the document's.
        named: consumer.persistedOnly,
      }),
    }),
  );
  const seen = { answered: 0, rows: 0, withheld: 0, notRegistered: 0 };
  await fc.assert(
    fc.asyncProperty(cases, async ({ consumer, forged, operation }) => {
      const answer = await run(consumer, operation, forged);
      if (answer === 'not registered') return void seen.notRegistered++;
      expect(answer.status).toBeLessThan(500);
      const verdict = judgeAnswer(
        oracle,
        consumer.viewer,
        parse(operation.query),
        operation.operationName,
        answer.body.data,
      );
      seen.answered++;
      seen.rows += verdict.rows;
      seen.withheld += verdict.withheld;
      expect(verdict.leaks).toEqual([]);
    }),
    // Shrinking a failure replays requests: bounded, so a failure reports within the test's time.
    { numRuns: RUNS, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
  );
  // Not vacuous: the answers held rows, and reached fields the consumer lacks a scope for, each checked.
  expect(seen.rows).toBeGreaterThan(RUNS / 10);
  expect(seen.withheld).toBeGreaterThan(RUNS / 30);
  if (process.env.AUTHORIZATION_RUNS) console.log(seen);
}, 120_000);

test('the oracle is not blind: the sales portal’s answer, judged as the web store’s, shows rows and values the web store may not see', async () => {
  const query =
    '{ orders(first: 20) { totalCount edges { node { id channel customer { id creditLimit { amount } } } } } }';
  const answer = await gateway.post({ query }, as('dev-sales-portal'));
  expect(answer.body.errors).toBeUndefined();
  const webStore = consumers.find(({ viewer }) => viewer.id === 'dev-web-store')!.viewer;
  const { leaks } = judgeAnswer(oracle, webStore, parse(query), undefined, answer.body.data);
  expect(leaks).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^orders\.totalCount: \d+ Order rows, more than the \d+ it may see$/),
      expect.stringMatching(/^orders\.edges\[\d+\]\.node\.customer: Customer CUS-\d+ belongs to/),
      expect.stringMatching(/creditLimit: a value, but it requires \[\["credit:read"\]\]$/),
    ]),
  );
});
