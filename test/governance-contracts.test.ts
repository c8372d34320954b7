/**
 * Contract variants end to end, over HTTP, on the six seeded subgraphs: the `partner` contract of
 * the real graph, whose tags (test/partner-contract.ts) are added by swapping the supergraph the
 * gateway serves, as the schema registry's hot reload does. A consumer bound to the contract in
 * allow mode (so it can send free-form documents and introspect) next to an internal one.
 */
import { createMemoryStore } from '@switchyard/gateway';
import { operationId } from '../gateway/src/governance/operation-manifest';
import { governedBy, governedGateway, type GovernedGateway } from './gateway-replicas';
import { startGraph, type RunningGraph } from './graph-harness';
import { PARTNER_TAGS, withPartnerTags } from './partner-contract';
import { as, testGovernanceConfig } from './test-consumers';

const config = testGovernanceConfig({ contracts: { partner: { include: ['partner'] } } }, [
  { id: 'explorer', kind: 'distributor', tier: 'gold', scopes: ['orders:read', 'finance:read'], tenant: { customers: ['CUS-0001'] }, contract: 'partner' },
  { id: 'insider', tier: 'gold', scopes: ['orders:read', 'finance:read', 'credit:read', 'catalog:cost:read'] },
  { id: 'admin', tier: 'gold', scopes: ['governance:admin'] },
]);

let graph: RunningGraph;
let gateway: GovernedGateway;
let untaggedAnswer: Awaited<ReturnType<GovernedGateway['post']>>;

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  // Served before the graph carries any partner tag.
  untaggedAnswer = await gateway.post({ query: '{ orders(first: 1) { totalCount } }' }, as('explorer'));
  graph.gateway.supergraph.update(withPartnerTags(graph.gateway.supergraph.current).sdl);
}, 120_000);
afterAll(() => graph?.close());

const ownOrder = () => graph.dataset!.orders.orders.find((order) => order.customer_id === 'CUS-0001')!;

test('while the graph carries no partner tag the contract exposes nothing: its consumer is refused everything (fail closed)', () => {
  expect(untaggedAnswer.status).toBe(400);
  expect(untaggedAnswer.body.errors).toEqual([{ message: 'The "partner" contract exposes no fields: this consumer may run no operation', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
});

test('after the supergraph swap, a contract consumer reads what the contract holds, from its own rows', async () => {
  const order = ownOrder();
  const { status, body } = await gateway.post({ query: `{ order(id: "${order.id}") { number status customer { name } lines { sku quantity } total { amount } } }` }, as('explorer'));
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.order).toMatchObject({ number: order.number, customer: { name: expect.any(String) } });
});

test('a field outside the contract is GRAPHQL_VALIDATION_FAILED (400) with the usual message, and the suggestion never names it', async () => {
  const credit = '{ customer(id: "CUS-0001") { name creditLimit { amount } } }';
  const refused = await gateway.post({ query: credit }, as('explorer'));
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([
    { message: 'Cannot query field "creditLimit" on type "Customer".', locations: [{ line: 1, column: credit.indexOf('creditLimit') + 1 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
  ]);
  // Suggestions come from the contract: the whole API schema would suggest costPrice.
  const typo = '{ product(sku: "x") { costPric { amount } } }';
  expect((await gateway.post({ query: typo }, as('explorer'))).body.errors?.[0].message).toBe('Cannot query field "costPric" on type "Product". Did you mean "listPrice"?');
  expect((await gateway.post({ query: typo }, as('insider'))).body.errors?.[0].message).toMatch(/^Cannot query field "costPric" on type "Product". Did you mean "costPrice"/);
  // The same documents are valid for a consumer without a contract.
  const insider = await gateway.post({ query: credit }, as('insider'));
  expect(insider.body.errors).toBeUndefined();
  expect(insider.body.data.customer.creditLimit.amount).toMatch(/^\d+\.\d\d$/);
});

test('introspection answers the contract schema for its consumer, and the whole API schema for the others', async () => {
  const query = '{ __schema { types { name } queryType { fields { name } } } customer: __type(name: "Customer") { fields { name } } }';
  const partner = await gateway.post({ query }, as('explorer'));
  expect(partner.body.errors).toBeUndefined();
  expect(partner.body.data.customer.fields.map((f: { name: string }) => f.name).sort()).toEqual([...(PARTNER_TAGS.Customer as string[])].sort());
  expect(partner.body.data.__schema.queryType.fields.map((f: { name: string }) => f.name).sort()).toEqual([...(PARTNER_TAGS.Query as string[])].sort());
  const partnerTypes = partner.body.data.__schema.types.map((t: { name: string }) => t.name);
  for (const hidden of ['Hold', 'Allocation', 'TaxRate', 'Contact', 'Address', 'StockLevelConnection']) expect(partnerTypes).not.toContain(hidden);

  const insider = await gateway.post({ query }, as('insider'));
  expect(insider.body.data.customer.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['creditLimit', 'contacts', 'segment']));
  expect(insider.body.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Hold', 'Allocation', 'TaxRate']));
});

test('introspection next to data in one operation: the data from the subgraphs, the introspection from the contract', async () => {
  const order = ownOrder();
  const { body } = await gateway.post({ query: `query Mixed { order(id: "${order.id}") { number } orderType: __type(name: "Order") { fields { name } } }` }, as('explorer'));
  expect(body.errors).toBeUndefined();
  expect(body.data.order).toEqual({ number: order.number });
  expect(body.data.orderType.fields.map((f: { name: string }) => f.name).sort()).toEqual([...(PARTNER_TAGS.Order as string[])].sort());
});

test('manifest registration validates against the contract: an operation outside it is refused with NOT_IN_CONTRACT', async () => {
  const inside = 'query Mine { orders(first: 5) { edges { node { number status } } } }';
  const outside = 'query Holds { orders(first: 5) { edges { node { number holds { reason } } } } }';
  const entry = (name: string, body: string) => ({ id: operationId(body), name, type: 'query', body });
  const refused = await gateway.admin('POST', '/consumers/explorer/operations', 'admin', { format: 'apollo-persisted-query-manifest', version: 1, operations: [entry('Mine', inside), entry('Holds', outside)] });
  expect(refused.status).toBe(422);
  expect(refused.body.errors[0].extensions.reasons).toEqual([
    expect.objectContaining({ code: 'NOT_IN_CONTRACT', message: 'not in the "partner" contract: Cannot query field "holds" on type "Order".', operation: expect.objectContaining({ index: 1, name: 'Holds' }) }),
  ]);
  const accepted = await gateway.admin('POST', '/consumers/explorer/operations', 'admin', { format: 'apollo-persisted-query-manifest', version: 1, operations: [entry('Mine', inside)] });
  expect(accepted.status).toBe(200);
});

test('GET /admin/contracts/partner serves the contract schema partners build against', async () => {
  const { status, body } = await gateway.admin('GET', '/contracts/partner', 'admin');
  expect(status).toBe(200);
  expect(body).toMatchObject({ contract: 'partner', include: ['partner'], exclude: [], empty: false });
  expect(body.sdl).toContain('type StockLevel {');
  expect(body.sdl).not.toMatch(/^\s+onHand:/m);
  expect(body.sdl).not.toMatch(/^\s+costPrice:/m);
});
