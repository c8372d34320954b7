/**
 * The gateway's admin commands' arguments, in process: a bad argument exits 2 before any call (the
 * gateway address is unreachable, so a call would exit 1); help is an answer (exit 0). Their calls
 * against a real gateway are proven in test/governance-{usage,persisted-operations,rate-budget}.test.ts.
 */
import { renderOperationList, renderUsageTimeline } from './gateway-admin-render';
import { runSwitchyard } from './switchyard-program';

async function switchyard(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSwitchyard(argv, {
    env: { SWITCHYARD_URL: 'http://127.0.0.1:9' },
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test.each([
  [['operations']],
  [['operations', 'register', '--consumer', 'c']],
  [['operations', 'list']],
  [['operations', 'list', '--consumer', 'c', '--manifest', 'm.json']],
  [['operations', 'unknown', 'extra']],
  [['usage', 'frobnicate']],
  [['usage', 'field']],
  [['usage', 'stages', '--limit', '5']],
  [['budget', 'show', '--consumer', 'c', '--window', 'month']],
  [['budget', 'reset', '--consumer', 'c', '--amount', '5']],
  [['budget', 'top-up', '--consumer', 'c', '--window', 'month']],
  [['budget', 'top-up', '--consumer', 'c', '--window', 'month', '--amount', '0']],
  [['budget', 'top-up', '--consumer', 'c', '--window', 'month', '--amount', '1.5']],
])('%j is a usage error (exit 2), the gateway not called', async (argv) => {
  const { code, err } = await switchyard(...argv);
  expect(code).toBe(2);
  expect(err).not.toContain('could not reach');
});

test('an unreadable manifest exits 2; a valid command that reaches nothing exits 1', async () => {
  const missing = await switchyard(
    'operations',
    'register',
    '--consumer',
    'c',
    '--manifest',
    '/nonexistent/manifest.json',
  );
  expect(missing).toMatchObject({
    code: 2,
    err: expect.stringContaining('cannot read the manifest'),
  });
  const unreachable = await switchyard(
    'budget',
    'top-up',
    '--consumer',
    'c',
    '--window',
    'month',
    '--amount',
    '5',
  );
  expect(unreachable).toEqual({
    code: 1,
    out: '',
    err: expect.stringMatching(/^could not reach the gateway at http:\/\/127\.0\.0\.1:9: .+$/),
  });
});

test('each command has its own help (exit 0)', async () => {
  const help = await switchyard('budget', 'top-up', '--help');
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/^Usage: switchyard budget top-up \[options\]/);
  expect(help.out).toContain('--amount <n>');
  expect((await switchyard('usage', '--help')).out).toMatch(/field \[options\] <Type\.field>/);
});

test('operations list says which operations the gateway wrote back to a store that had lost them', () => {
  const operation = {
    id: 'abc',
    name: 'AcmeOrders',
    type: 'query' as const,
    registeredAt: '2026-12-01',
  };
  const lines = renderOperationList({
    consumer: 'acme',
    mode: 'persisted-only',
    operations: [operation],
    restored: [{ id: 'abc', name: 'AcmeOrders' }],
  });
  expect(lines[1]).toBe(
    "restored 1 the governance store had lost, from the gateway's copy: AcmeOrders",
  );
  expect(renderOperationList({ consumer: 'acme', mode: 'allow', operations: [operation] })).toEqual(
    expect.not.arrayContaining([expect.stringContaining('restored')]),
  );
});

test('usage timeline prints each consumer’s busy buckets with requests, errors and p95, then errors by code', () => {
  const hour = Date.UTC(2026, 11, 6, 18);
  const lines = renderUsageTimeline({
    hours: 2,
    bucketMs: 3_600_000,
    bucketStarts: [hour - 3_600_000, hour],
    consumers: [
      { consumer: 'acme', requests: [0, 12], errors: [0, 2], p95Ms: [null, 41] },
      { consumer: 'portal', requests: [3, 0], errors: [0, 0], p95Ms: [17, null] },
    ],
    errorsByCode: [{ code: 'RATE_LIMITED', count: 2 }],
  });
  expect(lines[0]).toMatch(/^bucket \(UTC\)\s+consumer\s+requests\s+with errors\s+p95$/);
  expect(lines.slice(2, 4).map((line) => line.split(/\s{2,}/))).toEqual([
    ['2026-12-06 17:00', 'portal', '3', '0', '17ms'],
    ['2026-12-06 18:00', 'acme', '12', '2', '41ms'],
  ]);
  expect(lines.at(-1)).toBe('errors by code: RATE_LIMITED×2');
  expect(
    renderUsageTimeline({
      hours: 24,
      bucketMs: 1,
      bucketStarts: [],
      consumers: [],
      errorsByCode: [],
    }),
  ).toEqual(['no request in the last 24 hours']);
});
