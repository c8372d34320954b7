/**
 * The registry's check pipeline against a real governed gateway (the development governance
 * config, all six subgraphs): usage and registered operations read through the gateway's admin API
 * with an admin key, as the registry reads them.
 */
import path from 'node:path';
import { createMemoryStore } from '@switchyard/gateway';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import {
  createCheckRunner,
  createGatewayAdminSource,
  type PipelineReport,
} from '../registry/src/checks';
import { ACME_ORDER, changeOf, replaceOnce } from '../registry/src/checks/testing/check-fixtures';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';

const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
const ADMIN = 'dev-platform-admin';
const ACME = 'dev-acme-distributor';
const manifest = (...operations: { id: string; name: string; type: string; body: string }[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});

let graph: RunningGraph;
let gateway: GovernedGateway;

beforeAll(async () => {
  const governed = governedBy(config, createMemoryStore());
  graph = await startGraph({ governance: governed.factory });
  gateway = governedGateway(graph.gatewayUrl.replace(/\/graphql$/, ''), governed.built.governance!);
}, 120_000);
afterAll(() => graph?.close());

test('registration refuses an operation needing a scope its consumer lacks: disputeInvoice for dev-acme-distributor (no finance:write)', async () => {
  const body =
    'mutation Dispute($id: ID!) { disputeInvoice(invoiceId: $id, reason: "short") { id } }';
  const answer = await gateway.admin(
    'POST',
    `/consumers/${ACME}/operations`,
    ADMIN,
    manifest({ id: operationId(body), name: 'Dispute', type: 'mutation', body }),
  );
  expect(answer.status).toBe(422);
  expect(answer.body.errors[0].extensions.reasons).toEqual([
    expect.objectContaining({
      code: 'SCOPES_NOT_HELD',
      message: expect.stringContaining(
        'Mutation.disputeInvoice needs @requiresScopes(scopes: [["finance:write"]])',
      ),
    }),
  ]);
});

test("a check reads usage and registered operations through the admin API: removing a field acme's registered operation ran fails naming it, and unrecorded windows are unknown", async () => {
  const registered = await gateway.admin(
    'POST',
    `/consumers/${ACME}/operations`,
    ADMIN,
    manifest(ACME_ORDER),
  );
  expect(registered.status).toBe(200);
  const ran = await gateway.post(
    { documentId: ACME_ORDER.id, variables: { id: 'ORD-404' } },
    as(ACME),
  );
  expect(ran.status).toBe(200);
  await gateway.flush();

  const run = createCheckRunner({
    governance: config,
    sources: createGatewayAdminSource({
      gatewayUrl: gateway.baseUrl,
      credentials: { 'x-api-key': ADMIN },
    }),
  });
  const report = (await run(
    changeOf('orders', (sdl) =>
      replaceOnce(
        sdl,
        /\n\s*"""The customer's purchase order number, when they gave one\."""\n\s*poNumber: String @tag\(name: "partner"\)/,
        '',
      ),
    ),
  )) as PipelineReport;

  expect(report.ok).toBe(false);
  expect(report.operations.failures).toEqual([
    expect.objectContaining({ consumer: ACME, operationName: 'AcmeOrder', schema: 'partner' }),
  ]);
  const impact = report.usage.find((u) => u.coordinate === 'Order.poNumber')!;
  expect(impact.consumers).toEqual([
    expect.objectContaining({
      consumer: ACME,
      requests: 1,
      windowDays: 400,
      operations: [
        expect.objectContaining({
          operationId: ACME_ORDER.id,
          operationName: 'AcmeOrder',
          requests: 1,
        }),
      ],
    }),
  ]);
  // The gateway started recording this hour: the free-form consumers' 30-day windows are mostly unknown.
  expect(report.usageCoverage).toMatchObject({ available: true, retentionDays: 400 });
  expect(impact.unknown.map((u) => u.consumer)).toContain('dev-sales-portal');
  expect(report.usageCoverage.consumers.every((c) => !c.complete)).toBe(true);
}, 60_000);
