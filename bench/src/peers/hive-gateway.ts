/**
 * Peer: Hive Gateway (@graphql-hive/gateway's runtime on node:http, as its CLI serves it with one
 * process, `--fork 1`), defaults otherwise. Configured with what the workloads need: forwarding the
 * caller's signed identity header to subgraphs, and the partner's manifest as persisted documents
 * (Hive Gateway has no APQ; it looks a `extensions.persistedQuery.sha256Hash` up in its documents).
 * Environment: SUPERGRAPH_FILE (composed SDL), PORT, BENCH_MANIFEST_FILE.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const IDENTITY_HEADER = 'x-switchyard-identity';

const manifest = JSON.parse(readFileSync(process.env.BENCH_MANIFEST_FILE!, 'utf8')) as {
  operations: { id: string; body: string }[];
};
const documents = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));

const runtime = createGatewayRuntime({
  supergraph: process.env.SUPERGRAPH_FILE!,
  logging: false,
  propagateHeaders: {
    // The identity the bench signed for this subgraph (each accepts only its own).
    fromClientToSubgraphs: ({ request, subgraphName }) => ({
      [IDENTITY_HEADER]: request.headers.get(`${IDENTITY_HEADER}-${subgraphName}`),
    }),
  },
  persistedDocuments: {
    getPersistedOperation: (id: string) => documents.get(id) ?? null,
    allowArbitraryDocuments: true,
  },
});

// whatwg-node's adapter is a Node request listener that answers its own errors.
// eslint-disable-next-line @typescript-eslint/no-misused-promises
const server = createServer(runtime);
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => {
  server.closeAllConnections();
  server.close(() => {
    void Promise.resolve(runtime.dispose()).finally(() => process.exit(0));
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
