/**
 * `npm start`: the whole graph on one machine with embedded defaults (SQLite under .data/, no Redis,
 * no PostgreSQL). Seeds the six databases on first start, runs each subgraph as its own process,
 * then the gateway, prints where everything is, and stops them all on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { seedDatabases } from './seed-databases';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

const root = path.resolve(__dirname, '..');
const dataDir = process.env.DATA_DIR ?? path.join(root, '.data');
const childEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const children: ChildProcess[] = [];

async function seed() {
  const started = Date.now();
  const seeded = await seedDatabases({ dataDir, databaseUrl: process.env.DATABASE_URL, scale: Number(process.env.SEED_SCALE ?? 1) });
  if (seeded) console.log(`seeded the six databases in ${dataDir} (${Date.now() - started} ms)`);
}

function run(name: string, file: string, env: NodeJS.ProcessEnv): ChildProcess {
  // Own process group: Ctrl-C reaches this supervisor only, which then stops the children in order.
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `[${name}] `.padEnd(12);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => process.stdout.write(chunk.replace(/^(?=.)/gm, prefix)));
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000}s`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

async function main() {
  process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  await seed();
  const urls: string[] = [];
  for (const name of SUBGRAPH_NAMES) {
    const { defaultPort } = await loadSubgraphDefinition(name);
    run(name, `subgraphs/${name}/src/main.ts`, childEnv);
    urls.push(`  ${name.padEnd(10)} http://127.0.0.1:${defaultPort}/graphql`);
  }
  for (const name of SUBGRAPH_NAMES) {
    const { defaultPort } = await loadSubgraphDefinition(name);
    await waitFor(`http://127.0.0.1:${defaultPort}/healthz`, name);
  }
  run('gateway', 'gateway/src/main.ts', { ...childEnv, GOVERNANCE_FILE: process.env.GOVERNANCE_FILE ?? path.join(root, 'gateway', 'governance.dev.yaml') });
  await waitFor('http://127.0.0.1:4000/readyz', 'gateway');
  console.log(
    [
      '',
      'Switchyard is up.',
      '  gateway    http://127.0.0.1:4000/graphql   (health: /healthz, readiness: /readyz)',
      ...urls,
      `  data       ${dataDir} (SQLite, one file per subgraph)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : String(error));
  await stop(1);
});
