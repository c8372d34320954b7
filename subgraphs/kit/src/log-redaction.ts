import type { LoggerOptions } from 'pino';

/** Request headers that carry a credential or the signed identity: never written to a log. */
export const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-switchyard-identity',
  'cookie',
  'set-cookie',
] as const;

/**
 * Where a credential or a GraphQL document with its variables could sit in a log object, for
 * pino's `redact`: headers (as Fastify's `req`/`res` or a bare `headers` object) and request bodies.
 */
export const LOG_REDACT_PATHS: string[] = [
  ...CREDENTIAL_HEADERS.flatMap((header) => [
    `req.headers["${header}"]`,
    `res.headers["${header}"]`,
    `headers["${header}"]`,
    `request.headers["${header}"]`,
  ]),
  'req.body',
  'request.body',
  'body',
  'query',
  'variables',
];

export const REDACTED = '[redacted]';

/** What a log line says about an HTTP request: no headers, no body, and the path without its query string (a GET carries the document and variables there). */
export function requestForLog(request: {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
}): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url?.split('?')[0],
    remoteAddress: request.ip,
    id: request.id,
  };
}

/** The pino options of every Switchyard process (gateway, subgraphs): one redaction for all. */
export function logOptions(name: string, level: string): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
    serializers: { req: requestForLog },
  };
}
