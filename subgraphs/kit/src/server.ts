import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createContext, type SubgraphContext } from './context';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';
import { ErrorCode } from './errors';

export interface SubgraphServerOptions<Store> {
  name: string;
  schema: GraphQLSchema;
  store: Store;
  /** pino level for logs on stdout (through Fastify); no logs when absent, as in tests. */
  logLevel?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/**
 * One subgraph as an HTTP server: Mercurius on Fastify with JIT compilation, a correlation id
 * in and out of every request, errors that never leak internals, and a health route.
 */
export async function createSubgraphServer<Store>(options: SubgraphServerOptions<Store>): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logLevel ? { name: options.name, level: options.logLevel } : false, bodyLimit: 1_048_576 });
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    reply.header(CORRELATION_HEADER, request.correlationId);
  });

  await app.register(mercurius, {
    schema: options.schema,
    path: '/graphql',
    jit: 1,
    graphiql: false,
    context: (request): SubgraphContext<Store> => createContext(options.store, request.correlationId),
    errorFormatter: (execution, context) => {
      const errors = execution.errors?.map((error) => maskUnexpected(error, app));
      return mercurius.defaultErrorFormatter({ ...execution, errors }, context);
    },
  });

  app.get('/healthz', async () => ({ status: 'ok', subgraph: options.name }));
  return app;
}

/** Errors we did not raise on purpose (a SQL failure, a bug) reach the caller as a generic internal error. */
function maskUnexpected(error: GraphQLError, app: FastifyInstance): GraphQLError {
  const original = error.originalError;
  if (error.extensions?.code || !original || original instanceof GraphQLError || 'errors' in original) return error;
  app.log.error({ err: original, path: error.path }, 'unexpected resolver error');
  return new GraphQLError('Internal server error', {
    path: error.path,
    nodes: error.nodes,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}
