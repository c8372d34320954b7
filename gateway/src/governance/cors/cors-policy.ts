/**
 * Which web origins may call /graphql, and the CORS headers each answer carries. The top-level
 * origins are every consumer's; a consumer's own are its alone. A preflight carries no credentials,
 * so it is answered for any origin some consumer may be called from; the request that follows is
 * then checked against the consumer its credentials name (cors.ts).
 */
import { CORRELATION_HEADER } from '@switchyard/kit';
import { BROWNOUT_HEADER } from '../deprecations/deprecation-headers';
import { END_USER_TOKEN_HEADER } from '../identity/end-user-tokens';
import { API_KEY_HEADER } from '../identity/identity';
import type { CorsConfig } from './cors-config';

/** Request headers a page may send: credentials, content negotiation, client and trace identification. */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'content-type',
  'authorization',
  API_KEY_HEADER,
  // A signed-in buyer's token, beside the storefront's key.
  END_USER_TOKEN_HEADER,
  CORRELATION_HEADER,
  'apollographql-client-name',
  'apollographql-client-version',
  // Apollo's clients send these to pass Apollo Server's CSRF prevention.
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
  'tracestate',
];

/** Response headers a page may read besides the CORS-safelisted ones: budgets, deprecations, correlation. */
export const CORS_EXPOSED_HEADERS = [
  CORRELATION_HEADER,
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Deprecation',
  'Sunset',
  'Link',
  BROWNOUT_HEADER,
];

export interface CorsPolicy {
  /** Whether any origin is allowed at all (none: cross-origin browser calls are refused, and no CORS header is sent). */
  readonly anyOrigin: boolean;
  /** Some consumer may be called from `origin`: what a preflight, which carries no credentials, is answered for. */
  allowsForSomeConsumer(origin: string): boolean;
  /** `consumerId` may be called from `origin` (the top-level origins and its own); null, no consumer known: the top-level ones. */
  allows(origin: string, consumerId: string | null): boolean;
  /** The headers of a successful preflight from `origin`. */
  preflightHeaders(origin: string): Record<string, string>;
  /** The CORS headers of an answer to a request from `origin`, once it is allowed. */
  responseHeaders(origin: string): Record<string, string>;
}

export function createCorsPolicy(
  config: CorsConfig,
  consumers: { id: string; origins: string[] }[],
): CorsPolicy {
  const sharedOrigins = new Set(config.origins);
  const ownOrigins = new Map(consumers.map(({ id, origins }) => [id, new Set(origins)]));
  const originsOfSomeConsumer = new Set([
    ...sharedOrigins,
    ...consumers.flatMap(({ origins }) => origins),
  ]);
  // Never `*`: the answer names the one origin allowed, so caches must key it by Origin.
  const credentials: Record<string, string> = config.allowCredentials
    ? { 'access-control-allow-credentials': 'true' }
    : {};
  return {
    anyOrigin: originsOfSomeConsumer.size > 0,
    allowsForSomeConsumer: (origin) => originsOfSomeConsumer.has(origin),
    allows: (origin, consumerId) =>
      sharedOrigins.has(origin) ||
      (consumerId !== null && (ownOrigins.get(consumerId)?.has(origin) ?? false)),
    preflightHeaders: (origin) => ({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
      'access-control-max-age': String(config.maxAgeSeconds),
      ...credentials,
    }),
    responseHeaders: (origin) => ({
      'access-control-allow-origin': origin,
      'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '),
      ...credentials,
    }),
  };
}
