/**
 * Who sends the bench's requests. Every request carries both credentials a gateway may need, so
 * every gateway receives the same HTTP request: `x-api-key` (Switchyard governed identifies the
 * consumer by it, governance.bench.yaml) and the signed identities the subgraphs require, one per
 * subgraph since each accepts only one signed for it (`aud`): `x-switchyard-identity-<subgraph>`,
 * which the peers forward to that subgraph as `x-switchyard-identity` (Switchyard signs its own from
 * the consumer). All name the same consumer with the same scopes and tenant, so every subgraph sees
 * the same caller.
 */
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../../scripts/subgraphs';
import { IDENTITY_HEADER, signIdentity, type CallerIdentity } from '@switchyard/kit';
import { BENCH_IDENTITY_SECRET } from './processes';

export const GOVERNANCE_FILE = path.join(__dirname, '..', 'governance.bench.yaml');

export interface BenchConsumer {
  apiKey: string;
  identity: Omit<CallerIdentity, 'exp'>;
}

/** As declared in governance.bench.yaml. */
export const consumers = {
  internal: {
    apiKey: 'bench-internal',
    identity: {
      id: 'bench-internal',
      kind: 'internal',
      scopes: ['orders:read', 'finance:read', 'credit:read'],
      tenant: null,
    },
  },
  partner: {
    apiKey: 'bench-partner',
    identity: {
      id: 'bench-partner',
      kind: 'distributor',
      scopes: ['orders:read', 'finance:read'],
      tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
    },
  },
  admin: {
    apiKey: 'bench-admin',
    identity: { id: 'bench-admin', kind: 'internal', scopes: ['governance:admin'], tenant: null },
  },
} satisfies Record<string, BenchConsumer>;

/** The partner's customer account: workload 3 asks for its orders only. */
export const PARTNER_CUSTOMER = 'CUS-0001';

/** The request header a peer forwards to `subgraph` as x-switchyard-identity. */
export const identityHeaderFor = (subgraph: string) => `${IDENTITY_HEADER}-${subgraph}`;

/** The headers of a request sent as `consumer`; the identities are valid for `ttlSeconds` (longer than a run). */
export function headersOf(consumer: BenchConsumer, ttlSeconds = 6 * 3600): Record<string, string> {
  const identities = SUBGRAPH_NAMES.map((name) => [
    identityHeaderFor(name),
    signIdentity({ ...consumer.identity, aud: name }, BENCH_IDENTITY_SECRET, ttlSeconds),
  ]);
  return { 'x-api-key': consumer.apiKey, ...Object.fromEntries(identities) };
}

/** What the bench sends `subgraph` itself: its /bench routes, the Mercurius gateway's SDL fetch (real subgraphs refuse unsigned requests). */
export function serviceHeaders(subgraph: string): Record<string, string> {
  return {
    [IDENTITY_HEADER]: signIdentity(
      { id: 'service:bench', kind: 'service', scopes: [], tenant: null, aud: subgraph },
      BENCH_IDENTITY_SECRET,
      6 * 3600,
    ),
  };
}
