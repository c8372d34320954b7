/**
 * `npm start`: the whole graph on one machine with embedded defaults (SQLite under .data/, no Redis,
 * no PostgreSQL). Seeds the six databases on first start, runs the subgraphs, the schema registry
 * (seeded with the subgraphs' SDL as version 1 when empty), then the gateway, prints where everything
 * is, and keeps them running: a process that exits is restarted with backoff and the restart logged
 * (scripts/process-supervisor.ts); Ctrl-C or SIGTERM stops them, the gateway first.
 *
 * Events between subgraphs need a transport all of them see: without REDIS_URL the six run in ONE
 * process sharing an in-process transport (scripts/run-subgraphs.ts); with REDIS_URL each runs as its
 * own process on Redis Streams, as in production. Either way each reaches the others at
 * SUBGRAPH_URL_<NAME>.
 *
 * Ports, each overridable (a test runs a whole `npm start` beside others): PORT the gateway (4000),
 * REGISTRY_PORT the registry (4010), SUBGRAPH_PORT_<NAME> a subgraph (its own default, 4001-4006).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ProcessSupervisor } from './process-supervisor';
import { seedDatabases } from './seed-databases';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

const root = path.resolve(__dirname, '..');
const dataDir = process.env.DATA_DIR ?? path.join(root, '.data');
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // Unless the operator gives one, the gateway and the subgraphs of this run share a random secret
  // (with NODE_ENV=production, which refuses the public development one, as with it without).
  SWITCHYARD_IDENTITY_SECRET:
    process.env.SWITCHYARD_IDENTITY_SECRET || randomBytes(32).toString('base64url'),
};
const supervisor = new ProcessSupervisor({ cwd: root });

/** A port from the environment, or its default; anything but a port number stops the start. */
function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65_535))
    throw new Error(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  return port;
}

async function seed() {
  const started = Date.now();
  const seeded = await seedDatabases({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    scale: Number(process.env.SEED_SCALE ?? 1),
  });
  if (seeded) console.log(`seeded the six databases in ${dataDir} (${Date.now() - started} ms)`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await supervisor.stop();
  process.exit(code);
}

async function main() {
  process.once('exit', () => supervisor.killAll());
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  const gatewayPort = portFrom('PORT', 4000);
  const registryPort = portFrom('REGISTRY_PORT', 4010);
  const ports = new Map<string, number>();
  const defaultPorts = new Map<string, number>();
  for (const name of SUBGRAPH_NAMES) {
    const { defaultPort } = await loadSubgraphDefinition(name);
    defaultPorts.set(name, defaultPort);
    ports.set(name, portFrom(`SUBGRAPH_PORT_${name.toUpperCase()}`, defaultPort));
  }
  await seed();
  const graphqlUrl = (name: string) => `http://127.0.0.1:${ports.get(name)}/graphql`;
  const healthUrl = (name: string) => `http://127.0.0.1:${ports.get(name)}/healthz`;
  // Every subgraph may call any other: each learns all six URLs.
  const serviceUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, graphqlUrl(name)]),
  );
  const { PORT: _port, ...withoutPort } = childEnv;
  const redisUrl = process.env.REDIS_URL;
  const subgraphsStarted = redisUrl
    ? Promise.all(
        SUBGRAPH_NAMES.map((name) =>
          supervisor.start({
            name,
            file: `subgraphs/${name}/src/main.ts`,
            env: { ...childEnv, ...serviceUrls, PORT: String(ports.get(name)) },
            readyUrls: [healthUrl(name)],
          }),
        ),
      )
    : supervisor.start({
        name: 'subgraphs',
        file: 'scripts/run-subgraphs.ts',
        env: {
          ...withoutPort,
          ...Object.fromEntries(
            SUBGRAPH_NAMES.map((name) => [
              `SUBGRAPH_PORT_${name.toUpperCase()}`,
              String(ports.get(name)),
            ]),
          ),
        },
        readyUrls: SUBGRAPH_NAMES.map(healthUrl),
      });
  const governanceFile =
    process.env.GOVERNANCE_FILE ?? path.join(root, 'gateway', 'governance.dev.yaml');
  // The schema registry (needing no subgraph: it starts beside them), seeded on first start with the
  // subgraphs' current SDL as version 1. Its checks read consumers from the gateway's governance file
  // and the gateway's admin API.
  const registryStarted = supervisor.start({
    name: 'registry',
    file: 'registry/src/main.ts',
    env: {
      ...withoutPort,
      PORT: String(registryPort),
      REGISTRY_SEED: path.join(root, 'supergraph.yaml'),
      REGISTRY_GATEWAY_URL: process.env.REGISTRY_GATEWAY_URL || `http://127.0.0.1:${gatewayPort}`,
      GOVERNANCE_FILE: governanceFile,
    },
    readyUrls: [`http://127.0.0.1:${registryPort}/readyz`],
  });
  await Promise.all([subgraphsStarted, registryStarted]);
  // NODE_ENV as the operator sets it, like the registry and the subgraphs: unset is development, whose
  // governance.dev.yaml (its web store's public end-user token secret) NODE_ENV=production refuses.
  // The gateway takes its supergraph from the registry and follows every publish (the disk copy
  // under DATA_DIR/gateway lets it start while the registry is down). Its governance state (registered
  // operations, usage, audit, budgets) is in DATA_DIR/governance.sqlite without Redis: kept across
  // restarts. The registry's routing URLs name the default ports: moved subgraphs are named here.
  const movedSubgraphs = Object.fromEntries(
    SUBGRAPH_NAMES.filter((name) => ports.get(name) !== defaultPorts.get(name)).map((name) => [
      `SUBGRAPH_URL_${name.toUpperCase()}`,
      graphqlUrl(name),
    ]),
  );
  await supervisor.start({
    name: 'gateway',
    file: 'gateway/src/main.ts',
    env: {
      ...childEnv,
      ...movedSubgraphs,
      PORT: String(gatewayPort),
      GOVERNANCE_FILE: governanceFile,
      REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
      REGISTRY_TOKEN: process.env.REGISTRY_TOKEN || 'dev-gateway',
    },
    readyUrls: [`http://127.0.0.1:${gatewayPort}/readyz`],
  });
  console.log(
    [
      '',
      'Switchyard is up.',
      `  gateway    http://127.0.0.1:${gatewayPort}/graphql   (health: /healthz, readiness: /readyz)`,
      // The development governance file enables the explorer; another file says for itself.
      ...(process.env.GOVERNANCE_FILE
        ? []
        : [
            `  explorer   http://127.0.0.1:${gatewayPort}/graphql in a browser: paste a key such as dev-sales-portal`,
          ]),
      `  console    http://127.0.0.1:${gatewayPort}/console   (sign in with dev-platform-admin)`,
      ...SUBGRAPH_NAMES.map((name) => `  ${name.padEnd(10)} ${graphqlUrl(name)}`),
      `  registry   http://127.0.0.1:${registryPort}   (npm run switchyard -- subgraph list, with SWITCHYARD_TOKEN=dev-gateway)`,
      process.env.DATABASE_URL
        ? '  data       PostgreSQL at DATABASE_URL (one schema per subgraph)'
        : `  data       ${dataDir} (SQLite, one file per subgraph)`,
      redisUrl
        ? `  events     Redis Streams at ${redactedUrl(redisUrl)} (one process per subgraph)`
        : '  events     in-process (the six subgraphs share one process)',
      `  governance ${governanceStoreLine(redisUrl)}`,
      'A process that exits is restarted (logged); press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** Where the gateway keeps registered operations, usage, audit and budgets (as gateway/src/config.ts decides). */
function governanceStoreLine(redisUrl: string | undefined): string {
  const kind = process.env.GOVERNANCE_STORE || (redisUrl ? 'redis' : 'sqlite');
  if (kind === 'redis') return 'Redis at REDIS_URL (registered operations, usage, audit, budgets)';
  if (kind === 'memory') return 'in memory (GOVERNANCE_STORE=memory: forgotten at every restart)';
  const file = process.env.GOVERNANCE_STORE_FILE || path.join(dataDir, 'governance.sqlite');
  return `${file} (registered operations, usage, audit, budgets; kept across restarts)`;
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
