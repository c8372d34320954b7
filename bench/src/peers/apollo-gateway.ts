/**
 * Peer: stock @apollo/gateway on @apollo/server's standalone HTTP server, every setting at its
 * default (APQ with its in-memory cache, landing page, CSRF prevention, the gateway's own fetcher).
 * The one addition is what any deployment needs: forwarding the caller's signed identity header
 * (Apollo's documented recipe, `willSendRequest` on a RemoteGraphQLDataSource; the one the bench
 * signed for each subgraph, `x-switchyard-identity-<subgraph>`), and loading the
 * supergraph at all: @apollo/gateway refuses one that links `for: SECURITY` features it does not
 * enforce (@authenticated, @requiresScopes), so, as Switchyard does, they are declared as ordinary
 * features (the stock gateway then ignores them: it authorizes nothing).
 * Environment: SUPERGRAPH_FILE (composed SDL), PORT.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { supergraphForExecution } from '@switchyard/gateway/src/security-features';

const IDENTITY_HEADER = 'x-switchyard-identity';

interface Context {
  headers: Record<string, string | string[] | undefined>;
}

async function main() {
  const gateway = new ApolloGateway({
    // Waived: the stock gateway authorizes nothing, as a peer measured without governance.
    supergraphSdl: supergraphForExecution(
      readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8'),
      'waived',
    ),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          const identity = context.headers?.[`${IDENTITY_HEADER}-${name}`];
          if (typeof identity === 'string') request.http?.headers.set(IDENTITY_HEADER, identity);
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: Number(process.env.PORT) },
    context: async ({ req }) => ({ headers: req.headers }),
  });
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
