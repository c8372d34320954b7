/**
 * Who sends the bench's requests. Every request carries both credentials a gateway may need, so
 * every gateway receives the same HTTP request: `x-api-key` (Switchyard governed identifies the
 * consumer by it, governance.bench.yaml) and `x-switchyard-identity`, the signed identity the
 * subgraphs require, which the peers forward as it is (Switchyard signs its own from the consumer).
 * Both name the same consumer with the same scopes and tenant, so every subgraph sees the same caller.
 */
import path from 'node:path';
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  signIdentity,
  type CallerIdentity,
} from '@switchyard/kit';

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

/** The headers of a request sent as `consumer`; the identity is valid for `ttlSeconds` (longer than a run). */
export function headersOf(consumer: BenchConsumer, ttlSeconds = 6 * 3600): Record<string, string> {
  return {
    'x-api-key': consumer.apiKey,
    [IDENTITY_HEADER]: signIdentity(consumer.identity, DEVELOPMENT_IDENTITY_SECRET, ttlSeconds),
  };
}

/** What the bench sends a subgraph's /bench routes (real subgraphs refuse unsigned requests). */
export function serviceHeaders(): Record<string, string> {
  return {
    [IDENTITY_HEADER]: signIdentity(
      { id: 'service:bench', kind: 'service', scopes: [], tenant: null },
      DEVELOPMENT_IDENTITY_SECRET,
      6 * 3600,
    ),
  };
}
