import { gatewayConfigFrom, type GatewayConfig } from './config';
import { createGovernance } from './governance';
import { loadGovernanceConfig } from './governance/governance-config';
import type { GovernanceStore } from './governance/store/governance-store';
import { createMemoryStore } from './governance/store/memory-store';
import { createRedisStore } from './governance/store/redis-store';
import { createSqliteStore } from './governance/store/sqlite-store';
import { startGatewayTracing } from './tracing';
import { createGateway } from './server';

/**
 * Starts the gateway on the supergraph given by `--supergraph` / SUPERGRAPH_FILE (or the repository's
 * supergraph.yaml), governed by `--governance` / GOVERNANCE_FILE when given.
 */
async function main() {
  const config = gatewayConfigFrom(process.argv.slice(2), process.env);
  const tracing = startGatewayTracing({ env: process.env });
  const governanceConfig = config.governanceFile
    ? loadGovernanceConfig(config.governanceFile, process.env)
    : null;
  // An ungoverned gateway keeps no governance state: no store (no file) is opened for it.
  const store = governanceConfig ? openGovernanceStore(config) : null;
  const gateway = await createGateway(config, {
    governance:
      governanceConfig && store
        ? (supergraph, runtime) =>
            // runtime: the clock, and the deprecations followed from the registry beside the supergraph.
            createGovernance(governanceConfig, {
              supergraph,
              store,
              logLevel: config.logLevel,
              ...runtime,
            })
        : undefined,
  });
  await gateway.app.listen({ host: config.host, port: config.port });
  const stop = () => {
    const closing = async () => {
      await gateway.close();
      await store?.close();
      await tracing.shutdown();
    };
    closing().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`gateway did not stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The store the configuration names: SQLite (the default without Redis), Redis, or memory. */
function openGovernanceStore(config: GatewayConfig): GovernanceStore {
  switch (config.governanceStore) {
    case 'redis':
      return createRedisStore({ url: config.redisUrl! });
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
      return createSqliteStore({ file: config.governanceStoreFile });
  }
}

main().catch((error) => {
  // A GovernanceConfigError's message lists every problem with its line.
  console.error(
    `gateway failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
