/**
 * The gateways the bench compares, and how each one is started: one process each (no cluster), all
 * on the same supergraph file and the same subgraph processes. The first is the baseline every
 * ratio is taken against.
 */
import path from 'node:path';
import { consumers, GOVERNANCE_FILE, serviceHeaders } from '../consumers';
import { manifestOf, type Workload } from '../workloads';

export type PeerName =
  | 'apollo-gateway'
  | 'hive-gateway'
  | 'switchyard(governed)'
  | 'switchyard(ungoverned)'
  | 'switchyard(governed,dedup)'
  | 'mercurius-gateway';

export interface PeerContext {
  root: string;
  /** The composed supergraph every peer serves (routing URLs of the subgraph set under test). */
  supergraphFile: string;
  /** The partner's persisted query manifest (Apollo's format). */
  manifestFile: string;
  subgraphUrls: Record<string, string>;
}

export interface PeerDefinition {
  name: PeerName;
  description: string;
  entry: string;
  env(context: PeerContext): Record<string, string>;
  /**
   * How it serves workload 3 (an operation by its sha-256): `apq` registers it by sending the text
   * once; `registered` knows it before the first request; a string says why it cannot.
   */
  persisted: 'apq' | 'registered' | { unsupported: string };
  /** Once it is ready, before the first request (e.g. registering the partner's manifest). */
  prepare?(origin: string, workloads: Workload[]): Promise<void>;
}

const here = (file: string) => path.join(__dirname, file);
const switchyardMain = (context: PeerContext) =>
  path.join(context.root, 'gateway', 'src', 'main.ts');

export const PEERS: PeerDefinition[] = [
  {
    name: 'apollo-gateway',
    description:
      'stock @apollo/gateway on @apollo/server standalone, defaults; forwards the identity header',
    entry: here('apollo-gateway.ts'),
    env: ({ supergraphFile }) => ({ SUPERGRAPH_FILE: supergraphFile }),
    persisted: 'apq',
  },
  {
    name: 'hive-gateway',
    description:
      'Hive Gateway runtime on node:http, defaults; forwards the identity header; persisted documents from the manifest',
    entry: here('hive-gateway.ts'),
    env: ({ supergraphFile, manifestFile }) => ({
      SUPERGRAPH_FILE: supergraphFile,
      BENCH_MANIFEST_FILE: manifestFile,
    }),
    persisted: 'registered',
  },
  governedSwitchyard(
    'switchyard(governed)',
    'gateway/src/main.ts with bench/governance.bench.yaml: identity, authorization, persisted operations, limits, rate budgets, usage, audit, contracts (in-memory store); subgraph deduplication off',
    false,
  ),
  // Deduplication shares the subgraph calls of concurrent identical requests, which the bench's small
  // variable pools make frequent: its own row, never the headline (issue 18).
  governedSwitchyard(
    'switchyard(governed,dedup)',
    'switchyard(governed) with in-flight deduplication of identical subgraph queries on (SUBGRAPH_DEDUPLICATION=1, the gateway default)',
    true,
  ),
  {
    name: 'switchyard(ungoverned)',
    description:
      'gateway/src/main.ts without a governance file, SWITCHYARD_UNGOVERNED=1; subgraph deduplication off',
    entry: '',
    // Explicitly ungoverned: without it the gateway refuses a supergraph declaring @requiresScopes.
    env: ({ supergraphFile }) => ({
      SUPERGRAPH_FILE: supergraphFile,
      LOG_LEVEL: 'silent',
      SWITCHYARD_UNGOVERNED: '1',
      SUBGRAPH_DEDUPLICATION: '0',
    }),
    persisted: {
      unsupported:
        'no APQ without the persisted-operations module (createGateway sets persistedQueries: false)',
    },
  },
  {
    name: 'mercurius-gateway',
    description: '@mercuriusjs/gateway (Federation 1) on Fastify, JIT on',
    entry: here('mercurius-gateway.ts'),
    env: ({ subgraphUrls }) => ({
      BENCH_SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
      BENCH_SERVICE_IDENTITIES: JSON.stringify(
        Object.fromEntries(
          Object.keys(subgraphUrls).map((name) => [
            name,
            serviceHeaders(name)['x-switchyard-identity'],
          ]),
        ),
      ),
    }),
    persisted: { unsupported: 'no persisted documents configured' },
  },
];

/** The entry file a peer runs (Switchyard's own main for both Switchyard peers). */
export const entryOf = (peer: PeerDefinition, context: PeerContext) =>
  peer.entry || switchyardMain(context);

/** The peers `npm run bench` measures by default; Mercurius only on request (see bench/README.md). */
export const DEFAULT_PEERS: PeerName[] = [
  'apollo-gateway',
  'hive-gateway',
  'switchyard(governed)',
  'switchyard(ungoverned)',
];

/** The governed Switchyard peer, its subgraph deduplication off (as every other measured gateway's requests) or on. */
function governedSwitchyard(
  name: PeerName,
  description: string,
  deduplicate: boolean,
): PeerDefinition {
  return {
    name,
    description,
    entry: '',
    env: ({ supergraphFile }) => ({
      SUPERGRAPH_FILE: supergraphFile,
      GOVERNANCE_FILE,
      // As before the SQLite default: results stay comparable, and no run inherits another's state.
      GOVERNANCE_STORE: 'memory',
      LOG_LEVEL: 'silent',
      SUBGRAPH_DEDUPLICATION: deduplicate ? '1' : '0',
    }),
    persisted: 'registered',
    async prepare(origin, workloads) {
      const response = await fetch(
        `${origin}/admin/consumers/${consumers.partner.identity.id}/operations`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': consumers.admin.apiKey },
          body: JSON.stringify(manifestOf(workloads)),
        },
      );
      if (!response.ok)
        throw new Error(
          `${name} refused the partner's manifest: ${response.status} ${await response.text()}`,
        );
    },
  };
}
