/**
 * What the gateway serves a person with a browser: the embedded explorer (GraphiQL from the
 * gateway's own node_modules, no CDN) at GET /graphql when the governance config's
 * `explorer.enabled` is true, its files under /explorer/, and a front page at GET /.
 * Apollo Server's own landing page (loaded from a CDN) is switched off in server.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createAssetServer, EXPLORER_ASSET_PATH } from './explorer-assets';
import {
  EXPLORER_PAGE,
  PAGE_HEADERS,
  frontPageHtml,
  frontPageJson,
  type FrontPageLinks,
} from './explorer-pages';

export interface ExplorerPage {
  /** A browser opening /graphql (GET, HTML accepted, no GraphQL parameters): the explorer, not a GraphQL request. */
  wanted(request: FastifyRequest): boolean;
  send(reply: FastifyReply): FastifyReply;
}

/** Registers GET / and, when the explorer is enabled, its files; the explorer page for GET /graphql, or null when it is off. */
export function registerExplorer(app: FastifyInstance, links: FrontPageLinks): ExplorerPage | null {
  app.get('/', async (request, reply) =>
    acceptsHtml(request)
      ? reply.headers(PAGE_HEADERS).send(frontPageHtml(links))
      : reply.send(frontPageJson(links)),
  );
  if (!links.explorer) return null;

  const serveAsset = createAssetServer();
  app.get<{ Params: { name: string } }>(`${EXPLORER_ASSET_PATH}/:name`, (request, reply) =>
    serveAsset(request.params.name, request, reply),
  );
  return {
    wanted: (request) =>
      request.method === 'GET' && acceptsHtml(request) && !hasGraphQLParameters(request.query),
    send: (reply) => reply.headers(PAGE_HEADERS).send(EXPLORER_PAGE),
  };
}

/** What a browser navigating sends (`text/html,application/xhtml+xml,...`); GraphQL clients ask for JSON. */
function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.split(',').some((type) => type.trim().toLowerCase().startsWith('text/html'));
}

const GRAPHQL_PARAMETERS = [
  'query',
  'extensions',
  'documentId',
  'id',
  'operationName',
  'variables',
];

function hasGraphQLParameters(query: unknown): boolean {
  return (
    typeof query === 'object' &&
    query !== null &&
    GRAPHQL_PARAMETERS.some((name) => Object.hasOwn(query, name))
  );
}
