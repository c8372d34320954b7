/**
 * `GET /admin/supergraph` (behind admin authentication, with the other /admin routes): which
 * supergraph the gateway serves (registry version, ETag, loaded at, or the file), which published
 * versions it refused and why, and whether the registry answers.
 */
import type { FastifyInstance } from 'fastify';
import type { SupergraphOrigin } from './supergraph-origin';

export function registerSupergraphAdminRoute(
  admin: FastifyInstance,
  origin: SupergraphOrigin,
): void {
  admin.get('/supergraph', async () => origin.status());
}
