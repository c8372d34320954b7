import { openSubgraph, type SubgraphDefinition } from './subgraph';

/**
 * Runs one subgraph as its own process. Configuration comes from the environment, read here only:
 * PORT (default: the subgraph's port), HOST (127.0.0.1), DATA_DIR (.data), DATABASE_URL (PostgreSQL instead of SQLite),
 * LOG_LEVEL (pino level, default info; `silent` for none).
 */
export async function runSubgraph<DB, Store>(definition: SubgraphDefinition<DB, Store>): Promise<void> {
  const port = Number(process.env.PORT ?? definition.defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  const subgraph = await openSubgraph(definition, {
    dataDir: process.env.DATA_DIR,
    databaseUrl: process.env.DATABASE_URL,
    logLevel: process.env.LOG_LEVEL === 'silent' ? undefined : (process.env.LOG_LEVEL ?? 'info'),
  });
  await subgraph.server.listen({ port, host });
  const stop = async () => {
    await subgraph.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
