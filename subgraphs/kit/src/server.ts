import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { errorForReader } from './classified-text';
import { createContext, type ContextRuntime, type SubgraphContext } from './context';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';
import { ErrorCode } from './errors';
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  verifyIdentity,
  type CallerIdentity,
  type IdentityVerification,
} from './identity-header';
import { logOptions } from './log-redaction';
import { DependencyUnavailableError, dependencyUnavailable } from './service-client';
import { traceServerRequests } from './tracing';

export interface SubgraphServerOptions<Store> {
  name: string;
  schema: GraphQLSchema;
  store: Store;
  /** pino level for logs on stdout (through Fastify); no logs when absent, as in tests. */
  logLevel?: string;
  /** The secret the gateway signs x-switchyard-identity with. Default: DEVELOPMENT_IDENTITY_SECRET. */
  identitySecret?: string;
  /** The service client and event runtime every context carries (openSubgraph gives them); none when absent. */
  runtime?: ContextRuntime;
}

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
    caller: CallerIdentity;
  }
}

/** The subgraph each server answers as, for code that holds only the server (kit/testing signs identities for it). */
const subgraphNames = new WeakMap<FastifyInstance, string>();

/** The name a server made by createSubgraphServer verifies identities against (their `aud`). */
export function subgraphNameOf(server: FastifyInstance): string | undefined {
  return subgraphNames.get(server);
}

/** Routes a caller reaches without a signed identity. */
const OPEN_ROUTES = new Set(['/healthz']);

/**
 * One subgraph as an HTTP server: Mercurius on Fastify with JIT compilation, a correlation id
 * in and out of every request, errors that never leak internals, and a health route.
 */
export async function createSubgraphServer<Store>(
  options: SubgraphServerOptions<Store>,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel ? logOptions(options.name, options.logLevel) : false,
    bodyLimit: 1_048_576,
  });
  traceServerRequests(app, options.name);
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    reply.header(CORRELATION_HEADER, request.correlationId);
  });
  // Subgraphs never trust a caller blindly: every GraphQL request carries the gateway's signed identity.
  const identitySecret = options.identitySecret ?? DEVELOPMENT_IDENTITY_SECRET;
  app.decorateRequest('caller', null as unknown as CallerIdentity);
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
    // Signed for this subgraph only: a header minted for another one is refused here.
    const verification = verifyIdentity(
      request.headers[IDENTITY_HEADER],
      identitySecret,
      options.name,
    );
    if (!verification.ok) {
      request.log.warn(
        { reason: verification.reason, correlationId: request.correlationId },
        'refused a request without a valid identity',
      );
      return reply.code(401).send({ errors: [unauthenticated(verification.reason)] });
    }
    request.caller = verification.identity;
  });

  await app.register(mercurius, {
    schema: options.schema,
    path: '/graphql',
    jit: 1,
    graphiql: false,
    context: (request): SubgraphContext<Store> =>
      createContext(options.store, request.correlationId, request.caller, options.runtime),
    errorFormatter: (execution, context) => {
      // A message with classified values is rendered for the caller (fail closed: none known, the redacted one).
      const reader = (context as Partial<SubgraphContext<Store>> | undefined)?.caller;
      const errors = execution.errors?.map((error) =>
        errorForReader(maskUnexpected(error, app), reader),
      );
      return mercurius.defaultErrorFormatter({ ...execution, errors }, context);
    },
  });

  app.get('/healthz', async () => ({ status: 'ok', subgraph: options.name }));
  subgraphNames.set(app, options.name);
  return app;
}

const REFUSALS: Record<Exclude<IdentityVerification, { ok: true }>['reason'], string> = {
  missing: `The ${IDENTITY_HEADER} header is missing: subgraphs answer only requests the gateway signed`,
  malformed: `The ${IDENTITY_HEADER} header is malformed`,
  'bad-signature': `The ${IDENTITY_HEADER} header is not signed with the gateway's secret`,
  expired: `The ${IDENTITY_HEADER} header has expired`,
  'wrong-audience': `The ${IDENTITY_HEADER} header was not signed for this subgraph`,
};

function unauthenticated(reason: keyof typeof REFUSALS) {
  return { message: REFUSALS[reason], extensions: { code: ErrorCode.UNAUTHENTICATED, reason } };
}

/**
 * A subgraph this one called that is down or slow answers DEPENDENCY_UNAVAILABLE, whichever resolver met it;
 * other errors we did not raise on purpose (a SQL failure, a bug) reach the caller as a generic internal error.
 */
function maskUnexpected(error: GraphQLError, app: FastifyInstance): GraphQLError {
  const original = error.originalError;
  if (original instanceof DependencyUnavailableError) {
    return new GraphQLError(original.message, {
      path: error.path,
      nodes: error.nodes,
      extensions: dependencyUnavailable(original).extensions,
    });
  }
  if (
    error.extensions?.code ||
    !original ||
    original instanceof GraphQLError ||
    'errors' in original
  )
    return error;
  app.log.error({ err: original, path: error.path }, 'unexpected resolver error');
  return new GraphQLError('Internal server error', {
    path: error.path,
    nodes: error.nodes,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}
