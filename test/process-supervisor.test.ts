/**
 * npm start's supervisor (scripts/process-supervisor.ts) over real processes: a small HTTP server
 * that exits when asked. Restarts back off exponentially up to their cap and name their cause; a
 * process that dies before it ever answered stops the start instead of looping; stop() stops the
 * processes in the reverse order of their start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcessSupervisor } from '../scripts/process-supervisor';
import { freePorts } from './testing/npm-start';

const ROOT = path.resolve(__dirname, '..');
// Answers 200 on any path; /exit makes it write a last word to stderr and exit 3. On SIGTERM it says so and exits 0.
const SERVER = `
import { createServer } from 'node:http';
const server = createServer((request, response) => {
  response.end('ok');
  if (request.url === '/exit') { process.stderr.write('asked to exit\\n'); setTimeout(() => process.exit(3), 10); }
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => { process.stdout.write('stopping ' + process.env.NAME + '\\n'); process.exit(0); });
`;
const BROKEN = `process.stderr.write('bad configuration\\n'); process.exit(1);`;

let temporary: string;
let output: string;
let supervisor: ProcessSupervisor;

beforeEach(() => {
  temporary = mkdtempSync(path.join(os.tmpdir(), 'switchyard-supervisor-'));
  writeFileSync(path.join(temporary, 'server.mjs'), SERVER);
  writeFileSync(path.join(temporary, 'broken.mjs'), BROKEN);
  output = '';
  supervisor = new ProcessSupervisor({
    cwd: ROOT,
    initialDelayMs: 100,
    maxDelayMs: 200,
    resetAfterMs: 60_000,
    readyTimeoutMs: 30_000,
    write: (text) => (output += text),
  });
});
afterEach(async () => {
  await supervisor.stop();
  rmSync(temporary, { recursive: true, force: true });
});

const server = (name: string, port: number) => ({
  name,
  file: path.join(temporary, 'server.mjs'),
  env: { ...process.env, PORT: String(port), NAME: name },
  readyUrls: [`http://127.0.0.1:${port}/`],
});
const waitFor = async (pattern: RegExp, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test('a process that exits is restarted after a delay that doubles up to its cap, each restart logged with its cause', async () => {
  const { gateway: port } = await freePorts();
  await supervisor.start(server('web', port));
  const first = supervisor.pid('web');
  for (const [restart, delay] of [
    [1, '0.1'],
    [2, '0.2'],
    [3, '0.2'],
  ] as const) {
    await fetch(`http://127.0.0.1:${port}/exit`);
    await waitFor(
      new RegExp(
        `\\[web\\] +exited \\(code 3: asked to exit\\) after [\\d.]+ s; restart ${restart} in ${delay} s`,
      ),
    );
    await waitFor(new RegExp(`(\\[web\\] +ready again\\n[^]*){${restart}}`));
  }
  expect(supervisor.pid('web')).not.toBe(first);
  expect(output.match(/\[web\] +started \(pid \d+\)/g)).toHaveLength(4);
});

test('a process that stayed up `resetAfterMs` is restarted after the first delay again', async () => {
  supervisor = new ProcessSupervisor({
    cwd: ROOT,
    initialDelayMs: 100,
    maxDelayMs: 5_000,
    resetAfterMs: 1_500,
    readyTimeoutMs: 30_000,
    write: (text) => (output += text),
  });
  const { gateway: port } = await freePorts();
  await supervisor.start(server('web', port));
  await fetch(`http://127.0.0.1:${port}/exit`);
  await waitFor(/\[web\] +ready again/);
  // Up at least 1.5 s this time: the next delay is the first one, not 0.2 s.
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  await fetch(`http://127.0.0.1:${port}/exit`);
  await waitFor(/restart 2 in [\d.]+ s/);
  expect(output).toMatch(/restart 1 in 0\.1 s[^]*restart 2 in 0\.1 s/);
});

test('a process that exits before it ever answered stops the start, with its cause, and is not restarted', async () => {
  await expect(
    supervisor.start({
      name: 'broken',
      file: path.join(temporary, 'broken.mjs'),
      env: process.env,
      readyUrls: ['http://127.0.0.1:1/'],
    }),
  ).rejects.toThrow('broken exited before it was ready (code 1: bad configuration)');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(output.match(/\[broken\] +started/g)).toHaveLength(1);
  expect(output).not.toMatch(/restart/);
});

test('stop() stops the processes the last started first, and none is restarted', async () => {
  const ports = await freePorts();
  await supervisor.start(server('first', ports.gateway));
  await supervisor.start(server('second', ports.registry));
  await supervisor.stop();
  expect(output.match(/stopping (first|second)/g)).toEqual(['stopping second', 'stopping first']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(output).not.toMatch(/restart/);
});
