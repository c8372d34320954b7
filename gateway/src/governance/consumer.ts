/** Who is calling: every request is served on behalf of one consumer declared in the governance config. */
export const CONSUMER_KINDS = ['internal', 'portal', 'ecommerce', 'distributor', '3pl'] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/** allow: anything; audit: anything, unknown operations recorded; persisted-only: registered operations only. */
export const PERSISTED_OPERATION_MODES = ['allow', 'audit', 'persisted-only'] as const;
export type PersistedOperationsMode = (typeof PERSISTED_OPERATION_MODES)[number];

/** The rows a consumer may see; null for internal consumers, who see every row. */
export interface Tenant {
  /** Customer accounts (Customer.id) whose rows it may see. */
  customerIds: string[];
  /** Carriers (Carrier.id) whose shipments it may see (3PLs). */
  carrierIds: string[];
}

export interface Consumer {
  id: string;
  name: string;
  kind: ConsumerKind;
  /** Scopes it holds, matched against `@requiresScopes` in the supergraph. */
  scopes: string[];
  tenant: Tenant | null;
  /** Rate tier: selects the operation limits and rate budgets. */
  tier: string;
  persistedOperations: PersistedOperationsMode;
  /** The contract variant (a set of @tag names) it is served, or null for the full API. */
  contract: string | null;
  /** Requests must carry `apollographql-client-name`. */
  requireClientName: boolean;
  /** Requests must name their operation. */
  requireOperationName: boolean;
  /** The end user on whose behalf it calls, when a JWT says so (its `sub`). */
  principal?: string;
  /**
   * The B2B customer the signed-in end user buys for, when an end-user token says so
   * (identity/end-user-tokens.ts): rows are then that customer's only.
   */
  endUserCustomerId?: string;
}

/**
 * What the admin API tells of a consumer (GET /admin/consumers, GET /admin/whoami): who it is and
 * what it may do, never how it signs in.
 */
export function describeConsumer(consumer: Consumer) {
  return {
    id: consumer.id,
    name: consumer.name,
    kind: consumer.kind,
    tier: consumer.tier,
    scopes: consumer.scopes,
    contract: consumer.contract,
    tenant: consumer.tenant,
    persistedOperations: consumer.persistedOperations,
  };
}
