import type { FastifyInstance } from 'fastify';

/** Sends one GraphQL request to a subgraph server without a socket (Fastify's inject), as the gateway would. */
export async function querySubgraph(
  server: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: any; errors?: any[]; headers: Record<string, unknown> }> {
  const response = await server.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ query, variables }),
  });
  return { ...response.json(), headers: response.headers };
}
