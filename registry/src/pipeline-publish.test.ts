/**
 * The service with the real check pipeline (consumers from the development governance config,
 * usage and registered operations from fake sources): what a publish is refused for, and how an
 * approval of that exact change lets it in.
 */
import { createCheckRunner } from './checks';
import {
  ACME_ORDER,
  fakeSources,
  GOVERNANCE,
  NOW,
  replaceOnce,
} from './checks/testing/check-fixtures';
import { editedSdl, startTestRegistry, type TestRegistry } from './testing/registry-harness';

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startTestRegistry({
    runCheck: createCheckRunner({
      governance: GOVERNANCE,
      sources: fakeSources({ operations: { 'dev-acme-distributor': [ACME_ORDER] } }).sources,
      now: () => NOW,
    }),
    now: () => new Date(NOW),
  });
});
afterAll(() => registry?.close());

async function post(url: string, consumer: string, body: unknown) {
  const response = await registry.app.inject({
    method: 'POST',
    url,
    headers: { 'x-api-key': consumer },
    payload: body as object,
  });
  return { status: response.statusCode, body: response.json() };
}

const withoutPoNumber = editedSdl('orders', (sdl) =>
  replaceOnce(
    sdl,
    '  """The customer\'s purchase order number, when they gave one."""\n  poNumber: String @tag(name: "partner")\n\n',
    '',
  ),
);

test("removing a field acme's registered operation uses is refused naming it; the approval of that check lets the same change in, not another", async () => {
  const refused = await post('/subgraphs/orders/publish', 'dev-orders-owner', {
    sdl: withoutPoNumber,
    message: 'drop poNumber',
  });
  expect(refused.status).toBe(409);
  const { code, checkId, check } = refused.body.errors[0].extensions;
  expect(code).toBe('CHECK_FAILED');
  expect(check.operations.failures).toEqual([
    expect.objectContaining({ consumer: 'dev-acme-distributor', operationName: 'AcmeOrder' }),
  ]);

  // CI runs the same check again: the same fingerprint.
  const rerun = await post('/subgraphs/orders/check', 'dev-orders-owner', { sdl: withoutPoNumber });
  expect(rerun.body.check).toMatchObject({ ok: false, fingerprint: check.fingerprint });

  const approval = (
    await post(`/checks/${checkId}/approve`, 'dev-platform-admin', {
      reason: 'acme moves to purchaseOrder in their next release',
    })
  ).body.approval;

  const alsoChannel = replaceOnce(
    withoutPoNumber,
    '  channel: OrderChannel! @tag(name: "partner")\n',
    '',
  );
  const other = await post('/subgraphs/orders/publish', 'dev-orders-owner', {
    sdl: alsoChannel,
    message: 'drop more',
    approval: approval.id,
  });
  expect(other.status).toBe(409);
  expect(other.body.errors[0].extensions).toMatchObject({
    code: 'APPROVAL_MISMATCH',
    reason: 'other-change',
  });

  const published = await post('/subgraphs/orders/publish', 'dev-orders-owner', {
    sdl: withoutPoNumber,
    message: 'drop poNumber',
    approval: approval.id,
  });
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ published: true, version: 2, approval: approval.id });
});

test('loosening @requiresScopes on Customer.creditLimit fails the governance rule', async () => {
  const loosened = editedSdl('customers', (sdl) =>
    replaceOnce(
      sdl,
      'creditLimit: Money @requiresScopes(scopes: [["credit:read"]])',
      'creditLimit: Money',
    ),
  );
  const refused = await post('/subgraphs/customers/publish', 'dev-customers-owner', {
    sdl: loosened,
    message: 'everyone may see credit limits',
  });
  expect(refused.status).toBe(409);
  const { code, check } = refused.body.errors[0].extensions;
  expect(code).toBe('CHECK_FAILED');
  expect(check.rules).toEqual([
    expect.objectContaining({ rule: 'access-loosened', coordinate: 'Customer.creditLimit' }),
  ]);
});
