/**
 * CORS per consumer: a browser page on another origin may call /graphql when its origin is one of
 * the config's top-level `cors.origins` or of the calling consumer's own `cors.origins`.
 *
 * - The preflight (OPTIONS /graphql) is answered 204 for any origin some consumer may be called
 *   from (it carries no credentials), 403 CORS_ORIGIN_NOT_ALLOWED otherwise.
 * - The request itself, once identity named its consumer, is refused 403 CORS_ORIGIN_NOT_ALLOWED
 *   when its origin is not that consumer's: before it is parsed, priced or run.
 * - Every other answer of /graphql to an allowed origin carries Access-Control-Allow-Origin (that
 *   origin, never `*`) and the exposed headers, refusals of identity included, so a page can read
 *   why it was refused; the CORS refusal carries none.
 * Requests without `Origin` (servers, command lines) and same-origin pages (the embedded explorer)
 * are not cross-origin and pass unchecked.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../../context';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule, GovernedRequest } from '../module';
import type { CorsPolicy } from './cors-policy';

export interface CorsModule extends GovernanceModule {
  /** Answers the preflight of `/graphql` and adds the CORS headers to its answers (call before the app is ready). */
  register(app: FastifyInstance): void;
}

const GRAPHQL_PATH = '/graphql';

export function createCorsModule(policy: CorsPolicy): CorsModule {
  // Requests this module refused: their answers carry no CORS header.
  const refused = new WeakSet<GatewayContext>();

  return {
    name: 'cors',
    onRequest(request: GovernedRequest) {
      const origin = crossOrigin(request.headers);
      if (origin === null) return;
      const consumer = request.context.consumer;
      if (policy.allows(origin, consumer?.id ?? null)) return;
      refused.add(request.context);
      throw new GovernanceError(
        GovernanceCode.CORS_ORIGIN_NOT_ALLOWED,
        consumer
          ? `Consumer "${consumer.id}" may not be called from origin ${origin}`
          : `Origin ${origin} is not allowed`,
        { status: 403, details: { origin } },
      );
    },
    register(app) {
      app.options(GRAPHQL_PATH, (request, reply) => {
        const origin = headerOf(request.headers, 'origin');
        // Not a preflight (no Origin or no requested method): say what the path answers.
        if (origin === undefined || !headerOf(request.headers, 'access-control-request-method'))
          return reply.code(204).header('allow', 'GET, POST, OPTIONS').send();
        reply.header('vary', 'Origin');
        if (!policy.allowsForSomeConsumer(origin)) {
          const refusal = new GovernanceError(
            GovernanceCode.CORS_ORIGIN_NOT_ALLOWED,
            `Origin ${origin} is not allowed`,
            { status: 403, details: { origin } },
          );
          return reply.code(403).send(refusal.toResponseBody());
        }
        return reply.code(204).headers(policy.preflightHeaders(origin)).send();
      });

      // No origin allowed anywhere: no answer carries a CORS header, and this hook costs nothing.
      if (!policy.anyOrigin) return;
      app.addHook('onSend', (request, reply, payload, done) => {
        // routeOptions is built on each read, so it is read last.
        if (request.method !== 'OPTIONS' && request.routeOptions.url === GRAPHQL_PATH) {
          // The answer depends on Origin whether or not this one carries it: caches must keep them apart.
          reply.header('vary', varyWithOrigin(reply.getHeader('vary')));
          const origin = headerOf(request.headers, 'origin');
          const context = request.gatewayContext;
          if (
            origin !== undefined &&
            policy.allowsForSomeConsumer(origin) &&
            !(context && refused.has(context))
          )
            reply.headers(policy.responseHeaders(origin));
        }
        done(null, payload);
      });
    },
  };
}

/** The request's Origin when it names another origin than the gateway's own; null for none or the same. */
function crossOrigin(headers: GovernedRequest['headers']): string | null {
  const origin = headerOf(headers, 'origin');
  if (origin === undefined) return null;
  // Browsers send Sec-Fetch-Site (a header no page can set); the Host comparison covers older ones.
  if (headerOf(headers, 'sec-fetch-site') === 'same-origin') return null;
  const host = headerOf(headers, 'host')?.toLowerCase();
  return host !== undefined && hostOf(origin) === host ? null : origin;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function headerOf(headers: GovernedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function varyWithOrigin(current: unknown): string {
  const listed = typeof current === 'string' && current ? current.split(/\s*,\s*/) : [];
  return listed.some((name) => name.toLowerCase() === 'origin' || name === '*')
    ? listed.join(', ')
    : [...listed, 'Origin'].join(', ');
}
