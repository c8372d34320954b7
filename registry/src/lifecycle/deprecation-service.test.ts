/**
 * The registry's side of deprecations over its real HTTP routes (SQLite in memory): records and
 * their refusals, the feed gateways long-poll, waivers and their trail, and signed webhook notices
 * to real local receivers, on a clock the test moves. Usage comes from a fixed source (the gateway's
 * admin API is test/api-lifecycle.test.ts's business).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadGovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import type { UsageReading } from '../checks/governance-sources';
import { runSwitchyard } from '../cli/switchyard-program';
import { verifySignature } from '../notifications/webhook-signature';
import { startTestRegistry, type TestRegistry } from '../testing/registry-harness';
import { judgeRemoval } from './removal-rule';

const ACME = 'dev-acme-distributor';
const WEB_STORE = 'dev-web-store';
const ACME_SECRET = 'a'.repeat(40);
const STORE_SECRET = 'b'.repeat(40);
const COORDINATE = 'Order.shipToAddressId';
const DAY = 86_400_000;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A consumer's webhook endpoint: records what it receives, answers `status()`. */
async function receiver(status: () => number = () => 204) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

let now = Date.parse('2027-01-04T10:00:00Z');
let registry: TestRegistry;
let acme: Awaited<ReturnType<typeof receiver>>;
let webStore: Awaited<ReturnType<typeof receiver>>;
let acmeAnswers = 204;
let registryUrl: string;

beforeAll(async () => {
  acme = await receiver(() => acmeAnswers);
  webStore = await receiver();
  const development = loadGovernanceConfig(
    path.resolve(__dirname, '../../../gateway/governance.dev.yaml'),
  );
  const governance = {
    ...development,
    consumers: development.consumers.map((consumer) =>
      consumer.id === ACME
        ? { ...consumer, notify: { webhook: { url: acme.url, secret: ACME_SECRET } } }
        : consumer.id === WEB_STORE
          ? { ...consumer, notify: { webhook: { url: webStore.url, secret: STORE_SECRET } } }
          : consumer,
    ),
  };
  registry = await startTestRegistry({
    lifecycle: {
      governance,
      clock: () => now,
      delivery: { backoffMs: 60_000 },
      // Only ACME's registered operation selected the field in its window.
      sources: {
        async usage(query): Promise<UsageReading> {
          return {
            retentionDays: 400,
            readAt: now,
            recorded: [{ from: now - 400 * DAY, to: now }],
            rows: query.coordinates.includes(COORDINATE)
              ? [
                  {
                    coordinate: COORDINATE,
                    consumer: ACME,
                    operationId: 'op1',
                    operationName: 'AcmeOrder',
                    requests: 12,
                    lastSeen: now - DAY,
                  },
                ]
              : [],
          };
        },
      },
    },
  });
  registryUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await registry?.close();
  await acme?.close();
  await webStore?.close();
});

async function call(method: 'GET' | 'POST', url: string, token: string, payload?: unknown) {
  const response = await registry.app.inject({
    method,
    url,
    headers: { 'x-api-key': token },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

describe('deprecating a coordinate', () => {
  test('is refused for a coordinate the schema lacks, one not @deprecated, a bad sunset, and a non-owner', async () => {
    const missing = await call('POST', '/deprecations', 'dev-orders-owner', {
      coordinate: 'Order.nothingHere',
      sunset: '2027-03-01',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].extensions.code).toBe('COORDINATE_NOT_FOUND');
    const live = await call('POST', '/deprecations', 'dev-orders-owner', {
      coordinate: 'Order.poNumber',
      sunset: '2027-03-01',
    });
    expect(live.status).toBe(409);
    expect(live.body.errors[0].extensions.code).toBe('COORDINATE_NOT_DEPRECATED');
    for (const sunset of ['2027-02-30', 'March 1', '2026-12-01']) {
      const bad = await call('POST', '/deprecations', 'dev-orders-owner', {
        coordinate: COORDINATE,
        sunset,
      });
      expect([bad.status, bad.body.errors[0].extensions.field]).toEqual([400, 'sunset']);
    }
    const stranger = await call('POST', '/deprecations', 'dev-finance-owner', {
      coordinate: COORDINATE,
      sunset: '2027-03-01',
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      owners: ['orders'],
    });
  });

  test('its owner gives it a sunset: the consumer that used it gets a signed notice, the others none', async () => {
    const answer = await call('POST', '/deprecations', 'dev-orders-owner', {
      coordinate: COORDINATE,
      sunset: '2027-03-01',
      replacement: 'Order.shipTo',
      link: 'https://developer.example.com/changes/ship-to',
      brownouts: [{ start: '2027-02-15T14:00:00Z', end: '2027-02-15T15:00:00Z' }],
    });
    expect(answer.status).toBe(201);
    expect(answer.body.deprecation).toMatchObject({
      coordinate: COORDINATE,
      sunset: '2027-03-01',
      replacement: 'Order.shipTo',
      deprecatedBy: 'dev-orders-owner',
      reason: expect.stringContaining('Use shipTo'),
    });
    expect(answer.body.notices).toEqual([
      { consumer: ACME, kind: 'deprecated', outcome: 'queued' },
    ]);
    await registry.lifecycle!.idle();
    expect(acme.received).toHaveLength(1);
    const [notice] = acme.received;
    expect(
      verifySignature(
        ACME_SECRET,
        notice.headers['switchyard-signature'] as string,
        notice.body,
        now,
      ),
    ).toBe(true);
    expect(
      verifySignature(
        STORE_SECRET,
        notice.headers['switchyard-signature'] as string,
        notice.body,
        now,
      ),
    ).toBe(false);
    expect(
      verifySignature(
        ACME_SECRET,
        notice.headers['switchyard-signature'] as string,
        notice.body,
        now + 3_600_000,
      ),
    ).toBe(false);
    expect(JSON.parse(notice.body)).toMatchObject({
      kind: 'deprecated',
      consumer: ACME,
      coordinate: COORDINATE,
      sunset: '2027-03-01',
      sunsetAt: '2027-03-01T00:00:00.000Z',
      replacement: 'Order.shipTo',
      yourUse: { requests: 12, operations: ['AcmeOrder'] },
    });
    expect(webStore.received).toHaveLength(0);

    const impact = await call(
      'GET',
      `/consumers/impact?coordinate=${COORDINATE}`,
      'dev-orders-owner',
    );
    expect(impact.body.told.map((t: { consumer: string }) => t.consumer)).toEqual([ACME]);
    expect(impact.body.notTold).toContain(WEB_STORE);
  });

  test('the feed carries it with an ETag; a long-poll wakes when a waiver is granted', async () => {
    const first = await call('GET', '/deprecations', 'dev-gateway');
    expect(first.body.deprecations).toEqual([
      expect.objectContaining({
        coordinate: COORDINATE,
        sunset: '2027-03-01',
        replacement: 'Order.shipTo',
        link: 'https://developer.example.com/changes/ship-to',
        brownouts: [{ start: '2027-02-15T14:00:00.000Z', end: '2027-02-15T15:00:00.000Z' }],
        waivers: [],
        schemaVersion: 1,
      }),
    ]);
    const same = await registry.app.inject({
      url: '/deprecations',
      headers: { 'x-api-key': 'dev-gateway', 'if-none-match': first.body.etag },
    });
    expect(same.statusCode).toBe(304);
    const waiting = registry.app.inject({
      url: '/deprecations?wait=10',
      headers: { 'x-api-key': 'dev-gateway', 'if-none-match': first.body.etag },
    });
    const refused = await call('POST', '/deprecations/waivers', 'dev-orders-owner', {
      coordinate: COORDINATE,
      consumer: ACME,
      until: '2027-04-01',
      reason: 'ACME moves in its April release',
    });
    expect(refused.status).toBe(403);
    const granted = await call('POST', '/deprecations/waivers', 'dev-platform-admin', {
      coordinate: COORDINATE,
      consumer: ACME,
      until: '2027-04-01',
      reason: 'ACME moves in its April release',
    });
    expect(granted.status).toBe(201);
    const woken = await waiting;
    expect(woken.statusCode).toBe(200);
    expect(woken.json().deprecations[0].waivers).toEqual([
      {
        consumer: ACME,
        until: '2027-04-01T00:00:00.000Z',
        reason: 'ACME moves in its April release',
      },
    ]);
    const history = await call(
      'GET',
      `/deprecations/history?coordinate=${COORDINATE}`,
      'dev-gateway',
    );
    expect(
      history.body.events.map((e: { kind: string; actor: string }) => [e.kind, e.actor]),
    ).toEqual([
      ['deprecated', 'dev-orders-owner'],
      ['waiver-granted', 'dev-platform-admin'],
    ]);
    const revoked = await call(
      'POST',
      `/waivers/${granted.body.waiver.id}/revoke`,
      'dev-platform-admin',
    );
    expect(revoked.body.waiver.revokedBy).toBe('dev-platform-admin');
    expect(
      (await call('GET', '/deprecations', 'dev-gateway')).body.deprecations[0].waivers,
    ).toEqual([]);
  });
});

describe('notices on the clock', () => {
  test('30 days before the sunset, once; a failed delivery is retried with backoff and logged', async () => {
    now = Date.parse('2027-01-31T09:00:00Z');
    acmeAnswers = 503;
    const tick = await call('POST', '/notifications/tick', 'dev-platform-admin');
    expect(tick.body.notices).toEqual(
      expect.arrayContaining([{ consumer: ACME, kind: 'sunset-in-30-days', outcome: 'queued' }]),
    );
    expect(acme.received.at(-1)!.headers['switchyard-event']).toBe('sunset-in-30-days');
    let log = await call('GET', `/notifications?consumer=${ACME}`, 'dev-platform-admin');
    expect(log.body.notifications[0]).toMatchObject({
      kind: 'sunset-in-30-days',
      status: 'pending',
      attempts: 1,
      lastError: 'answered HTTP 503',
    });
    expect((await call('GET', '/notifications', 'dev-gateway')).status).toBe(403);

    const before = acme.received.length;
    await call('POST', '/notifications/tick', 'dev-platform-admin');
    expect(acme.received).toHaveLength(before); // not due yet: the backoff holds it
    acmeAnswers = 204;
    now += 61_000;
    const again = await call('POST', '/notifications/tick', 'dev-platform-admin');
    expect(again.body.notices).toEqual(
      expect.arrayContaining([
        { consumer: ACME, kind: 'sunset-in-30-days', outcome: 'already-sent' },
      ]),
    );
    expect(acme.received).toHaveLength(before + 1);
    log = await call('GET', `/notifications?consumer=${ACME}`, 'dev-platform-admin');
    expect(log.body.notifications[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(webStore.received).toHaveLength(0);
  });

  test('a brownout start and 7 days before the sunset', async () => {
    now = Date.parse('2027-02-15T14:10:00Z');
    await call('POST', '/notifications/tick', 'dev-platform-admin');
    const kinds = acme.received.map((r) => r.headers['switchyard-event']);
    expect(kinds).toEqual(expect.arrayContaining(['brownout-started']));
    expect(kinds).not.toContain('sunset-in-7-days');
    now = Date.parse('2027-02-22T00:00:00Z');
    await call('POST', '/notifications/tick', 'dev-platform-admin');
    await call('POST', '/notifications/tick', 'dev-platform-admin');
    expect(
      acme.received.filter((r) => r.headers['switchyard-event'] === 'sunset-in-7-days'),
    ).toHaveLength(1);
    expect(webStore.received).toHaveLength(0);
  });
});

describe('an approved check', () => {
  test('tells the consumers it breaks, once per check, and no one else', async () => {
    const run = {
      id: 'chk_test',
      subgraph: 'orders',
      baseVersion: 1,
      ok: false,
      approvable: true,
      fingerprint: 'sha256:x',
      author: 'dev-orders-owner',
      createdAt: new Date(now).toISOString(),
      report: {
        usage: [
          {
            coordinate: 'Order.poNumber',
            changeType: 'FIELD_REMOVED',
            level: 'breaking',
            consumers: [
              {
                consumer: ACME,
                requests: 4,
                lastSeen: new Date(now).toISOString(),
                operations: [{ operationName: 'AcmeOrder' }],
              },
            ],
          },
        ],
      },
    };
    const approval = { id: 'apr_test', reason: 'ACME agreed' };
    expect(await registry.lifecycle!.checkApproved(run, approval)).toEqual([
      { consumer: ACME, kind: 'check-approved', outcome: 'queued' },
    ]);
    expect(await registry.lifecycle!.checkApproved(run, approval)).toEqual([
      { consumer: ACME, kind: 'check-approved', outcome: 'already-sent' },
    ]);
    await registry.lifecycle!.idle();
    const notice = acme.received.at(-1)!;
    expect(notice.headers['switchyard-event']).toBe('check-approved');
    expect(JSON.parse(notice.body)).toMatchObject({
      coordinate: 'Order.poNumber',
      check: 'chk_test',
      approval: 'apr_test',
      approvalReason: 'ACME agreed',
      change: { type: 'FIELD_REMOVED', level: 'breaking' },
    });
    expect(webStore.received).toHaveLength(0);
  });
});

describe('the removal rule', () => {
  const deprecation = {
    coordinate: COORDINATE,
    reason: 'Use shipTo',
    sunset: '2027-03-01',
    replacement: 'Order.shipTo',
    link: null,
    brownouts: [],
    schemaVersion: 1,
    deprecatedBy: 'x',
    deprecatedAt: '2027-01-01T00:00:00Z',
    updatedAt: '2027-01-01T00:00:00Z',
  };
  const user = (lastSeen: string) => ({
    consumer: ACME,
    windowDays: 400,
    requests: 3,
    lastSeen,
    operations: [],
  });
  const waiver = {
    id: 'w',
    coordinate: COORDINATE,
    consumer: ACME,
    until: '2027-03-10T00:00:00.000Z',
    reason: 'r',
    grantedBy: 'a',
    grantedAt: '2027-02-01T00:00:00Z',
    revokedBy: null,
    revokedAt: null,
  };
  const at = Date.parse;

  test('fails before the sunset, naming who uses it', () => {
    expect(
      judgeRemoval(
        'removed',
        deprecation,
        [user('2027-02-01T00:00:00Z')],
        [],
        at('2027-02-20T00:00:00Z'),
      ).failure,
    ).toMatch(/sunset 2027-03-01, not reached yet; still used by dev-acme-distributor/);
  });

  test('after the sunset: fails while used since or a waiver is in force, passes once not', () => {
    expect(
      judgeRemoval(
        'removed',
        deprecation,
        [user('2027-03-02T00:00:00Z')],
        [],
        at('2027-03-05T00:00:00Z'),
      ).failure,
    ).toMatch(/used since by dev-acme-distributor/);
    expect(
      judgeRemoval(
        'removed',
        deprecation,
        [user('2027-03-02T00:00:00Z')],
        [waiver],
        at('2027-03-05T00:00:00Z'),
      ).failure,
    ).toMatch(/waiver in force for dev-acme-distributor/);
    // Used under the waiver, which has ended: nobody used it since its access ended.
    const verdict = judgeRemoval(
      'removed',
      deprecation,
      [user('2027-03-09T00:00:00Z')],
      [waiver],
      at('2027-03-11T00:00:00Z'),
    );
    expect(verdict).toEqual({ warning: expect.stringContaining('no consumer used it since') });
    expect(
      judgeRemoval(
        'removed',
        deprecation,
        [user('2027-02-27T00:00:00Z')],
        [],
        at('2027-03-02T00:00:00Z'),
      ).failure,
    ).toBeUndefined();
  });
});

/** `switchyard <args>` as `token` against the registry: exit code and output. */
async function switchyard(token: string, ...args: string[]) {
  const lines: string[] = [];
  const code = await runSwitchyard(args, {
    env: { SWITCHYARD_REGISTRY_URL: registryUrl, SWITCHYARD_TOKEN: token },
    print: (line) => lines.push(line),
    printError: (line) => lines.push(line),
  });
  return { code, output: lines.join('\n') };
}

describe('the CLI', () => {
  test('deprecations lists each one with its state and who used it; the trail; impact; the delivery log', async () => {
    const listed = await switchyard('dev-orders-owner', 'deprecations');
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(
      /Order\.shipToAddressId {2}ANNOUNCED {2}sunset 2027-03-01 {2}use Order\.shipTo/,
    );
    expect(listed.output).toMatch(/dev-acme-distributor +12 +\S+ +400 days +AcmeOrder/);
    const trail = await switchyard('dev-orders-owner', 'deprecations', '--history', COORDINATE);
    expect(trail.output).toMatch(
      /deprecated {2}by dev-orders-owner: sunset 2027-03-01, use Order\.shipTo/,
    );
    expect(trail.output).toMatch(/waiver-revoked {2}by dev-platform-admin/);
    const impact = await switchyard('dev-orders-owner', 'consumers', 'impact', COORDINATE);
    expect(impact.output).toMatch(
      /^told: dev-acme-distributor: 12 requests within its 400-day window/m,
    );
    expect(impact.output).toMatch(/not told \(no use in their window\): .*dev-web-store/);
    const log = await switchyard('dev-platform-admin', 'notifications', '--consumer', ACME);
    expect(log.output).toMatch(/sunset-in-7-days +delivered +1/);
    expect((await switchyard('dev-orders-owner', 'notifications')).code).toBe(1);
  });

  test('waiver grant and revoke; brownout add; bad arguments exit 2, refusals 1', async () => {
    const granted = await switchyard(
      'dev-platform-admin',
      'waiver',
      'grant',
      COORDINATE,
      '--consumer',
      ACME,
      '--until',
      '2027-03-15',
      '--reason',
      'quarter end freeze',
    );
    expect(granted.code).toBe(0);
    const id = /waiver (wvr_\S+):/.exec(granted.output)![1];
    expect((await switchyard('dev-platform-admin', 'waiver', 'revoke', id)).output).toMatch(
      /revoked by dev-platform-admin/,
    );
    expect(
      (await switchyard('dev-orders-owner', 'brownout', 'add', COORDINATE, 'tomorrow')).code,
    ).toBe(2);
    const added = await switchyard(
      'dev-orders-owner',
      'brownout',
      'add',
      COORDINATE,
      '2027-02-25T10:00:00Z/2027-02-25T12:00:00Z',
    );
    expect(added.code).toBe(0);
    expect(added.output).toMatch(
      /brownout: 2027-02-25T10:00:00\.000Z \.\. 2027-02-25T12:00:00\.000Z/,
    );
    const refused = await switchyard(
      'dev-orders-owner',
      'deprecate',
      'Order.poNumber',
      '--sunset',
      '2027-06-01',
    );
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      /^COORDINATE_NOT_DEPRECATED: Order\.poNumber is not @deprecated/,
    );
  });
});
