/**
 * The real `switchyard` CLI, spawned as a process, against a real registry over HTTP: exit codes
 * (0 in, 1 must not go in, 2 bad arguments), plain words by default and the registry's answer with --json.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunCheck } from '../checks/check-report';
import { compositionOnlyCheck } from '../composition-check';
import {
  REPO_ROOT,
  startTestRegistry,
  withField,
  type TestRegistry,
} from '../testing/registry-harness';

const CLI = path.join(REPO_ROOT, 'registry/src/cli/switchyard.ts');

/** Fails (approvably) a candidate carrying `# needs-approval`, fingerprinted by its SDL. */
const approvalNeeded: RunCheck = async (input) => {
  const base = await compositionOnlyCheck(input);
  if (!base.ok || !input.candidate.sdl.includes('# needs-approval')) return base;
  const fingerprint = createHash('sha256').update(input.candidate.sdl).digest('hex');
  return { ...base, ok: false, approvalRequired: true, fingerprint };
};

let registry: TestRegistry;
let url: string;
let dir: string;

beforeAll(async () => {
  registry = await startTestRegistry({ runCheck: approvalNeeded });
  url = await registry.app.listen({ host: '127.0.0.1', port: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-'));
});
afterAll(async () => {
  await registry?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function schema(name: string, sdl: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, sdl);
  return file;
}

function switchyard(
  token: string | null,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return switchyardAt(url, token, ...args);
}

function switchyardAt(
  registryUrl: string,
  token: string | null,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          SWITCHYARD_REGISTRY_URL: registryUrl,
          ...(token ? { SWITCHYARD_TOKEN: token } : {}),
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('a passing check exits 0 in plain words; one that does not compose exits 1 and --json carries the error and its location', async () => {
  const good = schema('good.graphql', withField('orders', 'Order', 'giftMessage: String'));
  const bad = schema('bad.graphql', withField('orders', 'Order', 'broken: NoSuchType'));
  const [passed, failed] = await Promise.all([
    switchyard('dev-orders-owner', 'subgraph', 'check', 'orders', '--schema', good),
    switchyard('dev-orders-owner', 'subgraph', 'check', 'orders', '--schema', bad, '--json'),
  ]);
  expect(passed.code).toBe(0);
  expect(passed.stdout).toMatch(/^check chk_\S+ of orders: PASSED/);
  expect(failed.code).toBe(1);
  const report = JSON.parse(failed.stdout).check;
  expect(report.ok).toBe(false);
  expect(report.composition.errors[0]).toMatchObject({
    code: 'INVALID_GRAPHQL',
    locations: [{ subgraph: 'orders', line: expect.any(Number) }],
  });
});

test('publish, list, history, diff and rollback: exit 0 when the change goes in; another owner is refused (403, exit 1)', async () => {
  const good = schema('publish.graphql', withField('orders', 'Order', 'giftMessage: String'));
  const [foreign, published] = await Promise.all([
    switchyard(
      'dev-orders-owner',
      'subgraph',
      'publish',
      'finance',
      '--schema',
      good,
      '--message',
      'not mine',
    ),
    switchyard(
      'dev-orders-owner',
      'subgraph',
      'publish',
      'orders',
      '--schema',
      good,
      '--message',
      'gift messages',
    ),
  ]);
  expect(foreign.code).toBe(1);
  expect(foreign.stderr).toContain(
    'FORBIDDEN: Consumer "dev-orders-owner" may not publish subgraph "finance"',
  );

  expect(published).toMatchObject({ code: 0 });
  expect(published.stdout).toMatch(/^published orders as graph version 2 \(check chk_/);

  const [list, history, diff] = await Promise.all([
    switchyard('dev-gateway', 'subgraph', 'list', '--json'),
    switchyard('dev-gateway', 'history', 'orders'),
    switchyard('dev-gateway', 'diff', '1', '2'),
  ]);
  expect(list.code).toBe(0);
  expect(JSON.parse(list.stdout).subgraphs.find((s: any) => s.subgraph === 'orders').version).toBe(
    2,
  );
  expect(history.stdout.split('\n')[0]).toMatch(/^v2 {2}orders .* dev-orders-owner: gift messages/);
  expect(diff.stdout).toContain('+  giftMessage: String');

  const rollback = await switchyard('dev-orders-owner', 'rollback', 'orders', '1', '--json');
  expect(rollback.code).toBe(0);
  expect(JSON.parse(rollback.stdout)).toMatchObject({ published: true, version: 3 });
});

test('a failed check exits 1 until approved; the approval lets the same change publish, not another', async () => {
  const change = schema(
    'approval.graphql',
    `${withField('orders', 'Order', 'giftWrap: Boolean')}\n# needs-approval\n`,
  );
  const other = schema(
    'other.graphql',
    `${withField('orders', 'Order', 'giftBox: Boolean')}\n# needs-approval\n`,
  );
  const refused = await switchyard(
    'dev-orders-owner',
    'subgraph',
    'publish',
    'orders',
    '--schema',
    change,
    '--message',
    'gift wrap',
    '--json',
  );
  expect(refused.code).toBe(1);
  const { code, checkId } = JSON.parse(refused.stdout).errors[0].extensions;
  expect(code).toBe('CHECK_FAILED');

  const approved = await switchyard(
    'dev-platform-admin',
    'check',
    'approve',
    checkId,
    '--reason',
    'review board, 5 January',
    '--json',
  );
  expect(approved.code).toBe(0);
  const approvalId = JSON.parse(approved.stdout).approval.id;

  const [same, different] = await Promise.all([
    switchyard(
      'dev-orders-owner',
      'subgraph',
      'publish',
      'orders',
      '--schema',
      change,
      '--message',
      'gift wrap',
      '--approval',
      approvalId,
    ),
    switchyard(
      'dev-orders-owner',
      'subgraph',
      'publish',
      'orders',
      '--schema',
      other,
      '--message',
      'gift box',
      '--approval',
      approvalId,
    ),
  ]);
  expect(different.code).toBe(1);
  expect(different.stderr).toContain('APPROVAL_MISMATCH');
  expect(same.code).toBe(0);
  expect(same.stdout).toContain(`with approval ${approvalId}`);
});

test('bad arguments exit 2; an unreachable registry exits 1', async () => {
  const [noSchema, missingFile, unreachable] = await Promise.all([
    switchyard('dev-orders-owner', 'subgraph', 'publish', 'orders', '--message', 'x'),
    switchyard(
      'dev-orders-owner',
      'subgraph',
      'check',
      'orders',
      '--schema',
      path.join(dir, 'none.graphql'),
    ),
    switchyardAt('http://127.0.0.1:9', 'dev-orders-owner', 'subgraph', 'list'),
  ]);
  expect(noSchema.code).toBe(2);
  expect(noSchema.stderr).toContain("required option '--schema <file>' not specified");
  expect(missingFile.code).toBe(2);
  expect(missingFile.stderr).toContain('cannot read the schema');
  expect(unreachable.code).toBe(1);
});
