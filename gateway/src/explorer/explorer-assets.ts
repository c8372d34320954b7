/**
 * The explorer's static files: the UMD builds of React 18, ReactDOM and GraphiQL 3 as their npm
 * packages ship them (dependencies of the gateway, so nothing is fetched from a CDN), and the
 * explorer's own script. Each is read and gzipped once, on first request, and revalidated by ETag.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPLORER_SCRIPT } from './explorer-script';

const gzipped = promisify(gzip);

/** Where the explorer's files are served from; the explorer page names them under this path. */
export const EXPLORER_ASSET_PATH = '/explorer';

interface AssetSource {
  contentType: string;
  /** The file's text, read when first asked for. */
  load(): Promise<Buffer>;
}

const JS = 'text/javascript; charset=utf-8';

/** A file of an installed package, beside its package.json (the packages do not export their UMD paths). */
const packageFile = (packageJson: string, file: string) => async () =>
  readFile(path.join(path.dirname(packageJson), file));

export const EXPLORER_ASSETS: Record<string, AssetSource> = {
  'react.js': {
    contentType: JS,
    load: packageFile(require.resolve('react/package.json'), 'umd/react.production.min.js'),
  },
  'react-dom.js': {
    contentType: JS,
    load: packageFile(require.resolve('react-dom/package.json'), 'umd/react-dom.production.min.js'),
  },
  'graphiql.js': {
    contentType: JS,
    load: packageFile(require.resolve('graphiql/package.json'), 'graphiql.min.js'),
  },
  'graphiql.css': {
    contentType: 'text/css; charset=utf-8',
    load: packageFile(require.resolve('graphiql/package.json'), 'graphiql.min.css'),
  },
  'explorer.js': { contentType: JS, load: async () => Buffer.from(EXPLORER_SCRIPT) },
};

interface LoadedAsset {
  contentType: string;
  etag: string;
  plain: Buffer;
  gzip: Buffer;
}

/** Serves the explorer's files, each loaded once (concurrent first requests share the load). */
export function createAssetServer(): (
  name: string,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply> {
  const loaded = new Map<string, Promise<LoadedAsset>>();
  const load = (name: string, source: AssetSource) => {
    let asset = loaded.get(name);
    if (!asset) {
      asset = (async () => {
        const plain = await source.load();
        const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`;
        return { contentType: source.contentType, etag, plain, gzip: await gzipped(plain) };
      })();
      // A failed read is retried by the next request rather than remembered.
      asset.catch(() => loaded.delete(name));
      loaded.set(name, asset);
    }
    return asset;
  };

  return async (name, request, reply) => {
    const source = Object.hasOwn(EXPLORER_ASSETS, name) ? EXPLORER_ASSETS[name] : undefined;
    if (!source)
      return reply.code(404).send({
        errors: [{ message: `No explorer file ${name}`, extensions: { code: 'NOT_FOUND' } }],
      });
    const asset = await load(name, source);
    reply.headers({
      'content-type': asset.contentType,
      etag: asset.etag,
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    });
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? ''))
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.plain);
  };
}
