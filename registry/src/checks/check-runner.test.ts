import { daysOf, spanText } from './check-policy';
import { createCheckRunner } from './check-runner';
import type { PipelineReport } from './check-report';
import { approvalCovers, approvalProblem } from './fingerprint';
import { renderCheckReport } from './render-report';
import {
  ACME_ORDER,
  changeOf,
  fakeSources,
  GOVERNANCE,
  NOW,
  registered,
  replaceOnce,
  type FakeSourcesOptions,
} from './testing/check-fixtures';
import type { CheckInput } from './check-report';

const DAY = 86_400_000;

// One runner for every test, as the service holds one: the sources each test states are swapped in.
let sources = fakeSources().sources;
const run = createCheckRunner({
  governance: GOVERNANCE,
  sources: {
    usage: (query) => sources.usage(query),
    registeredOperations: (consumer) => sources.registeredOperations(consumer),
  },
  now: () => NOW,
});

async function check(input: CheckInput, options: FakeSourcesOptions = {}) {
  sources = fakeSources({
    operations: { 'dev-acme-distributor': [ACME_ORDER] },
    ...options,
  }).sources;
  return (await run(input)) as PipelineReport;
}

const removePoNumber = () =>
  changeOf('orders', (sdl) =>
    replaceOnce(
      sdl,
      /\n\s*"""The customer's purchase order number, when they gave one\."""\n\s*poNumber: String @tag\(name: "partner"\)/,
      '',
    ),
  );
const addNullableField = () =>
  changeOf('orders', (sdl) =>
    replaceOnce(
      sdl,
      '  poNumber: String @tag(name: "partner")\n',
      '  poNumber: String @tag(name: "partner")\n  giftNote: String\n',
    ),
  );
const addEnumValue = () =>
  changeOf('orders', (sdl) =>
    replaceOnce(sdl, 'enum OrderChannel {\n  PORTAL\n', 'enum OrderChannel {\n  PORTAL\n  FAX\n'),
  );
const loosenCreditLimit = () =>
  changeOf('customers', (sdl) =>
    replaceOnce(
      sdl,
      'creditLimit: Money @requiresScopes(scopes: [["credit:read"]])',
      'creditLimit: Money @requiresScopes(scopes: [["credit:read"], ["orders:read"]])',
    ),
  );

describe('a check on the real graph', () => {
  test("removing a field dev-acme-distributor's registered operation uses fails, naming the consumer and the operation", async () => {
    const report = await check(removePoNumber(), {
      rows: [
        {
          coordinate: 'Order.poNumber',
          consumer: 'dev-acme-distributor',
          operationId: ACME_ORDER.id,
          operationName: 'AcmeOrder',
          requests: 42,
          lastSeen: NOW - 3 * DAY,
        },
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.approvalRequired).toBe(true);
    const removal = report.changes.find((c) => c.coordinate === 'Order.poNumber')!;
    expect(removal).toMatchObject({ level: 'breaking', type: 'FIELD_REMOVED' });
    expect(removal.schemas.sort()).toEqual(['api', 'partner']);
    expect(report.operations.failures).toEqual([
      expect.objectContaining({
        consumer: 'dev-acme-distributor',
        operationName: 'AcmeOrder',
        schema: 'partner',
        reasons: [expect.stringContaining('Cannot query field "poNumber" on type "Order"')],
      }),
    ]);
    const impact = report.usage.find((u) => u.coordinate === 'Order.poNumber')!;
    expect(impact.consumers).toEqual([
      {
        consumer: 'dev-acme-distributor',
        windowDays: 400,
        requests: 42,
        lastSeen: new Date(NOW - 3 * DAY).toISOString(),
        operations: [
          {
            operationId: ACME_ORDER.id,
            operationName: 'AcmeOrder',
            requests: 42,
            lastSeen: new Date(NOW - 3 * DAY).toISOString(),
          },
        ],
      },
    ]);
    expect(report.failures.join('\n')).toMatch(/dev-acme-distributor \(AcmeOrder\)/);
    expect(renderCheckReport(report)).toMatch(
      /dev-acme-distributor AcmeOrder \[partner\]: not in the "partner" contract: Cannot query field "poNumber"/,
    );
  });

  test('removing a field nobody used while usage covered every window passes with a warning', async () => {
    const report = await check(removePoNumber(), { operations: {} });
    expect(report.ok).toBe(true);
    expect(report.warnings.join('\n')).toMatch(
      /FIELD_REMOVED at Order\.poNumber was not used in any consumer's window/,
    );
  });

  test('the same removal with no usage data is unknown, not safe: it fails naming the consumers whose windows hold no data', async () => {
    const report = await check(removePoNumber(), { operations: {}, recorded: [] });
    expect(report.ok).toBe(false);
    expect(report.approvalRequired).toBe(true);
    const impact = report.usage.find((u) => u.coordinate === 'Order.poNumber')!;
    expect(impact.consumers).toEqual([]);
    // Free-form consumers of the API schema; the partners run registered operations only, judged by those.
    expect(impact.unknown.map((u) => u.consumer).sort()).toEqual([
      'dev-finance-ops',
      'dev-platform-admin',
      'dev-sales-portal',
      'dev-warehouse-ops',
      'dev-web-store',
    ]);
    expect(impact.unknown[0].reason).toMatch(/usage was recorded for 0 minutes of its 30 days/);
    expect(report.failures.join('\n')).toMatch(/usage unknown for .*\(unknown is not safe\)/);
    expect(
      report.usageCoverage.consumers.find((c) => c.consumer === 'dev-acme-distributor'),
    ).toMatchObject({
      persistedOnly: true,
      complete: false,
    });
  });

  test('usage that cannot be read is unknown too, and a window longer than retention says the rest is unknown', async () => {
    const down = await check(removePoNumber(), { operations: {}, usageDown: true });
    expect(down.ok).toBe(false);
    expect(down.usageCoverage).toMatchObject({
      available: false,
      reason: expect.stringMatching(/STORE_UNAVAILABLE/),
    });

    const short = await check(removePoNumber(), {
      operations: {},
      retentionDays: 30,
      recorded: [{ from: NOW - 30 * DAY, to: NOW }],
    });
    const acme = short.usageCoverage.consumers.find((c) => c.consumer === 'dev-acme-distributor')!;
    expect(acme).toMatchObject({ complete: false, knownDays: 30, windowDays: 400 });
    expect(acme.reason).toMatch(/usage is kept 30 days/);
    expect(short.ok).toBe(true); // acme is persisted-only; every free-form consumer's 30 days are known
  });

  test('adding a nullable field passes, with a safe change', async () => {
    const report = await check(addNullableField());
    expect(report.ok).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.changes).toEqual([
      expect.objectContaining({
        level: 'safe',
        type: 'FIELD_ADDED',
        coordinate: 'Order.giftNote',
        schemas: ['api'],
      }),
    ]);
  });

  test('a new enum value is dangerous, in the API schema and the contract that has the enum', async () => {
    const report = await check(addEnumValue());
    const added = report.changes.find((c) => c.type === 'ENUM_VALUE_ADDED')!;
    expect(added).toMatchObject({ level: 'dangerous', coordinate: 'OrderChannel.FAX' });
    expect(added.schemas.sort()).toEqual(['api', 'partner']);
    expect(
      report.usage.find((u) => u.coordinate === 'OrderChannel.FAX')!.usageCoordinates,
    ).toContain('Order.channel');
    expect(report.ok).toBe(true);
  });

  test('loosening @requiresScopes on Customer.creditLimit fails the governance rule', async () => {
    const report = await check(loosenCreditLimit());
    expect(report.ok).toBe(false);
    expect(report.approvalRequired).toBe(true);
    expect(report.rules).toEqual([
      expect.objectContaining({ rule: 'access-loosened', coordinate: 'Customer.creditLimit' }),
    ]);
  });

  test('a new field without a scope on a type whose fields all need scopes fails; with a scope it passes', async () => {
    const SCOPE = '@requiresScopes(scopes: [["contacts:read"]])';
    // Today: Contact's fields each need contacts:read (rather than the type).
    const scopedFields = (sdl: string) =>
      replaceOnce(
        sdl,
        /type Contact\n {2}@requiresScopes\(scopes: \[\["contacts:read"\]\]\)\n\{\n[^}]*\}/,
        `type Contact {\n${['id: ID!', 'name: String!', 'role: String!', 'email: String!', 'phone: String!', 'isPrimary: Boolean!'].map((field) => `  ${field} ${SCOPE}\n`).join('')}}`,
      );
    const adding = (field: string) =>
      changeOf(
        'customers',
        (sdl) => replaceOnce(sdl, 'type Contact {\n', `type Contact {\n  ${field}\n`),
        scopedFields,
      );
    const unscoped = await check(adding('nickname: String'));
    expect(unscoped.rules).toEqual([
      expect.objectContaining({
        rule: 'unscoped-field-on-scoped-type',
        coordinate: 'Contact.nickname',
      }),
    ]);
    expect(unscoped.ok).toBe(false);
    const scoped = await check(adding(`nickname: String ${SCOPE}`));
    expect(scoped.rules).toEqual([]);
    expect(scoped.ok).toBe(true);
  });

  test('a registered operation whose cost under a new @listSize exceeds its tier limit fails', async () => {
    const list = registered(
      'AcmeOrders',
      'query AcmeOrders { orders { edges { node { id lines { sku } } } } }',
    );
    const pricier = changeOf('orders', (sdl) =>
      replaceOnce(
        sdl,
        '@listSize(assumedSize: 20, slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false) @tag(name: "stage:order-capture")',
        '@listSize(assumedSize: 5000, slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false) @tag(name: "stage:order-capture")',
      ),
    );
    const report = await check(pricier, { operations: { 'dev-acme-distributor': [list] } });
    expect(report.rules).toEqual([
      expect.objectContaining({
        rule: 'cost-over-tier-limit',
        consumer: 'dev-acme-distributor',
        operationName: 'AcmeOrders',
      }),
    ]);
    expect(report.ok).toBe(false);
  });

  test('a change that does not compose fails with the composition error, and nothing can approve it', async () => {
    const report = await check(
      changeOf('orders', (sdl) =>
        replaceOnce(sdl, 'type Order\n  @key(fields: "id")', 'type Order\n  @key(fields: "nope")'),
      ),
    );
    expect(report).toMatchObject({
      ok: false,
      approvalRequired: false,
      composition: { ok: false },
    });
    expect(report.composition.errors.length).toBeGreaterThan(0);
  });
});

describe('fingerprint and approvals', () => {
  const acmeUsage: FakeSourcesOptions = {
    rows: [
      {
        coordinate: 'Order.poNumber',
        consumer: 'dev-acme-distributor',
        operationId: ACME_ORDER.id,
        operationName: 'AcmeOrder',
        requests: 5,
        lastSeen: NOW - DAY,
      },
    ],
  };

  test('the same change gives the same fingerprint on a rerun, even with other counts; a different change does not', async () => {
    const first = await check(removePoNumber(), acmeUsage);
    const rerun = await check(removePoNumber(), {
      rows: [{ ...acmeUsage.rows![0], requests: 900, lastSeen: NOW }],
    });
    expect(rerun.fingerprint).toBe(first.fingerprint);
    const other = await check(loosenCreditLimit(), acmeUsage);
    expect(other.fingerprint).not.toBe(first.fingerprint);
    // The same change affecting another consumer is another change set.
    const moreConsumers = await check(removePoNumber(), {
      rows: [...acmeUsage.rows!, { ...acmeUsage.rows![0], consumer: 'dev-sales-portal' }],
    });
    expect(moreConsumers.fingerprint).not.toBe(first.fingerprint);
  });

  test('an approval covers the rerun of its change until it expires (7 days by default), never another change', async () => {
    const report = await check(removePoNumber(), acmeUsage);
    const approvedAt = NOW - DAY;
    const approval = { fingerprint: report.fingerprint!, approvedAt };
    expect(approvalCovers(approval, report, NOW)).toBe(true);
    expect(approvalProblem(approval, report, approvedAt + 7 * DAY)).toBe('expired');
    expect(approvalCovers(approval, report, approvedAt + 2 * DAY, { ttlMs: DAY })).toBe(false);
    const other = await check(loosenCreditLimit());
    expect(approvalProblem(approval, other, NOW)).toBe('other-change');
    const passing = await check(addNullableField());
    expect(approvalProblem({ ...approval, fingerprint: passing.fingerprint! }, passing, NOW)).toBe(
      'not-approvable',
    );
  });
});

describe('spans in reports', () => {
  test('windows shorter than a day keep their size in days and read in hours or minutes', () => {
    expect(daysOf(400 * DAY)).toBe(400);
    expect(daysOf(10 * 60_000)).toBeCloseTo(0.00694, 5);
    expect(spanText(daysOf(400 * DAY))).toBe('400 days');
    expect(spanText(daysOf(DAY))).toBe('1 day');
    expect(spanText(daysOf(DAY / 4))).toBe('6 hours');
    expect(spanText(daysOf(10 * 60_000))).toBe('10 minutes');
    expect(spanText(0)).toBe('0 minutes');
  });
});
