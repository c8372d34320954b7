import { DEVELOPMENT_IDENTITY_SECRET } from './identity-header';
import { startTracing } from './tracing';
import { openSubgraph, type SubgraphDefinition } from './subgraph';

/**
 * Runs one subgraph as its own process. Configuration comes from the environment, read here only:
 * PORT (default: the subgraph's port), HOST (127.0.0.1), DATA_DIR (.data), DATABASE_URL (PostgreSQL instead of SQLite),
 * LOG_LEVEL (pino level, default info; `silent` for none), SWITCHYARD_IDENTITY_SECRET (the secret the gateway signs
 * x-switchyard-identity with; the development secret when unset, with a warning in production).
 */
export async function runSubgraph<DB, Store>(definition: SubgraphDefinition<DB, Store>): Promise<void> {
  const tracing = startTracing({ serviceName: definition.name, env: process.env });
  const port = Number(process.env.PORT ?? definition.defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  const identitySecret = process.env.SWITCHYARD_IDENTITY_SECRET || DEVELOPMENT_IDENTITY_SECRET;
  if (!process.env.SWITCHYARD_IDENTITY_SECRET && process.env.NODE_ENV === 'production') {
    process.emitWarning(`${definition.name}: SWITCHYARD_IDENTITY_SECRET is not set; using the development identity secret, which anyone can read`);
  }
  const subgraph = await openSubgraph(definition, {
    dataDir: process.env.DATA_DIR,
    databaseUrl: process.env.DATABASE_URL,
    logLevel: process.env.LOG_LEVEL === 'silent' ? undefined : (process.env.LOG_LEVEL ?? 'info'),
    identitySecret,
  });
  await subgraph.server.listen({ port, host });
  const stop = async () => {
    await subgraph.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
