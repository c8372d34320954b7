import { gatewayConfigFrom } from './config';
import { createGateway } from './server';

/** Starts the gateway on the supergraph given by `--supergraph` / SUPERGRAPH_FILE, or the repository's supergraph.yaml. */
async function main() {
  const config = gatewayConfigFrom(process.argv.slice(2), process.env);
  const gateway = await createGateway(config);
  await gateway.app.listen({ host: config.host, port: config.port });
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
