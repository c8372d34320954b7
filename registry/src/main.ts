/**
 * `tsx registry/src/main.ts`: the schema registry as its own process (configuration: config.ts).
 * Refuses to start on an invalid or missing consumers file, as the gateway does.
 */
import { loadGovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import { loadRegistryAuth } from './auth';
import { createCheckRunner, createGatewayAdminSource } from './checks';
import { registryConfigFrom } from './config';
import { createDeprecationService } from './lifecycle/deprecation-service';
import { createRegistryService } from './registry-service';
import { seedFromSupergraphConfig } from './seed';
import { buildRegistryServer } from './server';
import { openRegistryStore } from './storage/registry-store';

/** How often due notices (reminders, brownout starts, retries) are looked for. */
const LIFECYCLE_TICK_MS = 60_000;

async function main(): Promise<void> {
  const config = registryConfigFrom(process.env);
  const auth = loadRegistryAuth(config.configFile, process.env);
  // Read once: a changed governance file reaches checks when the registry restarts, as for gateways.
  const governance = loadGovernanceConfig(config.governanceFile, process.env);
  const sources = createGatewayAdminSource({
    gatewayUrl: config.gatewayUrl,
    // A JWT (three dot-separated parts) goes as a bearer token, anything else as an API key.
    credentials: /^[\w-]+\.[\w-]+\.[\w-]*$/.test(config.gatewayAdminKey)
      ? { authorization: `Bearer ${config.gatewayAdminKey}` }
      : { 'x-api-key': config.gatewayAdminKey },
  });
  const store = await openRegistryStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
  });
  const lifecycle = createDeprecationService({ store, graph: config.graph, governance, sources });
  const runCheck = createCheckRunner({
    governance,
    sources,
    deprecations: () => lifecycle.forChecks(),
  });
  const service = createRegistryService({
    store,
    graph: config.graph,
    runCheck,
    approvalTtlMs: config.approvalTtlMs,
  });
  if (
    config.seedFile &&
    (await seedFromSupergraphConfig(service, config.seedFile, config.seedRoutingUrls))
  )
    console.log(`registry: seeded version 1 from ${config.seedFile}`);
  const server = buildRegistryServer({ service, auth, logLevel: config.logLevel, lifecycle });
  await server.listen({ host: config.host, port: config.port });
  // Reminders before sunsets, brownout starts and retries are due on the clock, not on a request.
  const ticks = setInterval(() => {
    lifecycle.tick().catch((error: unknown) => server.log.warn({ err: error }, 'lifecycle tick'));
  }, LIFECYCLE_TICK_MS);
  const stop = () => {
    clearInterval(ticks);
    server
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`registry did not stop cleanly: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`registry: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
