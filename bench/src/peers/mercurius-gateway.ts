/**
 * Would-be peer: the Mercurius gateway (@mercuriusjs/gateway on Fastify, JIT on). It implements
 * Apollo Federation 1 and builds its schema from each subgraph's `_service { sdl }`; bench/README.md
 * says what happens with Switchyard's Federation 2 subgraphs. Run on its own with
 * `npm run bench -- --peers mercurius-gateway` to see it again.
 * Environment: BENCH_SUBGRAPH_URLS (JSON: name → URL), BENCH_SERVICE_IDENTITIES (JSON: name → the
 * signed header for its SDL fetch), PORT. Forwards `x-switchyard-identity-<subgraph>` to each subgraph.
 */
import type { IncomingHttpHeaders } from 'node:http';
import Fastify from 'fastify';
import mercuriusGateway from '@mercuriusjs/gateway';

const IDENTITY_HEADER = 'x-switchyard-identity';

async function main() {
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<string, string>;
  const identities = JSON.parse(process.env.BENCH_SERVICE_IDENTITIES!) as Record<string, string>;
  const app = Fastify({ logger: false });
  await app.register(mercuriusGateway, {
    jit: 1,
    gateway: {
      retryServicesCount: 0,
      services: Object.entries(urls).map(([name, url]) => ({
        name,
        url,
        mandatory: true,
        initHeaders: { [IDENTITY_HEADER]: identities[name] },
        rewriteHeaders: (headers: IncomingHttpHeaders) => ({
          [IDENTITY_HEADER]: headers[`${IDENTITY_HEADER}-${name}`],
        }),
      })),
    },
  });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
