/**
 * The six subgraphs in ONE process, sharing one in-process event transport: how `npm start` runs
 * them when REDIS_URL is not set (events need a transport every subgraph sees; without Redis only a
 * shared process gives one). Each listens on its own port (SUBGRAPH_PORT_<NAME>, by default its own
 * default port) as if it were alone, and calls the others over HTTP like it would in production
 * (same identity, timeouts, correlation ids).
 *
 * Environment, read here only: HOST (127.0.0.1), SUBGRAPH_PORT_<NAME> (each its default port), DATA_DIR (.data), DATABASE_URL (PostgreSQL instead of
 * SQLite), LOG_LEVEL (info; `silent` for none), SWITCHYARD_IDENTITY_SECRET (the kit's identitySecretFrom:
 * the development secret when unset, refused with NODE_ENV=production), RESERVATION_TIMEOUT_MS (orphaned reservations, 10 minutes), OTEL_* (tracing, off unless asked for). REDIS_URL is ignored: with Redis, run one process per
 * subgraph (`npm start` does).
 */
import {
  createInProcessTransport,
  housekeepingFrom,
  identitySecretFrom,
  openSubgraph,
  startTracing,
  type RunningSubgraph,
} from '@switchyard/kit';
import type { AddressInfo } from 'node:net';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

/** Read when main starts, so a value it refuses ends the process with its message (main's catch), not a stack. */
const configFrom = (env: NodeJS.ProcessEnv) => ({
  host: env.HOST ?? '127.0.0.1',
  dataDir: env.DATA_DIR,
  databaseUrl: env.DATABASE_URL,
  logLevel: env.LOG_LEVEL === 'silent' ? undefined : (env.LOG_LEVEL ?? 'info'),
  identitySecret: identitySecretFrom(env),
  housekeeping: housekeepingFrom(env),
  port: (name: string, fallback: number) =>
    portFrom(env, `SUBGRAPH_PORT_${name.toUpperCase()}`, fallback),
});

/** A port from the environment, or the subgraph's default; anything but a port number is refused. */
function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65_535))
    throw new Error(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  return port;
}

/** Where a subgraph of this process is called: loopback, whatever HOST it also listens on. */
const graphqlUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;

async function main() {
  const config = configFrom(process.env);
  if (process.env.REDIS_URL)
    process.emitWarning(
      'REDIS_URL is set but ignored: the subgraphs of this process share an in-process event transport',
    );
  const tracing = startTracing({ serviceName: 'switchyard-subgraphs', env: process.env });
  const events = createInProcessTransport();
  // Filled before any subgraph opens, so an event handler that calls another subgraph at once finds its URL.
  const serviceUrls = new Map<string, string>();
  const definitions = await Promise.all(SUBGRAPH_NAMES.map((name) => loadSubgraphDefinition(name)));
  const ports = new Map(
    definitions.map((definition) => [
      definition.name,
      config.port(definition.name, definition.defaultPort),
    ]),
  );
  for (const definition of definitions)
    serviceUrls.set(definition.name, graphqlUrl(ports.get(definition.name)!));

  const running: RunningSubgraph<unknown, unknown>[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      // Subgraphs first (they stop consuming), then the transport they share.
      for (const subgraph of running.reverse())
        await subgraph.close().catch((error) => console.error(`${subgraph.name}: ${error}`));
      await events.close();
      await tracing.shutdown();
      process.exit(code);
    })());
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    for (const definition of definitions) {
      const subgraph = await openSubgraph(definition, {
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        logLevel: config.logLevel,
        identitySecret: config.identitySecret,
        housekeeping: config.housekeeping,
        events,
        serviceUrls,
      });
      running.push(subgraph);
      await subgraph.server.listen({ port: ports.get(definition.name)!, host: config.host });
      const { port } = subgraph.server.server.address() as AddressInfo;
      serviceUrls.set(definition.name, graphqlUrl(port));
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop(1);
  }
}

main().catch((error: unknown) => {
  console.error(
    `subgraphs failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
