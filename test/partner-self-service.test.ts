/**
 * Partner self-service over HTTP (the console's partner page reads these routes): a partner signs
 * in with its own key and is answered only its own consumer, schema, registered operations, usage,
 * budget and manifests, never another partner's; a manifest it submits waits, registers nothing,
 * and runs once an admin approves it (audited); a rejected one never runs. The development
 * consumers (gateway/governance.dev.yaml) over the seeded subgraphs.
 */
import path from 'node:path';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';
import { manifestEntry, manifestOf } from './testing/manifests';

const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const ADMIN = 'dev-platform-admin';
const ACME = 'dev-acme-distributor';
const FREIGHT = 'dev-fastfreight-3pl';

let graph: RunningGraph;
let gateway: GovernedGateway;

const ACME_ORDERS = 'query AcmeOrders { orders(first: 5) { totalCount } }';
const ACME_SHIPPING =
  'query AcmeShipTo { orders(first: 5) { edges { node { shipToAddressId } } } }';
const FREIGHT_SHIPMENTS = 'query FreightShipments { shipments(first: 5) { totalCount } }';

/** GET or POST an /admin route with `key`. */
async function call(method: 'GET' | 'POST', route: string, key: string, body?: unknown) {
  const response = await fetch(`${gateway.baseUrl}/admin${route}`, {
    method,
    headers: {
      'x-api-key': key,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}
const run = (consumer: string, body: string) =>
  gateway.post({ documentId: `sha256:${operationId(body)}` }, as(consumer));

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
  for (const [consumer, operations] of [
    [ACME, manifestOf(manifestEntry('AcmeOrders', ACME_ORDERS))],
    [FREIGHT, manifestOf(manifestEntry('FreightShipments', FREIGHT_SHIPMENTS))],
  ] as const) {
    const registered = await call('POST', `/consumers/${consumer}/operations`, ADMIN, operations);
    expect(registered.status).toBe(200);
  }
  expect((await run(ACME, ACME_ORDERS)).body.errors).toBeUndefined();
  expect((await run(FREIGHT, FREIGHT_SHIPMENTS)).body.errors).toBeUndefined();
  await gateway.flush();
}, 120_000);
afterAll(() => graph?.close());

test('a partner key is still refused the operator routes (403), and unknown keys the self routes (401)', async () => {
  expect((await call('GET', `/consumers/${ACME}/operations`, ACME)).status).toBe(403);
  expect((await call('GET', '/manifest-requests', ACME)).status).toBe(403);
  const stranger = await call('GET', '/self', 'no-such-key');
  expect(stranger.status).toBe(401);
  expect(stranger.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('GET /admin/self and /admin/self/schema: its own consumer and its contract SDL', async () => {
  const self = await call('GET', '/self', ACME);
  expect(self.status).toBe(200);
  expect(self.body.consumer).toMatchObject({
    id: ACME,
    kind: 'distributor',
    contract: 'partner',
    persistedOperations: 'persisted-only',
  });
  const schema = await call('GET', '/self/schema', ACME);
  expect(schema.body.contract).toBe('partner');
  const contract = await call('GET', '/contracts/partner', ADMIN);
  expect(schema.body.sdl).toBe(contract.body.sdl);
  // Not the whole API: a field outside the partner contract is absent.
  const api = await call('GET', '/self/schema', ADMIN);
  expect(api.body.sdl.length).toBeGreaterThan(schema.body.sdl.length);
});

test('operations, usage and budget are the caller own only: another partner never appears', async () => {
  const acme = await call('GET', '/self/operations', ACME);
  expect(acme.status).toBe(200);
  expect(acme.body.operations.map((o: any) => o.name)).toEqual(['AcmeOrders']);
  expect(acme.body.operations[0]).toMatchObject({
    id: operationId(ACME_ORDERS),
    body: ACME_ORDERS,
    current: { valid: true, errors: [] },
  });
  const freight = await call('GET', '/self/operations', FREIGHT);
  expect(freight.body.operations.map((o: any) => o.name)).toEqual(['FreightShipments']);

  const usage = await call('GET', '/self/usage', ACME);
  expect(usage.status).toBe(200);
  expect(usage.body.operations.length).toBeGreaterThan(0);
  expect(usage.body.operations.every((o: any) => o.consumer === ACME)).toBe(true);
  expect(usage.body.operations[0]).toMatchObject({ operationName: 'AcmeOrders', requests: 1 });
  // Its budget as the operators' showback reports it.
  const showback = await call('GET', `/consumers/${ACME}/budget`, ADMIN);
  expect(usage.body.budget).toEqual(showback.body.rules);
  const monthCost = usage.body.budget.find((r: any) => r.window === 'month');
  expect(monthCost).toMatchObject({ measure: 'cost', limit: 1_000_000 });
  expect(monthCost.used).toBeGreaterThan(0);

  const everything = JSON.stringify([acme.body, usage.body]);
  expect(everything).not.toContain(FREIGHT);
  expect(everything).not.toContain('FreightShipments');
  expect((await call('GET', '/self/usage?days=0', ACME)).body.errors[0].extensions.code).toBe(
    'BAD_USER_INPUT',
  );
});

test('a submitted manifest waits for approval, then registers and runs; a rejected one never does', async () => {
  // A manifest that does not validate is refused at once, nothing kept.
  const bad = await call(
    'POST',
    '/self/manifests',
    ACME,
    manifestOf(manifestEntry('Bad', 'query Bad { nope }')),
  );
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].extensions.code).toBe('MANIFEST_INVALID');

  const submitted = await call(
    'POST',
    '/self/manifests',
    ACME,
    manifestOf(manifestEntry('AcmeShipTo', ACME_SHIPPING)),
  );
  expect(submitted.status).toBe(202);
  const id = submitted.body.request.id;
  expect(submitted.body.request).toMatchObject({ consumer: ACME, status: 'pending' });
  expect(submitted.body.request.operations).toEqual([
    { id: operationId(ACME_SHIPPING), name: 'AcmeShipTo', type: 'query' },
  ]);
  // Pending: not registered, so it does not run.
  expect((await run(ACME, ACME_SHIPPING)).body.errors?.[0].extensions?.code).toBe(
    'PERSISTED_QUERY_NOT_FOUND',
  );
  const other = await call(
    'POST',
    '/self/manifests',
    FREIGHT,
    manifestOf(manifestEntry('FreightShipments', FREIGHT_SHIPMENTS)),
  );
  expect(other.status).toBe(202);

  // Each partner lists its own requests only; the admin sees both.
  const mine = await call('GET', '/self/manifests', ACME);
  expect(mine.body.requests.map((r: any) => r.id)).toEqual([id]);
  const pending = await call('GET', '/manifest-requests?status=pending', ADMIN);
  expect(pending.body.requests.map((r: any) => r.consumer).sort()).toEqual([ACME, FREIGHT]);

  // A decision needs a reason; a partner cannot decide its own.
  expect((await call('POST', `/manifest-requests/${id}/approve`, ADMIN, {})).status).toBe(400);
  expect(
    (await call('POST', `/manifest-requests/${id}/approve`, ACME, { reason: 'me' })).status,
  ).toBe(403);

  const approved = await call('POST', `/manifest-requests/${id}/approve`, ADMIN, {
    reason: 'reviewed with ACME',
  });
  expect(approved.status).toBe(200);
  expect(approved.body.request).toMatchObject({
    status: 'approved',
    decision: { by: ADMIN, reason: 'reviewed with ACME', registration: { added: 1 } },
  });
  const ran = await run(ACME, ACME_SHIPPING);
  expect(ran.body.errors).toBeUndefined();
  expect(ran.body.data.orders.edges.length).toBeGreaterThan(0);
  // Decided once.
  const again = await call('POST', `/manifest-requests/${id}/reject`, ADMIN, { reason: 'late' });
  expect(again.status).toBe(409);
  expect(again.body.errors[0].extensions.code).toBe('MANIFEST_REQUEST_DECIDED');

  const rejected = await call('POST', `/manifest-requests/${other.body.request.id}/reject`, ADMIN, {
    reason: 'already registered by the platform team',
  });
  expect(rejected.body.request.status).toBe('rejected');
  expect(
    (await call('POST', '/manifest-requests/not-an-id/approve', ADMIN, { reason: 'x' })).status,
  ).toBe(404);

  // Both decisions are in the audit trail, under the request id.
  await gateway.flush();
  const audit = await call('GET', `/audit?key=${id}`, ADMIN);
  expect(audit.body.records.map((r: any) => r.operationName).sort()).toEqual([
    'manifest.approve',
    'manifest.submit',
  ]);
});
