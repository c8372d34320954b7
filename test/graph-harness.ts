import { composeSupergraph, createGateway, defaultGatewayConfig, type RunningGateway } from '@switchyard/gateway';
import { openSubgraph, subgraphSdl, type RunningSubgraph } from '@switchyard/kit';
import { loadSubgraphDefinition } from '../scripts/subgraphs';

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface RunningGraph {
  gateway: RunningGateway;
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph<any, any>>;
  /** POSTs a GraphQL request to the gateway over HTTP. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphResponse>;
  close(): Promise<void>;
}

/**
 * Starts real subgraph servers (in-memory SQLite, each on its own port) and the real gateway over
 * HTTP, composed from the subgraphs' live schemas; `prepare` fills the databases before traffic.
 */
export async function startGraph(
  names: readonly string[],
  prepare?: (subgraphs: Record<string, RunningSubgraph<any, any>>) => Promise<void>,
): Promise<RunningGraph> {
  const subgraphs: Record<string, RunningSubgraph<any, any>> = {};
  for (const name of names) subgraphs[name] = await openSubgraph(await loadSubgraphDefinition(name), { dataDir: ':memory:' });
  await prepare?.(subgraphs);
  const sources = [];
  for (const name of names) {
    const address = await subgraphs[name].server.listen({ host: '127.0.0.1', port: 0 });
    sources.push({ name, url: `${address}/graphql`, sdl: subgraphSdl(subgraphs[name].definition.schema) });
  }
  const gateway = await createGateway({ ...defaultGatewayConfig, port: 0, logLevel: 'silent' }, composeSupergraph(sources));
  const gatewayUrl = `${await gateway.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
  return {
    gateway,
    gatewayUrl,
    subgraphs,
    async query(query, variables = {}, headers = {}) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async close() {
      await gateway.close();
      for (const subgraph of Object.values(subgraphs)) await subgraph.close();
    },
  };
}
