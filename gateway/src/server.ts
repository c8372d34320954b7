import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { CORRELATION_HEADER, correlationIdFrom } from '@switchyard/kit';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { httpErrorBody } from './http-errors';
import { unreachableSubgraphs } from './readiness';
import { SubgraphClient, createSubgraphAgent } from './subgraph-client';
import { SupergraphSource } from './supergraph-manager';
import { loadSupergraph } from './supergraph-config';

export interface RunningGateway {
  app: FastifyInstance;
  supergraph: SupergraphSource;
  /** Routing URL of each subgraph, as the gateway calls it. */
  subgraphUrls: Record<string, string>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/**
 * The gateway: Apollo Server executing @apollo/gateway's plans over the composed supergraph,
 * served by Fastify with `/graphql`, `/healthz` and `/readyz`. Does not listen yet.
 */
export async function createGateway(config: GatewayConfig, supergraphSdl = loadSupergraph(config.supergraphFile)): Promise<RunningGateway> {
  const agent = createSubgraphAgent(config);
  const supergraph = new SupergraphSource(supergraphSdl);
  const subgraphUrls: Record<string, string> = {};
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url!;
      subgraphUrls[name] = target;
      return new SubgraphClient(target, agent, config);
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    introspection: true,
  });
  await apollo.start();

  const app = Fastify({ logger: config.logLevel === 'silent' ? false : { level: config.logLevel }, bodyLimit: config.bodyLimitBytes });
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    reply.header(CORRELATION_HEADER, request.correlationId);
  });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = httpErrorBody(error as FastifyError);
    if (status >= 500) app.log.error({ err: error }, 'request failed');
    return reply.code(status).send(body);
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: async (request, reply) => {
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const queryAt = request.url.indexOf('?');
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: request.method,
          headers,
          search: queryAt === -1 ? '' : request.url.slice(queryAt),
          body: request.body,
        },
        context: async () => ({ correlationId: request.correlationId }),
      });
      for (const [name, value] of result.headers) reply.header(name, value);
      reply.code(result.status ?? 200);
      return result.body.kind === 'complete' ? reply.send(result.body.string) : reply.send(Readable.from(result.body.asyncIterator));
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const down = await unreachableSubgraphs(subgraphUrls, agent);
    if (down.length > 0) return reply.code(503).send({ status: 'unavailable', unreachable: down });
    return { status: 'ready', subgraphs: Object.keys(subgraphUrls) };
  });

  return {
    app,
    supergraph,
    subgraphUrls,
    async close() {
      await app.close();
      await apollo.stop();
      await agent.close();
    },
  };
}
