/**
 * The web console, served by the gateway at /console: same origin as /graphql and /admin/*, so the
 * page sends the signed-in key to the APIs it reads with no CORS and no second data path. Its files
 * are console/dist, built at install time (the root `prepare` script); nothing is fetched at run
 * time. The registry's routes are reached through /console/api/registry/*, a proxy that forwards
 * the caller's credentials (the registry authenticates and authorizes them itself).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceCode } from '../governance/errors';

export const CONSOLE_PATH = '/console';
export const CONSOLE_REGISTRY_PROXY_PATH = '/console/api/registry';

export interface ConsoleRouteOptions {
  /** The built console (console/dist). */
  dir: string;
  /** The registry the proxy forwards to; null: the proxy answers 503. */
  registryUrl: string | null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// The console runs only its own scripts; inline styles are React's and uPlot's.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** Headers of a console request the registry needs: who is calling and what it sends. */
const FORWARDED_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'accept',
  'x-correlation-id',
];

function unavailable(reply: FastifyReply, message: string) {
  return reply
    .code(503)
    .send({ errors: [{ message, extensions: { code: GovernanceCode.SERVICE_UNAVAILABLE } }] });
}

export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): void {
  const files = new Map<string, Promise<Buffer | null>>();
  // Each file is read once; a missing one is remembered as missing (dist/ changes only with a rebuild and restart).
  const load = (name: string) => {
    let file = files.get(name);
    if (!file) {
      file = readFile(path.join(options.dir, name)).catch(() => null);
      files.set(name, file);
    }
    return file;
  };

  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
    const index = await load('index.html');
    if (!index)
      return unavailable(
        reply,
        `The console is not built (${options.dir} has no index.html): npm install builds it, or npm run build --workspace console`,
      );
    return reply
      .header('content-type', CONTENT_TYPES['.html'])
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .send(index);
  };
  app.get(CONSOLE_PATH, sendIndex);
  app.get(`${CONSOLE_PATH}/`, sendIndex);

  app.get<{ Params: { file: string } }>(`${CONSOLE_PATH}/assets/:file`, async (request, reply) => {
    const { file } = request.params;
    const type = CONTENT_TYPES[path.extname(file)];
    // Vite names every asset with its content hash: a plain name, served for a year.
    const content = /^[\w.-]+$/.test(file) && type ? await load(path.join('assets', file)) : null;
    if (!content)
      return reply.code(404).send({
        errors: [
          { message: `No console asset ${file}`, extensions: { code: GovernanceCode.NOT_FOUND } },
        ],
      });
    return reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(content);
  });

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: `${CONSOLE_REGISTRY_PROXY_PATH}/*`,
    handler: async (request, reply) => {
      if (!options.registryUrl)
        return unavailable(
          reply,
          'This gateway has no registry (REGISTRY_URL): the console cannot show schema changes',
        );
      // The path and query as the caller sent them (still percent-encoded), after the proxy's prefix.
      const rest = request.url.slice(CONSOLE_REGISTRY_PROXY_PATH.length);
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      let answer: Response;
      try {
        answer = await fetch(`${options.registryUrl}${rest}`, {
          method: request.method,
          headers,
          body:
            request.method === 'GET' || request.body === undefined
              ? undefined
              : JSON.stringify(request.body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        return unavailable(reply, `The registry at ${options.registryUrl} did not answer`);
      }
      const type = answer.headers.get('content-type');
      if (type) reply.header('content-type', type);
      return reply.code(answer.status).send(Buffer.from(await answer.arrayBuffer()));
    },
  });
}
