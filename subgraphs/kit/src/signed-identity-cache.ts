import { LRUCache } from 'lru-cache';
import { IDENTITY_LIFETIME_SECONDS, signIdentity, type CallerIdentity } from './identity-header';

export interface SignedIdentityCacheOptions<Caller> {
  /** The secret every subgraph verifies x-switchyard-identity with. */
  secret: string;
  /** What is signed for a caller: only what subgraphs decide rows by (the audience is added per subgraph). */
  identityOf(caller: Caller): Omit<CallerIdentity, 'exp'>;
  /** Everything of a caller that goes into its identity, as one string: callers with one key share a header. */
  keyOf(caller: Caller): string;
  /** Identities kept; beyond, the least recently used is signed again when next needed. Default 10,000. */
  maxIdentities?: number;
  /** Epoch milliseconds. Default Date.now. */
  now?: () => number;
}

/**
 * Signed `x-switchyard-identity` headers, one per identity and audience (the subgraph it is sent
 * to, which accepts no other's), signed again once half of IDENTITY_LIFETIME_SECONDS has passed:
 * one HMAC per identity and subgraph every 30 s instead of one per call, and a header handed out
 * is always valid for at least another 30 s. The one signer of both the gateway's forwarded
 * identities and the kit's service-to-service calls.
 */
export class SignedIdentityCache<Caller> {
  private readonly headers: LRUCache<string, { header: string; resignAt: number }>;
  private readonly now: () => number;

  constructor(private readonly options: SignedIdentityCacheOptions<Caller>) {
    this.headers = new LRUCache({ max: options.maxIdentities ?? 10_000 });
    this.now = options.now ?? Date.now;
  }

  /** The header `caller` sends to the subgraph named `audience`. */
  headerFor(caller: Caller, audience: string): string {
    // The audience first: a subgraph name holds no NUL, so no two (audience, caller) pairs share a key.
    const key = `${audience}\u0000${this.options.keyOf(caller)}`;
    const now = this.now();
    const cached = this.headers.get(key);
    if (cached && now < cached.resignAt) return cached.header;
    const { secret, identityOf } = this.options;
    const identity = { ...identityOf(caller), aud: audience };
    const header = signIdentity(identity, secret, IDENTITY_LIFETIME_SECONDS, now);
    this.headers.set(key, { header, resignAt: now + (IDENTITY_LIFETIME_SECONDS * 1000) / 2 });
    return header;
  }
}
