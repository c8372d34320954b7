import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { context as otelContext } from '@opentelemetry/api';
import { CORRELATION_HEADER, correlationIdFrom, logOptions } from '@switchyard/kit';
import type { DestinationStream } from 'pino';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { registerConsoleRoutes } from './console/console-routes';
import { registerExplorer } from './explorer/explorer';
import type { DeprecationFeed } from './governance/deprecations/deprecation-feed';
import { GovernanceError } from './governance/errors';
import { governancePlugin } from './governance/operation-plugin';
import type { Governance } from './governance';
import type { GovernanceModule, GovernedRequest, GraphQLRequestBody } from './governance/module';
import { httpErrorBody } from './http-errors';
import { operationResolutionPlugin } from './operation-resolution';
import { readinessOf } from './readiness';
import { securityEnforcementOf, ungovernedWarning } from './security-enforcement';
import { SubgraphClient, createSubgraphAgent } from './subgraph-client';
import { SharedCallCounts, registerSharedCallMetrics } from './subgraph-fetch/deduplication';
import { registerCircuitMetrics } from './subgraph-health/circuit-metrics';
import { SubgraphHealth } from './subgraph-health/subgraph-health';
import { formatSubgraphHttpError } from './subgraph-http-errors';
import { SupergraphSource } from './supergraph-manager';
import { registerSupergraphAdminRoute } from './supergraph/supergraph-admin-route';
import { openSupergraphOrigin, type SupergraphOrigin } from './supergraph/supergraph-origin';
import { extractTraceContext } from './tracing';
import { SwitchyardGateway } from './execution/switchyard-gateway';
import { stringifyResult, writtenBodyOf, writtenDataPlugin } from './execution/written-data';

export interface GatewayOptions {
  /** The supergraph to serve (default: from `config.registryUrl`, followed, else loaded from `config.supergraphFile`). */
  supergraphSdl?: string;
  /** Governance built on the supergraph: its modules in the order they run, or a whole Governance (none: an ungoverned gateway). */
  governance?: (
    supergraph: SupergraphSource,
    runtime: GatewayRuntime,
  ) => GovernanceModule[] | Governance;
  /** The time governance dates things by (sunsets, brownouts, waivers, usage), ms since the epoch. Default Date.now; tests set it. */
  clock?: () => number;
  /** Where Fastify's log lines go (default: stdout). */
  logDestination?: DestinationStream;
}

/** What the gateway hands its governance besides the supergraph. */
export interface GatewayRuntime {
  clock: () => number;
  /** The registry's deprecations, followed with the supergraph (empty without REGISTRY_URL). */
  deprecations: DeprecationFeed;
  /** The registry and the gateway's token for it (REGISTRY_URL, REGISTRY_TOKEN); null without one. */
  registry: { url: string; token: string } | null;
}

export interface RunningGateway {
  app: FastifyInstance;
  supergraph: SupergraphSource;
  /** Where the supergraph came from; what GET /admin/supergraph reports. */
  origin: SupergraphOrigin;
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
 * The gateway: Apollo Server executing query plans over the composed supergraph (execution/),
 * served by Fastify with `/graphql`, `/healthz` and `/readyz`. Does not listen yet.
 */
export async function createGateway(
  config: GatewayConfig,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const agent = createSubgraphAgent(config);
  const origin = await openSupergraphOrigin(config, options.supergraphSdl);
  const supergraph = new SupergraphSource(origin.sdl);
  const built =
    options.governance?.(supergraph, {
      clock: options.clock ?? Date.now,
      deprecations: origin.deprecations,
      registry: config.registryUrl
        ? { url: config.registryUrl, token: config.registryToken ?? '' }
        : null,
    }) ?? [];
  const governance = Array.isArray(built) ? null : built;
  const modules = Array.isArray(built) ? built : built.modules;
  // Fail closed: security directives nothing enforces are refused, now and on every swap, unless the operator said --ungoverned.
  const enforcement = securityEnforcementOf(
    modules.map((module) => module.name),
    config.ungoverned,
  );
  try {
    supergraph.enforceSecurityBy(enforcement);
  } catch (error) {
    for (const module of modules) await module.close?.();
    await agent.close();
    await origin.close();
    throw error;
  }
  /** What an ungoverned gateway says on start and on /readyz (for the supergraph it serves now). */
  const warnings = () =>
    enforcement === 'waived' ? { warnings: [ungovernedWarning(supergraph.directives)] } : {};
  const subgraphUrls: Record<string, string> = {};
  // One circuit per subgraph for the gateway's life: a supergraph swap rebuilds the clients, not what was learnt.
  const health = new SubgraphHealth(config.circuitBreaker);
  const sharedCalls = new SharedCallCounts();
  if (governance) {
    registerCircuitMetrics(governance.metrics.registry, health);
    registerSharedCallMetrics(governance.metrics.registry, sharedCalls);
  }
  const gateway = new SwitchyardGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url!;
      subgraphUrls[name] = target;
      return new SubgraphClient(
        target,
        agent,
        {
          ...config,
          subgraphTimeoutMs: config.subgraphTimeoutsMs[name] ?? config.subgraphTimeoutMs,
          circuit: health.circuitOf(name),
          sharedCalls,
          // A gateway given modules (not a whole Governance) may pass its observer in the config.
          ...(governance ? { observeFetch: governance.metrics.observeSubgraphFetch } : {}),
          ...(governance?.trafficSamples
            ? { sampleExchange: governance.trafficSamples.sampleExchange }
            : {}),
        },
        name,
      );
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    formatError: formatSubgraphHttpError,
    introspection: true,
    // APQ is served by the persisted-operations module against the shared governance store.
    persistedQueries: false,
    // The executor writes `data` as JSON text: sent as it is unless a plugin read it (execution/written-data.ts).
    stringifyResult,
    // Apollo's landing pages load from a CDN; browsers get the embedded explorer instead (explorer/).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      operationResolutionPlugin,
      governancePlugin(modules),
      // The request's governance state: an object Apollo Server's copy of the context shares.
      writtenDataPlugin<GatewayContext>((context) => context.governance),
    ].filter((plugin) => plugin !== null),
  });
  await apollo.start();

  const app = Fastify({
    // Switchyard's log options: request lines carry method and path, never the query string (a GET
    // carries the document and its variables there), headers or body.
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            ...logOptions('switchyard-gateway', config.logLevel),
            ...(options.logDestination ? { stream: options.logDestination } : {}),
          },
    bodyLimit: config.bodyLimitBytes,
  });
  app.decorateRequest('correlationId', '');
  app.decorateRequest('gatewayContext', null);
  if (enforcement === 'waived') app.log.warn(ungovernedWarning(supergraph.directives));
  // A reliability engineer's first question when fields go null: which circuit opened, and when.
  health.onChange((subgraph, from, circuit) => {
    if (circuit.state === 'open')
      app.log.warn(
        { subgraph, from, ...circuit },
        `subgraph ${subgraph}: circuit open after ${circuit.consecutiveFailures} consecutive failures, not called for ${circuit.probeInMs} ms`,
      );
    else
      app.log.info(
        { subgraph, from, state: circuit.state },
        `subgraph ${subgraph}: circuit ${circuit.state}`,
      );
  });
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    reply.header(CORRELATION_HEADER, request.correlationId);
  });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = httpErrorBody(error as FastifyError);
    if (status >= 500) app.log.error({ err: error }, 'request failed');
    return reply.code(status).send(body);
  });
  // Fastify's own 404 logs and echoes the whole URL, query string included (a document, its variables).
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message: `Route ${request.method}:${request.url.split('?')[0]} not found`,
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    }),
  );

  const explorerPage = registerExplorer(app, {
    explorer: governance?.explorerEnabled ?? false,
    registryUrl: config.registryUrl,
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: async (request, reply) => {
      if (explorerPage?.wanted(request)) return explorerPage.send(reply);
      const context: GatewayContext = {
        correlationId: request.correlationId,
        startedAt: performance.now(),
        consumer: null,
        client: {
          name: headerValue(request.headers[CLIENT_NAME_HEADER]),
          version: headerValue(request.headers[CLIENT_VERSION_HEADER]),
        },
        governance: {},
      };
      request.gatewayContext = context;
      const governed: GovernedRequest = {
        method: request.method,
        headers: request.headers,
        body: (request.method === 'GET' ? request.query : request.body) as GraphQLRequestBody,
        context,
        responseHeaders: {},
      };
      try {
        for (const module of modules) {
          // Awaited only when a module answers with a promise: a synchronous check costs no microtask turn.
          const pending = module.onRequest?.(governed);
          if (pending) await pending;
        }
      } catch (error) {
        if (!(error instanceof GovernanceError)) throw error;
        return reply
          .code(error.status)
          .headers({ ...governed.responseHeaders, ...error.headers })
          .send(error.toResponseBody());
      }

      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      // A client's traceparent is the parent of the executor's request span (and so of the subgraph calls).
      const result = await otelContext.with(extractTraceContext(request.headers), () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest:
            request.method === 'GET'
              ? { method: 'GET', headers, search: searchOf(governed.body), body: undefined }
              : { method: 'POST', headers, search: '', body: governed.body },
          context: async () => context,
        }),
      );
      reply.headers(governed.responseHeaders);
      for (const [name, value] of result.headers) reply.header(name, value);
      reply.code(result.status ?? 200);
      if (result.body.kind !== 'complete')
        return reply.send(Readable.from(result.body.asyncIterator));
      // An answer the executor wrote goes out as its bytes: encoded once, its length known.
      return reply.send(writtenBodyOf(context.governance) ?? result.body.string);
    },
  });

  // Contract replay calls the subgraphs where the gateway does, with the identities it signs.
  governance?.trafficSamples?.connect({
    routingUrls: subgraphUrls,
    identitySecret: config.identitySecret,
  });
  governance?.configureApp(app, [(admin) => registerSupergraphAdminRoute(admin, origin)]);
  // The console reads the governance admin API: served only by a governed gateway.
  if (governance)
    registerConsoleRoutes(app, { dir: config.consoleDir, registryUrl: config.registryUrl });
  app.get('/healthz', async () => ({ status: 'ok' }));
  // 200 while the gateway can serve (some subgraphs away: `degraded`, their fields null), 503 when no subgraph answers.
  app.get('/readyz', async (_request, reply) => {
    const readiness = await readinessOf(subgraphUrls, agent, config.identitySecret, health);
    return reply
      .code(readiness.status === 'unavailable' ? 503 : 200)
      .send({ ...readiness, ...warnings() });
  });

  // Served from now on: new versions from the registry swap in (supergraph/supergraph-origin.ts).
  origin.follow(supergraph, app.log);

  return {
    app,
    supergraph,
    origin,
    subgraphUrls,
    async close() {
      await origin.close();
      await app.close();
      for (const module of modules) await module.close?.();
      await apollo.stop();
      await agent.close();
    },
  };
}

const CLIENT_NAME_HEADER = 'apollographql-client-name';
const CLIENT_VERSION_HEADER = 'apollographql-client-version';

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) || null;
}

/** A GET request's query string from its (possibly rewritten) parameters; objects are JSON, as GraphQL over HTTP sends them. */
function searchOf(body: GraphQLRequestBody): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body ?? {})) {
    if (value !== undefined)
      params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `?${params}`;
}
