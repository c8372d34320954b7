/**
 * The six subgraphs in one process, sharing an in-process event transport (as `npm start` runs them
 * without Redis), each on a free port, over the seeded SQLite files in DATA_DIR, once the parent says
 * start (it seeds them first). Sends the parent
 * (place-order.ts) `{ urls }` once every subgraph listens; stops on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { createInProcessTransport, openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../../scripts/subgraphs';

async function main() {
  // The parent seeds the databases first, then says start.
  await new Promise((resolve) => process.once('message', resolve));
  const events = createInProcessTransport();
  const serviceUrls = new Map<string, string>();
  const running: RunningSubgraph<unknown, unknown>[] = [];
  process.once('SIGTERM', () => {
    void (async () => {
      for (const subgraph of running.reverse()) await subgraph.close();
      await events.close();
      process.exit(0);
    })();
  });
  for (const name of SUBGRAPH_NAMES) {
    const subgraph = await openSubgraph(await loadSubgraphDefinition(name), {
      dataDir: process.env.DATA_DIR,
      events,
      serviceUrls,
    });
    running.push(subgraph);
    await subgraph.server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = subgraph.server.server.address() as AddressInfo;
    serviceUrls.set(name, `http://127.0.0.1:${port}/graphql`);
  }
  process.send!({ urls: Object.fromEntries(serviceUrls) });
}

void main();
