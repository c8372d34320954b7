import { execFile } from 'node:child_process';
import path from 'node:path';
import { DEVELOPMENT_IDENTITY_SECRET } from '@switchyard/kit';

const ROOT = path.resolve(__dirname, '..');

/** Runs a real entry point as `npm start` and the image do (a process of its own), and waits for it to exit. */
function runEntryPoint(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const { PATH, HOME } = process.env;
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      // A port nothing else uses and no data directory: the process must stop before it opens either.
      {
        cwd: ROOT,
        env: { PATH, HOME, PORT: '1', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ...env },
        timeout: 30_000,
      },
      (error, _stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | null) ?? null) : 0, stderr }),
    );
  });
}

describe('with NODE_ENV=production, no process starts on the development identity secret or none', () => {
  test('a subgraph without SWITCHYARD_IDENTITY_SECRET exits 1 and says why', async () => {
    const { code, stderr } = await runEntryPoint('subgraphs/customers/src/main.ts', {
      NODE_ENV: 'production',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'subgraph customers failed to start: SWITCHYARD_IDENTITY_SECRET is not set',
    );
  });

  test('the gateway on the development secret exits 1 and says why', async () => {
    const { code, stderr } = await runEntryPoint('gateway/src/main.ts', {
      NODE_ENV: 'production',
      SWITCHYARD_IDENTITY_SECRET: DEVELOPMENT_IDENTITY_SECRET,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'gateway failed to start: SWITCHYARD_IDENTITY_SECRET is the development secret',
    );
  });

  test('the gateway on a governance file whose consumer accepts end-user tokens signed with the development secret exits 1 and says why', async () => {
    const { code, stderr } = await runEntryPoint('gateway/src/main.ts', {
      NODE_ENV: 'production',
      SWITCHYARD_IDENTITY_SECRET: 'a-production-identity-secret-of-48-characters-xx',
      GOVERNANCE_FILE: 'gateway/governance.dev.yaml',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /governance\.dev\.yaml:\d+: consumers\[1\]\.endUserTokens\.developmentSecret is the public development secret/,
    );
  });
});
