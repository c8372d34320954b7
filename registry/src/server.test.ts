/**
 * The registry over HTTP (Fastify inject) on SQLite and PostgreSQL: who may do what, publish and
 * its refusals, approvals, serialized parallel publishes, rollback, history, diff and the long-poll.
 */
import { createHash } from 'node:crypto';
import type { RunCheck } from './checks/check-report';
import { compositionOnlyCheck } from './composition-check';
import {
  editedSdl,
  startTestRegistry,
  TEST_DATABASE_URL,
  withField,
  type TestRegistry,
} from './testing/registry-harness';

const key = (id: string) => ({ 'x-api-key': id });

async function call(
  registry: TestRegistry,
  method: 'GET' | 'POST',
  url: string,
  consumer: string | null,
  body?: unknown,
) {
  const response = await registry.app.inject({
    method,
    url,
    headers: consumer ? key(consumer) : {},
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body ? (JSON.parse(response.body) as any) : null,
  };
}

/** Fails (approvably) every candidate carrying `# needs-approval`, fingerprinted by its SDL, as the check pipeline fingerprints a change set. */
const approvalNeeded: RunCheck = async (input) => {
  // A real pipeline waits on I/O (usage, registered operations): publishes overlap while it does.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const base = await compositionOnlyCheck(input);
  if (!base.ok || !input.candidate.sdl.includes('# needs-approval')) return base;
  return {
    ...base,
    ok: false,
    approvalRequired: true,
    fingerprint: createHash('sha256').update(input.candidate.sdl).digest('hex'),
  };
};

describe.each([
  ['SQLite', undefined],
  ['PostgreSQL', TEST_DATABASE_URL],
])('the registry on %s', (_name, databaseUrl) => {
  let registry: TestRegistry;
  let clock = new Date('2026-01-05T10:00:00Z');
  beforeEach(async () => {
    clock = new Date('2026-01-05T10:00:00Z');
    registry = await startTestRegistry({
      databaseUrl,
      runCheck: approvalNeeded,
      now: () => clock,
      watchPollMs: 50,
    });
  });
  afterEach(() => registry.close());

  test('is seeded with the six subgraphs as version 1, and lists them to a reader', async () => {
    const { status, body } = await call(registry, 'GET', '/subgraphs', 'dev-gateway');
    expect(status).toBe(200);
    expect(body.version).toBe(1);
    expect(body.subgraphs.map((s: any) => [s.subgraph, s.version])).toEqual(
      ['catalog', 'customers', 'finance', 'inventory', 'orders', 'shipments'].map((n) => [n, 1]),
    );
    expect(await registry.service.seed([], 'seed')).toBe(false);
  });

  test('a nullable field added to orders passes, publishes version 2, and the supergraph serves it', async () => {
    const sdl = withField('orders', 'Order', 'giftMessage: String');
    const check = await call(registry, 'POST', '/subgraphs/orders/check', 'dev-orders-owner', {
      sdl,
    });
    expect(check.status).toBe(200);
    expect(check.body.check).toMatchObject({ ok: true, id: expect.stringMatching(/^chk_/) });

    const published = await call(
      registry,
      'POST',
      '/subgraphs/orders/publish',
      'dev-orders-owner',
      {
        sdl,
        message: 'gift messages on orders',
      },
    );
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ published: true, version: 2, check: { ok: true } });

    const supergraph = await call(registry, 'GET', '/supergraph', 'dev-gateway');
    expect(supergraph.body.version).toBe(2);
    expect(supergraph.body.supergraphSdl).toContain('giftMessage: String');
    expect(supergraph.body.subgraphVersions).toMatchObject({ orders: 2, finance: 1 });

    const history = await call(registry, 'GET', '/history?subgraph=orders', 'dev-gateway');
    expect(history.body.versions).toEqual([
      expect.objectContaining({
        subgraph: 'orders',
        version: 2,
        author: 'dev-orders-owner',
        message: 'gift messages on orders',
        kind: 'publish',
        checkId: published.body.check.id,
        approvalId: null,
      }),
      expect.objectContaining({ subgraph: 'orders', version: 1, kind: 'seed' }),
    ]);

    // Each version keeps its SDL.
    const v1 = await call(registry, 'GET', '/subgraphs/orders/versions/1', 'dev-gateway');
    expect(v1.body.sdl).not.toContain('giftMessage');
    const v2 = await call(registry, 'GET', '/subgraphs/orders/versions/2', 'dev-gateway');
    expect(v2.body).toMatchObject({ version: 2, sdl, url: 'http://127.0.0.1:4004/graphql' });
    expect(
      (await call(registry, 'GET', '/subgraphs/returns/versions/2', 'dev-gateway')).status,
    ).toBe(404);

    // The same SDL again is no new version.
    const again = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl,
      message: 'again',
    });
    expect(again).toMatchObject({
      status: 200,
      body: { published: false, reason: 'unchanged', version: 2 },
    });
  });

  test('an owner of one subgraph publishing another is refused with 403 FORBIDDEN; no credentials 401', async () => {
    const sdl = withField('finance', 'Invoice', 'note: String');
    const foreign = await call(registry, 'POST', '/subgraphs/finance/publish', 'dev-orders-owner', {
      sdl,
      message: 'not mine',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      consumer: 'dev-orders-owner',
      requiredScope: 'schema:publish:finance',
    });
    const reader = await call(registry, 'POST', '/subgraphs/finance/check', 'dev-gateway', { sdl });
    expect(reader.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await call(registry, 'GET', '/subgraphs', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const unknown = await call(registry, 'GET', '/subgraphs', 'dev-nobody');
    expect(unknown.status).toBe(401);
    expect((await call(registry, 'GET', '/history', null)).status).toBe(401);
    expect((await registry.service.currentSupergraph())!.version).toBe(1);
  });

  test('a change that does not compose fails with the composition error and its location, and is never published', async () => {
    const sdl = withField('orders', 'Order', 'broken: NoSuchType');
    const check = await call(registry, 'POST', '/subgraphs/orders/check', 'dev-orders-owner', {
      sdl,
    });
    expect(check.body.check.ok).toBe(false);
    expect(check.body.approvable).toBe(false);
    expect(check.body.check.composition.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Unknown type NoSuchType'),
        code: 'INVALID_GRAPHQL',
        locations: [expect.objectContaining({ subgraph: 'orders', line: expect.any(Number) })],
      }),
    ]);
    const publish = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl,
      message: 'broken',
    });
    expect(publish.status).toBe(409);
    expect(publish.body.errors[0].extensions).toMatchObject({
      code: 'COMPOSITION_FAILED',
      checkId: expect.stringMatching(/^chk_/),
    });
    // Nothing approves it.
    const approve = await call(
      registry,
      'POST',
      `/checks/${publish.body.errors[0].extensions.checkId}/approve`,
      'dev-platform-admin',
      { reason: 'please' },
    );
    expect(approve.status).toBe(409);
    expect(approve.body.errors[0].extensions.code).toBe('NOT_APPROVABLE');
    expect((await registry.service.currentSupergraph())!.version).toBe(1);
  });

  test('a failing check is refused; an approval of it lets the same change publish, not a different one, and not once expired', async () => {
    const sdl = `${withField('orders', 'Order', 'giftMessage: String')}\n# needs-approval\n`;
    const refused = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl,
      message: 'needs approval',
    });
    expect(refused.status).toBe(409);
    const checkId = refused.body.errors[0].extensions.checkId;
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'CHECK_FAILED' });

    const byOwner = await call(registry, 'POST', `/checks/${checkId}/approve`, 'dev-orders-owner', {
      reason: 'mine',
    });
    expect(byOwner.status).toBe(403);
    const noReason = await call(
      registry,
      'POST',
      `/checks/${checkId}/approve`,
      'dev-platform-admin',
      {},
    );
    expect(noReason.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    const approved = await call(
      registry,
      'POST',
      `/checks/${checkId}/approve`,
      'dev-platform-admin',
      {
        reason: 'the review board accepted it on 5 January',
      },
    );
    expect(approved.status).toBe(201);
    const approval = approved.body.approval;
    expect(approval).toMatchObject({
      checkId,
      approver: 'dev-platform-admin',
      expiresAt: '2026-01-12T10:00:00.000Z',
    });

    const other = `${withField('orders', 'Order', 'giftWrap: Boolean')}\n# needs-approval\n`;
    const mismatch = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl: other,
      message: 'another change',
      approval: approval.id,
    });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.errors[0].extensions).toMatchObject({
      code: 'APPROVAL_MISMATCH',
      reason: 'other-change',
    });

    clock = new Date('2026-01-12T10:00:01Z');
    const expired = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl,
      message: 'too late',
      approval: approval.id,
    });
    expect(expired.body.errors[0].extensions.code).toBe('APPROVAL_EXPIRED');

    clock = new Date('2026-01-06T10:00:00Z');
    const published = await call(
      registry,
      'POST',
      '/subgraphs/orders/publish',
      'dev-orders-owner',
      {
        sdl,
        message: 'approved change',
        approval: approval.id,
      },
    );
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ published: true, version: 2, approval: approval.id });
    const [latest] = (await call(registry, 'GET', '/history?subgraph=orders', 'dev-gateway')).body
      .versions;
    expect(latest).toMatchObject({ version: 2, approvalId: approval.id });
  });

  test('GET /checks lists the newest check runs with their findings and approvals, to readers only', async () => {
    const sdl = `${withField('orders', 'Order', 'giftMessage: String')}\n# needs-approval\n`;
    const refused = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl,
      message: 'needs approval',
    });
    const checkId = refused.body.errors[0].extensions.checkId;
    clock = new Date('2026-01-05T10:00:01Z');
    await call(registry, 'POST', '/subgraphs/catalog/check', 'dev-catalog-owner', {
      sdl: withField('catalog', 'Product', 'colour: String'),
    });
    await call(registry, 'POST', `/checks/${checkId}/approve`, 'dev-platform-admin', {
      reason: 'accepted',
    });

    const listed = await call(registry, 'GET', '/checks', 'dev-gateway');
    expect(listed.status).toBe(200);
    expect(
      listed.body.checks.map((c: any) => [c.subgraph, c.check.ok, c.approvals.length]),
    ).toEqual([
      ['catalog', true, 0],
      ['orders', false, 1],
    ]);
    expect(listed.body.checks[1]).toMatchObject({
      check: { id: checkId, approvalRequired: true },
      approvable: true,
      author: 'dev-orders-owner',
      approvals: [{ checkId, approver: 'dev-platform-admin', reason: 'accepted' }],
    });
    const orders = await call(registry, 'GET', '/checks?subgraph=orders&limit=1', 'dev-gateway');
    expect(orders.body.checks.map((c: any) => c.check.id)).toEqual([checkId]);
    // The publish that uses the approval runs the check again: that run shows the approval of its change set too.
    const approvalId = listed.body.checks[1].approvals[0].id;
    clock = new Date('2026-01-05T10:00:02Z');
    const published = await call(
      registry,
      'POST',
      '/subgraphs/orders/publish',
      'dev-orders-owner',
      {
        sdl,
        message: 'approved',
        approval: approvalId,
      },
    );
    expect(published.status).toBe(201);
    const rerun = (await call(registry, 'GET', '/checks?subgraph=orders&limit=1', 'dev-gateway'))
      .body.checks[0];
    expect(rerun.check.id).not.toBe(checkId);
    expect(rerun.approvals.map((a: any) => a.id)).toEqual([approvalId]);
    expect((await call(registry, 'GET', '/checks?limit=0', 'dev-gateway')).status).toBe(400);
    expect((await call(registry, 'GET', '/checks', null)).status).toBe(401);
    expect((await call(registry, 'GET', '/whoami', 'dev-platform-admin')).body).toMatchObject({
      id: 'dev-platform-admin',
      scopes: ['schema:read', 'schema:approve'],
    });
  });

  test('parallel publishes of different subgraphs all land, and the supergraph holds every one', async () => {
    const changes = [
      ['orders', 'Order', 'giftMessage: String'],
      ['finance', 'Invoice', 'internalNote: String'],
      ['customers', 'Customer', 'nickname: String'],
      ['shipments', 'Shipment', 'driverNote: String'],
    ] as const;
    const results = await Promise.all(
      changes.map(([subgraph, type, field]) =>
        call(registry, 'POST', `/subgraphs/${subgraph}/publish`, `dev-${subgraph}-owner`, {
          sdl: withField(subgraph, type, field),
          message: `add ${field}`,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.body.version).sort()).toEqual([2, 3, 4, 5]);
    const supergraph = (await call(registry, 'GET', '/supergraph', 'dev-gateway')).body;
    expect(supergraph.version).toBe(5);
    for (const [, , field] of changes) expect(supergraph.supergraphSdl).toContain(field);
    expect(supergraph.subgraphVersions).toMatchObject({ catalog: 1, inventory: 1 });
  });

  test('rollback publishes an earlier version as a new one, with the check run again', async () => {
    await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl: withField('orders', 'Order', 'giftMessage: String'),
      message: 'gift messages',
    });
    const rolledBack = await call(
      registry,
      'POST',
      '/subgraphs/orders/rollback',
      'dev-orders-owner',
      {
        version: 1,
      },
    );
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.body).toMatchObject({ published: true, version: 3, check: { ok: true } });
    const supergraph = await registry.service.currentSupergraph();
    expect(supergraph!.supergraphSdl).not.toContain('giftMessage');
    const [latest] = (await call(registry, 'GET', '/history?subgraph=orders', 'dev-gateway')).body
      .versions;
    expect(latest).toMatchObject({
      version: 3,
      kind: 'rollback',
      message: expect.stringContaining('version 1'),
    });

    expect(
      (
        await call(registry, 'POST', '/subgraphs/finance/rollback', 'dev-orders-owner', {
          version: 1,
        })
      ).status,
    ).toBe(403);
    const missing = await call(
      registry,
      'POST',
      '/subgraphs/nosuch/rollback',
      'dev-platform-admin',
      {
        version: 1,
      },
    );
    expect(missing.status).toBe(403);
    const bad = await call(registry, 'POST', '/subgraphs/orders/rollback', 'dev-orders-owner', {
      version: 'one',
    });
    expect(bad.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'version',
    });
  });

  test('diff prints sorted schemas: a field shows, reordering is no change', async () => {
    await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl: withField('orders', 'Order', 'giftMessage: String'),
      message: 'gift messages',
    });
    // Version 3: the same orders schema with two fields of Order swapped.
    const reordered = editedSdl('orders', (sdl) =>
      sdl
        .replace(/(\ntype Order\b[^{]*\{\n)/, '$1  giftMessage: String\n')
        .replace(
          '  id: ID! @tag(name: "partner")\n\n  """The order number people quote (on documents and in the portal)."""\n  number: String! @tag(name: "partner")',
          '  """The order number people quote (on documents and in the portal)."""\n  number: String! @tag(name: "partner")\n  id: ID! @tag(name: "partner")',
        ),
    );
    expect(
      (
        await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
          sdl: reordered,
          message: 'reordered',
        })
      ).body.version,
    ).toBe(3);
    const added = (await call(registry, 'GET', '/diff?from=1&to=2', 'dev-gateway')).body;
    expect(added.apiSchema).toContain('+  giftMessage: String');
    expect(added.subgraphs).toEqual([
      expect.objectContaining({
        name: 'orders',
        from: 1,
        to: 2,
        diff: expect.stringContaining('+  giftMessage: String'),
      }),
    ]);
    const reorder = (await call(registry, 'GET', '/diff?from=2&to=3', 'dev-gateway')).body;
    expect(reorder).toEqual({ from: 2, to: 3, apiSchema: '', subgraphs: [] });
    const missing = await call(registry, 'GET', '/diff?from=1&to=9', 'dev-gateway');
    expect(missing.status).toBe(404);
    const bad = await call(registry, 'GET', '/diff?from=x&to=1', 'dev-gateway');
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  test('GET /supergraph long-polls: 304 when nothing changes, the new version as soon as one is published', async () => {
    const first = await call(registry, 'GET', '/supergraph', 'dev-gateway');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"1-[0-9a-f]{16}"$/);
    const unchanged = await registry.app.inject({
      method: 'GET',
      url: '/supergraph?wait=1',
      headers: { ...key('dev-gateway'), 'if-none-match': etag },
    });
    expect(unchanged.statusCode).toBe(304);

    const waiting = registry.app.inject({
      method: 'GET',
      url: '/supergraph?wait=30',
      headers: { ...key('dev-gateway'), 'if-none-match': etag },
    });
    await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      sdl: withField('orders', 'Order', 'giftMessage: String'),
      message: 'gift messages',
    });
    const answered = await waiting;
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ version: 2 });
    expect(answered.headers.etag).not.toBe(etag);
    // A stale ETag is answered at once.
    const stale = await call(registry, 'GET', '/supergraph', 'dev-gateway');
    expect(stale.body.version).toBe(2);
  });

  test('bad input is a 4xx with a stable code, never a 500', async () => {
    const noSdl = await call(registry, 'POST', '/subgraphs/orders/publish', 'dev-orders-owner', {
      message: 'x',
    });
    expect(noSdl).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'sdl' } }] },
    });
    const noMessage = await call(
      registry,
      'POST',
      '/subgraphs/orders/publish',
      'dev-orders-owner',
      {
        sdl: 'type Query { a: Int }',
      },
    );
    expect(noMessage.body.errors[0].extensions.field).toBe('message');
    const badJson = await registry.app.inject({
      method: 'POST',
      url: '/subgraphs/orders/check',
      headers: { ...key('dev-orders-owner'), 'content-type': 'application/json' },
      payload: '{"sdl":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().errors[0].extensions.code).toBe('BAD_REQUEST');
    const newWithoutUrl = await call(
      registry,
      'POST',
      '/subgraphs/returns/check',
      'dev-platform-admin',
      {
        sdl: 'type Query { a: Int }',
      },
    );
    expect(newWithoutUrl.status).toBe(403);
    const badUrl = await call(registry, 'POST', '/subgraphs/orders/check', 'dev-orders-owner', {
      sdl: 'type Query { a: Int }',
      url: 'file:///etc/passwd',
    });
    expect(badUrl.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'url',
    });
    const unparsable = await call(registry, 'POST', '/subgraphs/orders/check', 'dev-orders-owner', {
      sdl: 'type Order {',
    });
    expect(unparsable.status).toBe(200);
    expect(unparsable.body.check.composition.errors[0]).toMatchObject({
      code: 'INVALID_GRAPHQL',
      locations: [{ subgraph: 'orders', line: 1 }],
    });
    const unknownCheck = await call(
      registry,
      'POST',
      '/checks/chk_nope/approve',
      'dev-platform-admin',
      {
        reason: 'x',
      },
    );
    expect(unknownCheck.status).toBe(404);
    const unknownApproval = await call(
      registry,
      'POST',
      '/subgraphs/orders/publish',
      'dev-orders-owner',
      {
        sdl: `${withField('orders', 'Order', 'giftMessage: String')}\n# needs-approval\n`,
        message: 'x',
        approval: 'apr_nope',
      },
    );
    expect(unknownApproval.status).toBe(404);
    const route = await call(registry, 'GET', '/nope?secret=1', 'dev-gateway');
    expect(route.body.errors[0]).toEqual({
      message: 'Route GET:/nope not found',
      extensions: { code: 'NOT_FOUND' },
    });
  });
});
