import { randomBytes } from 'node:crypto';
import { composeSupergraph, createGateway, defaultGatewayConfig, type GatewayOptions, type RunningGateway } from '@switchyard/gateway';
import { openSubgraph, subgraphSdl, type RunningSubgraph } from '@switchyard/kit';
import type { Dataset } from '@switchyard/seed';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../scripts/subgraphs';

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface RunningGraph {
  gateway: RunningGateway;
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph<any, any>>;
  /** The seed data written to the databases, when the graph was seeded. */
  dataset?: Dataset;
  /** POSTs a GraphQL request to the gateway over HTTP. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphResponse>;
  close(): Promise<void>;
}

export interface GraphOptions {
  /** Which subgraphs to run (default: all six). */
  subgraphs?: readonly string[];
  /** Seed the databases with the generator at this scale (needs all six subgraphs). */
  seedScale?: number;
  /** Fill the databases by hand before traffic instead. */
  prepare?: (subgraphs: Record<string, RunningSubgraph<any, any>>) => Promise<void>;
  /** Governance modules for the gateway (default: none, an ungoverned gateway). */
  governance?: GatewayOptions['governance'];
  /** Run on PostgreSQL (a fresh schema per subgraph, dropped on close) instead of in-memory SQLite. */
  databaseUrl?: string;
}

/**
 * Starts real subgraph servers (each on its own port) and the real gateway over HTTP, composed
 * from the subgraphs' live schemas, with the databases filled before the first request.
 */
export async function startGraph(options: GraphOptions = {}): Promise<RunningGraph> {
  const names = options.subgraphs ?? SUBGRAPH_NAMES;
  const suffix = randomBytes(4).toString('hex');
  const subgraphs: Record<string, RunningSubgraph<any, any>> = {};
  for (const name of names) {
    subgraphs[name] = await openSubgraph(await loadSubgraphDefinition(name), {
      dataDir: ':memory:',
      databaseUrl: options.databaseUrl,
      databaseSchema: `${name}_test_${suffix}`,
    });
  }
  let dataset: Dataset | undefined;
  if (options.seedScale) {
    const { generateDataset, writeDataset } = await import('@switchyard/seed');
    dataset = generateDataset({ seed: 42, scale: options.seedScale });
    await writeDataset(dataset, Object.fromEntries(names.map((name) => [name, subgraphs[name].database.db])) as never);
  }
  await options.prepare?.(subgraphs);
  for (const subgraph of Object.values(subgraphs)) subgraph.database.statements.count = 0;

  const sources = [];
  for (const name of names) {
    const address = await subgraphs[name].server.listen({ host: '127.0.0.1', port: 0 });
    sources.push({ name, url: `${address}/graphql`, sdl: subgraphSdl(subgraphs[name].definition.schema) });
  }
  const gateway = await createGateway({ ...defaultGatewayConfig, port: 0, logLevel: 'silent' }, { supergraphSdl: composeSupergraph(sources), governance: options.governance });
  const gatewayUrl = `${await gateway.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
  return {
    gateway,
    gatewayUrl,
    subgraphs,
    dataset,
    async query(query, variables = {}, headers = {}) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphResponse["body"] };
    },
    async close() {
      await gateway.close();
      for (const [name, subgraph] of Object.entries(subgraphs)) {
        if (options.databaseUrl) await dropSchema(subgraph, `${name}_test_${suffix}`);
        await subgraph.close();
      }
    },
  };
}

async function dropSchema(subgraph: RunningSubgraph<any, any>, schema: string) {
  const { sql } = await import('kysely');
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(subgraph.database.db);
}
