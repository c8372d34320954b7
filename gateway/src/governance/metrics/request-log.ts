/**
 * The request log: one structured pino line per GraphQL request, as it ended, with its correlation
 * id, consumer, client, operation name, duration, HTTP status, outcome and error codes. Never a
 * credential (headers are redacted wherever they appear, see @switchyard/kit log-redaction.ts),
 * never the document nor its variables: only the operation's name.
 *
 * Requests are watched where every answer passes, the Fastify response of `/graphql`, so refusals
 * before GraphQL (identity, persisted operations, rate budgets) and HTTP errors (a body that is
 * not JSON, too large) are logged and counted like executed operations. `watchRequests` is that
 * watch; the metrics module counts from it too.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logOptions } from '@switchyard/kit';
import type { GovernanceModule, OperationHooks } from '../module';

/** The gateway's logger (also Fastify's: `loggerInstance`), with the redaction every Switchyard process uses. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = logOptions('switchyard-gateway', level);
  return destination ? pino(options, destination) : pino(options);
}

/** How a request ended: executed without errors, executed with errors, or answered without executing. */
export type RequestOutcome = 'ok' | 'error' | 'rejected';

/** What one finished GraphQL request was. */
export interface FinishedRequest {
  correlationId: string;
  /** The identified consumer, null when none was (refused before identity, or an ungoverned gateway). */
  consumer: string | null;
  client: { name: string | null; version: string | null };
  /** The operation's name: as resolved by Apollo Server when it got that far, else as the request claimed; null for anonymous. */
  operationName: string | null;
  /** The registered operation it ran (trusted document or APQ hash), if any. */
  persistedOperationId: string | null;
  status: number;
  durationMs: number;
  outcome: RequestOutcome;
  /** `extensions.code` of each error in the response, in order (INTERNAL_SERVER_ERROR when an error has none). */
  errorCodes: string[];
}

/** What the Apollo Server phases learned about a request, kept on its context until it is answered. */
export interface GraphQLFacts {
  operationName: string | null;
  executed: boolean;
  errorCodes: string[];
}

/**
 * Reads each request's GatewayContext from the Fastify request (`request.gatewayContext`, set by the
 * /graphql handler before any module can refuse it), so a refusal is reported with what was known.
 */
export interface RequestWatch {
  /** Records the resolved operation and the response's errors. */
  operation: OperationHooks;
  /** Adds the Fastify hooks that report each finished request of `graphqlPath` (call before the app is ready). */
  attach(app: FastifyInstance): void;
}

/** Longest operation name kept; a client chooses it, so it is bounded. */
const MAX_OPERATION_NAME = 200;

/** Calls `onFinished` once for every request to `graphqlPath` when its response has been sent. */
export function watchRequests(
  onFinished: (request: FinishedRequest) => void,
  graphqlPath = '/graphql',
): RequestWatch {
  const refusalCodes = new WeakMap<FastifyRequest, string[]>();

  function finished(request: FastifyRequest, reply: FastifyReply): FinishedRequest {
    const context = request.gatewayContext;
    const facts = context?.governance.requestLog;
    const operationName = facts
      ? facts.operationName
      : context
        ? claimedOperationName(request)
        : null;
    return {
      correlationId: request.correlationId,
      consumer: context?.consumer?.id ?? null,
      client: context?.client ?? { name: null, version: null },
      operationName: operationName ? operationName.slice(0, MAX_OPERATION_NAME) : null,
      persistedOperationId: context?.governance.persistedOperationId ?? null,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
      outcome: facts?.executed ? (facts.errorCodes.length > 0 ? 'error' : 'ok') : 'rejected',
      errorCodes: facts?.errorCodes ?? refusalCodes.get(request) ?? [],
    };
  }

  return {
    operation: {
      willSendResponse({ contextValue, operationName, request, response }) {
        const result =
          response.body.kind === 'single'
            ? response.body.singleResult
            : response.body.initialResult;
        const facts: GraphQLFacts = {
          operationName: operationName ?? request.operationName ?? null,
          executed: result.data !== undefined,
          errorCodes: (result.errors ?? []).map(codeOf),
        };
        contextValue.governance.requestLog = facts;
      },
    },
    attach(app) {
      // Callback hooks (no promise per request); routeOptions is built on each read, so it is read last.
      // An answer that never reached Apollo Server (a governance refusal, an HTTP error): its codes are in the body.
      app.addHook('onSend', (request, reply, payload, done) => {
        if (
          reply.statusCode >= 400 &&
          typeof payload === 'string' &&
          request.routeOptions.url === graphqlPath &&
          !request.gatewayContext?.governance.requestLog
        ) {
          refusalCodes.set(request, errorCodesIn(payload));
        }
        done(null, payload);
      });
      app.addHook('onResponse', (request, reply, done) => {
        try {
          if (request.routeOptions.url === graphqlPath && isGraphQLRequest(request, reply))
            onFinished(finished(request, reply));
          done();
        } catch (error) {
          done(error as Error);
        }
      });
    },
  };
}

/**
 * Not a CORS preflight, nor the explorer page a browser is served: the /graphql handler gives every
 * GraphQL request its context, and an HTTP error before the handler (a body too large) is one too.
 */
function isGraphQLRequest(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    request.method !== 'OPTIONS' && (request.gatewayContext !== null || reply.statusCode >= 400)
  );
}

/** The operation name a request refused before GraphQL gave (body or GET parameters). */
function claimedOperationName(request: FastifyRequest): string | null {
  const params = (request.method === 'GET' ? request.query : request.body) as
    { operationName?: unknown } | null | undefined;
  return typeof params?.operationName === 'string' && params.operationName
    ? params.operationName
    : null;
}

function codeOf(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' && code ? code : 'INTERNAL_SERVER_ERROR';
}

function errorCodesIn(payload: string): string[] {
  try {
    const body = JSON.parse(payload) as { errors?: { extensions?: Record<string, unknown> }[] };
    return Array.isArray(body.errors) ? body.errors.map(codeOf) : [];
  } catch {
    return [];
  }
}

export interface RequestLogOptions {
  /** pino level of each line; a request the gateway failed (5xx) is logged at `warn` whatever this says. Default `info`. */
  level?: 'trace' | 'debug' | 'info';
  /** Path of the GraphQL route. Default `/graphql`. */
  graphqlPath?: string;
}

export interface RequestLogDeps {
  /** Where the lines go: `createLogger(level)` (or a child of the gateway's logger). */
  logger: Logger;
}

export type RequestLogModule = GovernanceModule & {
  /** Adds the Fastify hooks that write the line when a response is sent (before the app is ready). */
  register(app: FastifyInstance): void;
};

export const REQUEST_LOG_DEFAULTS = { level: 'info', graphqlPath: '/graphql' } as const;

/**
 * The request log module: `register(app)` installs its hooks; refused requests are logged with what
 * was known of them (see RequestWatch).
 */
export function createRequestLogModule(
  options: RequestLogOptions,
  deps: RequestLogDeps,
): RequestLogModule {
  const level = options.level ?? REQUEST_LOG_DEFAULTS.level;
  const logsRequests = deps.logger.isLevelEnabled(level);
  // The logger's level is read once: a logger that would drop every line (silent, or above warn) costs nothing per request.
  if (!logsRequests && !deps.logger.isLevelEnabled('warn'))
    return { name: 'request-log', register() {} };
  const watch = watchRequests((request) => {
    const failed = request.status >= 500;
    if (!failed && !logsRequests) return;
    const { durationMs, ...line } = request;
    deps.logger[failed ? 'warn' : level](
      { ...line, durationMs: Math.round(durationMs * 1000) / 1000 },
      'graphql request',
    );
  }, options.graphqlPath ?? REQUEST_LOG_DEFAULTS.graphqlPath);
  return {
    name: 'request-log',
    operation: watch.operation,
    register: watch.attach,
  };
}
