import { createInProcessTransport } from './events/in-process-transport';
import type { HousekeepingOptions } from './housekeeping';
import { createRedisStreamsTransport } from './events/redis-streams-transport';
import type { EventTransport } from './events/transport';
import { identitySecretFrom } from './identity-secret';
import { startTracing } from './tracing';
import { openSubgraph, type SubgraphDefinition } from './subgraph';

/**
 * Runs one subgraph as its own process. Configuration comes from the environment, read here only:
 * PORT (default: the subgraph's port), HOST (127.0.0.1), DATA_DIR (.data), DATABASE_URL (PostgreSQL instead of SQLite),
 * LOG_LEVEL (pino level, default info; `silent` for none), SWITCHYARD_IDENTITY_SECRET (the secret the gateway signs
 * x-switchyard-identity with, identity-secret.ts: the development secret when unset, refused in production),
 * REDIS_URL (events on Redis Streams; without it they stay in this process), EVENT_STREAM_PREFIX (the stream's key
 * prefix, default switchyard:events), SUBGRAPH_URL_<NAME> (the GraphQL URL of each subgraph it calls, e.g.
 * SUBGRAPH_URL_CUSTOMERS=http://customers:4001/graphql), RESERVATION_TIMEOUT_MS (when a reservation whose order never
 * completed is released by housekeeping, default 10 minutes), EVENT_RETENTION_MS (how long published outbox rows,
 * inbox marks, resolved exceptions and acknowledged stream entries are kept, default 7 days; open exceptions stay),
 * EVENT_CONSUMER (this process's name in its consumer groups, default `<subgraph>@<hostname>`: set it when
 * replicas of one subgraph share a host).
 */
export async function runSubgraph<DB, Store>(
  definition: SubgraphDefinition<DB, Store>,
): Promise<void> {
  // A process that cannot start says why in one line and exits 1 (an orchestrator restarts or alerts on it).
  await startSubgraphProcess(definition).catch((error: unknown) => {
    console.error(
      `subgraph ${definition.name} failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}

async function startSubgraphProcess<DB, Store>(
  definition: SubgraphDefinition<DB, Store>,
): Promise<void> {
  // First: nothing starts (no tracing, no database) on a secret production must refuse.
  const identitySecret = identitySecretFrom(process.env);
  const tracing = startTracing({ serviceName: definition.name, env: process.env });
  const port = Number(process.env.PORT ?? definition.defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  const serviceUrls = serviceUrlsFrom(process.env);
  const missing = (definition.dependsOn ?? []).filter((name) => !serviceUrls.has(name));
  if (missing.length > 0) {
    process.emitWarning(
      `${definition.name}: no SUBGRAPH_URL_<NAME> for ${missing.join(', ')}; calls to them answer DEPENDENCY_UNAVAILABLE`,
    );
  }
  let events: EventTransport;
  if (process.env.REDIS_URL) {
    events = createRedisStreamsTransport({
      redisUrl: process.env.REDIS_URL,
      keyPrefix: process.env.EVENT_STREAM_PREFIX || undefined,
    });
  } else {
    process.emitWarning(
      `${definition.name}: REDIS_URL is not set; its events stay in this process and no other subgraph receives them`,
    );
    events = createInProcessTransport();
  }
  const subgraph = await openSubgraph(definition, {
    dataDir: process.env.DATA_DIR,
    databaseUrl: process.env.DATABASE_URL,
    logLevel: process.env.LOG_LEVEL === 'silent' ? undefined : (process.env.LOG_LEVEL ?? 'info'),
    identitySecret,
    events,
    serviceUrls,
    housekeeping: housekeepingFrom(process.env),
    eventOptions: process.env.EVENT_CONSUMER ? { consumer: process.env.EVENT_CONSUMER } : undefined,
  });
  await subgraph.server.listen({ port, host });
  const stop = () => {
    const closing = async () => {
      await subgraph.close();
      await events.close();
      await tracing.shutdown();
    };
    closing().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`subgraph ${definition.name} did not stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * RESERVATION_TIMEOUT_MS=<ms> → housekeeping's orphanAfterMs, EVENT_RETENTION_MS=<ms> → its
 * eventRetentionMs (each a positive integer, else refused at start; unset: the default).
 */
export function housekeepingFrom(env: NodeJS.ProcessEnv): HousekeepingOptions {
  const options: HousekeepingOptions = {};
  const orphanAfterMs = positiveMs(env, 'RESERVATION_TIMEOUT_MS');
  if (orphanAfterMs !== undefined) options.orphanAfterMs = orphanAfterMs;
  const eventRetentionMs = positiveMs(env, 'EVENT_RETENTION_MS');
  if (eventRetentionMs !== undefined) options.eventRetentionMs = eventRetentionMs;
  return options;
}

function positiveMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new Error(`${name} must be a positive number of milliseconds, got ${value}`);
  return ms;
}

/** SUBGRAPH_URL_<NAME>=<url> → name (lower case) → url. */
export function serviceUrlsFrom(env: NodeJS.ProcessEnv): Map<string, string> {
  const urls = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_URL_([A-Z0-9_]+)$/.exec(key);
    if (match && value) urls.set(match[1].toLowerCase(), value);
  }
  return urls;
}
