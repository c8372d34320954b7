import { SignedIdentityCache, type CallerIdentity } from '@switchyard/kit';
import type { Consumer } from './governance/consumer';

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
  const { id, kind, scopes, tenant, principal, endUserCustomerId } = consumer;
  return {
    id,
    kind,
    scopes: [...scopes],
    tenant,
    ...(principal !== undefined ? { principal } : {}),
    ...(endUserCustomerId !== undefined ? { endUserCustomerId } : {}),
  };
}

/**
 * The signed x-switchyard-identity headers the gateway forwards for each consumer (null: the gateway
 * itself), one per consumer and subgraph: `headerFor(consumer, subgraphName)`.
 */
export function forwardedIdentityHeaders(
  secret: string,
  now?: () => number,
): SignedIdentityCache<Consumer | null> {
  // Each consumer object's key, built once: consumers are frozen (identity.ts), and a configured one is the same object on every request.
  const keys = new WeakMap<Consumer, string>();
  return new SignedIdentityCache<Consumer | null>({
    secret,
    identityOf: callerIdentityOf,
    keyOf: (consumer) => {
      if (!consumer) return '';
      let key = keys.get(consumer);
      if (key === undefined) keys.set(consumer, (key = identityKey(consumer)));
      return key;
    },
    now,
  });
}

/** Everything of a consumer that goes into its signed identity, as one string. */
function identityKey({ id, kind, scopes, tenant, principal, endUserCustomerId }: Consumer): string {
  const rows = tenant
    ? `${tenant.customerIds.join('\u0001')}\u0002${tenant.carrierIds.join('\u0001')}`
    : '*';
  const endUser = endUserCustomerId === undefined ? '0' : `1${endUserCustomerId}`;
  return `${id}\u0000${kind}\u0000${principal ?? ''}\u0000${principal === undefined ? 0 : 1}\u0000${scopes.join('\u0001')}\u0000${rows}\u0000${endUser}`;
}
