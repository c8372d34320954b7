import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the consumer the gateway serves, signed so subgraphs can trust it. */
export const IDENTITY_HEADER = 'x-switchyard-identity';

/** What a subgraph learns about the caller: the consumer (or a service) and the rows it may see. */
export interface CallerIdentity {
  /** Consumer id, or `service:<name>` for subgraph-to-subgraph calls. */
  id: string;
  kind: 'internal' | 'portal' | 'ecommerce' | 'distributor' | '3pl' | 'service';
  scopes: string[];
  /** null: every row. */
  tenant: { customerIds: string[]; carrierIds: string[] } | null;
  principal?: string;
  /**
   * The one B2B customer the signed-in end user buys for (the customer claim of an end-user token the
   * gateway verified): rows are then that customer's only, whatever else the consumer may see.
   */
  endUserCustomerId?: string;
  /** Seconds since the epoch after which the header is refused (replay bound). */
  exp: number;
}

/**
 * What an x-switchyard-identity header carries: the caller, and `aud`, the name of the one subgraph
 * it was signed for. A header is good at that subgraph only, so one captured at (or leaked by) one
 * subgraph cannot be replayed at another.
 */
export interface SignedIdentity extends CallerIdentity {
  aud: string;
}

/**
 * How long a signed identity is valid (seconds): the bound on replaying a captured header. Every
 * signer uses it (the gateway's forwarding, service-to-service calls); SignedIdentityCache re-signs
 * at half of it.
 */
export const IDENTITY_LIFETIME_SECONDS = 60;

/** `<base64url(json)>.<base64url(hmac-sha256)>`; the payload expires `lifetimeSeconds` after `nowMs`. */
export function signIdentity(
  identity: Omit<SignedIdentity, 'exp'>,
  secret: string,
  lifetimeSeconds = IDENTITY_LIFETIME_SECONDS,
  nowMs = Date.now(),
): string {
  const payload = Buffer.from(
    JSON.stringify({ ...identity, exp: Math.floor(nowMs / 1000) + lifetimeSeconds }),
  ).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

export type IdentityVerification =
  | { ok: true; identity: SignedIdentity }
  | {
      ok: false;
      reason: 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-audience';
    };

/**
 * Checks a header as the subgraph named `audience` must: signed with `secret`, well formed, not
 * expired, and signed for `audience` (a missing or other `aud` is refused as a bad signature is).
 * A header sent twice is malformed: which one would count is not for the caller to choose.
 */
export function verifyIdentity(
  header: string | string[] | undefined,
  secret: string,
  audience: string,
): IdentityVerification {
  if (Array.isArray(header) && header.length > 1) return { ok: false, reason: 'malformed' };
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { ok: false, reason: 'missing' };
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  let identity: SignedIdentity;
  try {
    identity = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof identity?.id !== 'string' ||
    !Array.isArray(identity.scopes) ||
    typeof identity.exp !== 'number' ||
    (identity.endUserCustomerId !== undefined && typeof identity.endUserCustomerId !== 'string')
  )
    return { ok: false, reason: 'malformed' };
  if (identity.exp < Math.floor(Date.now() / 1000)) return { ok: false, reason: 'expired' };
  if (identity.aud !== audience) return { ok: false, reason: 'wrong-audience' };
  return { ok: true, identity };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** The development secret, used when SWITCHYARD_IDENTITY_SECRET is not set; never for production. */
export const DEVELOPMENT_IDENTITY_SECRET = 'switchyard-development-identity-secret';
