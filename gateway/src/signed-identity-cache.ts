import { signIdentity, type CallerIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';

/** How long a signed identity header is valid (seconds), as `signIdentity` signs it by default. */
export const IDENTITY_TTL_SECONDS = 60;
/** Distinct identities kept; beyond, the cache starts over (consumers are configured, so this is a safety bound). */
const MAX_ENTRIES = 10_000;

/** Who the gateway calls for when no consumer was identified (an ungoverned gateway): subgraphs treat a service as internal. */
export const GATEWAY_SERVICE_IDENTITY: Omit<CallerIdentity, 'exp'> = {
  id: 'service:gateway',
  kind: 'service',
  scopes: [],
  tenant: null,
};

/** The identity forwarded for a consumer: only what subgraphs decide rows by, nothing of its credentials. */
export function callerIdentityOf(consumer: Consumer | null): Omit<CallerIdentity, 'exp'> {
  if (!consumer) return GATEWAY_SERVICE_IDENTITY;
  const { id, kind, scopes, tenant, principal } = consumer;
  return {
    id,
    kind,
    scopes: [...scopes],
    tenant,
    ...(principal !== undefined ? { principal } : {}),
  };
}

/**
 * The signed `x-switchyard-identity` header per caller identity (id, kind, scopes, tenant, principal),
 * signed once and signed again at half its TTL: one HMAC per consumer every 30 s instead of one per
 * subgraph call, while a header sent is always valid for at least half its TTL.
 */
export class SignedIdentityCache {
  private readonly entries = new Map<string, { header: string; resignAt: number }>();
  /** Each consumer object's key, built once: consumers are frozen (governance/identity/identity.ts), and a configured one is the same object on every request. */
  private readonly keys = new WeakMap<Consumer, string>();

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds = IDENTITY_TTL_SECONDS,
    private readonly now: () => number = Date.now,
  ) {}

  headerFor(consumer: Consumer | null): string {
    const key = consumer ? this.keyOf(consumer) : '';
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && now < cached.resignAt) return cached.header;
    if (!cached && this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const header = signIdentity(callerIdentityOf(consumer), this.secret, this.ttlSeconds);
    this.entries.set(key, { header, resignAt: now + (this.ttlSeconds * 1000) / 2 });
    return header;
  }

  private keyOf(consumer: Consumer): string {
    let key = this.keys.get(consumer);
    if (key === undefined) this.keys.set(consumer, (key = identityKey(consumer)));
    return key;
  }
}

/** Everything of a consumer that goes into its signed identity, as one string. */
function identityKey({ id, kind, scopes, tenant, principal }: Consumer): string {
  const rows = tenant
    ? `${tenant.customerIds.join('\u0001')}\u0002${tenant.carrierIds.join('\u0001')}`
    : '*';
  return `${id}\u0000${kind}\u0000${principal ?? ''}\u0000${principal === undefined ? 0 : 1}\u0000${scopes.join('\u0001')}\u0000${rows}`;
}
