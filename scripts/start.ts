/**
 * `npm start`: the whole graph on one machine with embedded defaults (SQLite under .data/, no Redis,
 * no PostgreSQL). Seeds the six databases on first start, runs the subgraphs, the schema registry
 * (seeded with the subgraphs' SDL as version 1 when empty), then the gateway, prints where everything
 * is, and stops them all on Ctrl-C.
 *
 * Events between subgraphs need a transport all of them see: without REDIS_URL the six run in ONE
 * process sharing an in-process transport (scripts/run-subgraphs.ts); with REDIS_URL each runs as its
 * own process on Redis Streams, as in production. Either way each listens on its default port and
 * reaches the others at SUBGRAPH_URL_<NAME>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { seedDatabases } from './seed-databases';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

const root = path.resolve(__dirname, '..');
const dataDir = process.env.DATA_DIR ?? path.join(root, '.data');
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // The gateway runs with NODE_ENV=production, which refuses the public development secret: unless
  // the operator gives one, the gateway and the subgraphs of this run share a random one.
  SWITCHYARD_IDENTITY_SECRET:
    process.env.SWITCHYARD_IDENTITY_SECRET || randomBytes(32).toString('base64url'),
};
const children: ChildProcess[] = [];
const REGISTRY_PORT = 4010;

async function seed() {
  const started = Date.now();
  const seeded = await seedDatabases({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    scale: Number(process.env.SEED_SCALE ?? 1),
  });
  if (seeded) console.log(`seeded the six databases in ${dataDir} (${Date.now() - started} ms)`);
}

function run(name: string, file: string, env: NodeJS.ProcessEnv): ChildProcess {
  // Own process group: Ctrl-C reaches this supervisor only, which then stops the children in order.
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
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
  process.once('exit', () =>
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')),
  );
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  await seed();
  const ports = new Map<string, number>();
  for (const name of SUBGRAPH_NAMES)
    ports.set(name, (await loadSubgraphDefinition(name)).defaultPort);
  const graphqlUrl = (name: string) => `http://127.0.0.1:${ports.get(name)}/graphql`;
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    // Every subgraph may call any other: each child learns all six URLs.
    const serviceUrls = Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, graphqlUrl(name)]),
    );
    for (const name of SUBGRAPH_NAMES)
      run(name, `subgraphs/${name}/src/main.ts`, {
        ...childEnv,
        ...serviceUrls,
        PORT: String(ports.get(name)),
      });
  } else {
    const { PORT: _ignored, ...env } = childEnv;
    run('subgraphs', 'scripts/run-subgraphs.ts', env);
  }
  for (const name of SUBGRAPH_NAMES)
    await waitFor(`http://127.0.0.1:${ports.get(name)}/healthz`, name);
  const governanceFile =
    process.env.GOVERNANCE_FILE ?? path.join(root, 'gateway', 'governance.dev.yaml');
  // The schema registry, seeded on first start with the subgraphs' current SDL as version 1.
  // Its checks read consumers from the gateway's governance file and the gateway's admin API.
  const { PORT: _port, ...registryEnv } = childEnv;
  run('registry', 'registry/src/main.ts', {
    ...registryEnv,
    PORT: String(REGISTRY_PORT),
    REGISTRY_SEED: path.join(root, 'supergraph.yaml'),
    GOVERNANCE_FILE: governanceFile,
  });
  await waitFor(`http://127.0.0.1:${REGISTRY_PORT}/readyz`, 'registry');
  // NODE_ENV=production (unless set): graphql-js skips its development-only checks on every request.
  // The gateway takes its supergraph from the registry and follows every publish (the disk copy
  // under DATA_DIR/gateway lets it start while the registry is down).
  run('gateway', 'gateway/src/main.ts', {
    ...childEnv,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    GOVERNANCE_FILE: governanceFile,
    REGISTRY_URL: `http://127.0.0.1:${REGISTRY_PORT}`,
    REGISTRY_TOKEN: process.env.REGISTRY_TOKEN || 'dev-gateway',
  });
  await waitFor('http://127.0.0.1:4000/readyz', 'gateway');
  console.log(
    [
      '',
      'Switchyard is up.',
      '  gateway    http://127.0.0.1:4000/graphql   (health: /healthz, readiness: /readyz)',
      ...SUBGRAPH_NAMES.map((name) => `  ${name.padEnd(10)} ${graphqlUrl(name)}`),
      `  registry   http://127.0.0.1:${REGISTRY_PORT}   (npm run switchyard -- subgraph list, with SWITCHYARD_TOKEN=dev-gateway)`,
      process.env.DATABASE_URL
        ? '  data       PostgreSQL at DATABASE_URL (one schema per subgraph)'
        : `  data       ${dataDir} (SQLite, one file per subgraph)`,
      redisUrl
        ? `  events     Redis Streams at ${redactedUrl(redisUrl)} (one process per subgraph)`
        : '  events     in-process (the six subgraphs share one process)',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** A URL as printed: without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : String(error));
  await stop(1);
});
