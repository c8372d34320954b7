/**
 * Verifying a JWT from one trusted issuer with jose: the issuer's keys (a JWKS URL, fetched on first
 * use and cached, or an HS256 shared secret), the algorithms they allow, exp (required), nbf, iss and
 * aud. One code path for the consumer's own bearer tokens and for end-user tokens; each names its
 * token in refusals ("The bearer token ...", "The end-user token ...") and builds its own refusal
 * (code, status, challenge). A refusal says precisely what is wrong and never carries the token.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { GovernanceCode, GovernanceError } from '../errors';

/** The keys and checks of one issuer. */
export interface TokenIssuerOptions {
  /** Must equal the token's `iss`. */
  issuer: string;
  /** The token's `aud` must contain this (or one of these). */
  audience: string | string[];
  /** The issuer's JSON Web Key Set (RS*, PS*, ES*, EdDSA tokens); fetched on first use, cached 10 minutes. One of jwksUrl or secret. */
  jwksUrl?: string;
  /** A shared secret (HS256 tokens). One of jwksUrl or secret. */
  secret?: string;
  /** Clock skew tolerated on exp and nbf, in seconds. Default 5. */
  clockToleranceSeconds?: number;
}

/** Builds the refusal of a token (`reason`: a stable word, e.g. `expired`, `bad-signature`). */
export type TokenRefusal = (reason: string, message: string) => GovernanceError;

export interface TokenVerifier {
  readonly issuer: string;
  /** The token's claims once it verified; else throws the refusal (or IDENTITY_PROVIDER_UNAVAILABLE, 503, when the keys cannot be fetched). */
  verify(token: string): Promise<JWTPayload>;
}

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
const SHARED_SECRET_ALGORITHMS = ['HS256'];

/**
 * A verifier of `options`' tokens. `token` names the kind of token in refusals ("bearer token");
 * `refuse` builds each refusal.
 */
export function createTokenVerifier(
  options: TokenIssuerOptions,
  token: string,
  refuse: TokenRefusal,
): TokenVerifier {
  if (!options.jwksUrl === !options.secret)
    throw new Error(`identity: issuer ${options.issuer} needs exactly one of jwksUrl or secret`);
  const { key, algorithms } = options.jwksUrl
    ? { key: remoteKeys(options.jwksUrl), algorithms: ASYMMETRIC_ALGORITHMS }
    : { key: new TextEncoder().encode(options.secret), algorithms: SHARED_SECRET_ALGORITHMS };
  return {
    issuer: options.issuer,
    async verify(jwt) {
      try {
        const { payload } = await jwtVerify(jwt, key as JWTVerifyGetKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms,
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['exp'],
        });
        return payload;
      } catch (error) {
        throw refusalOf(error, { options, algorithms, jwt, token, refuse });
      }
    },
  };
}

/** Failing to fetch keys is the issuer's outage, not the caller's bad token: told apart in refusalOf. */
function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      )
        throw error;
      throw new KeysUnavailable(error);
    }
  };
}

class KeysUnavailable extends Error {
  constructor(readonly reason: unknown) {
    super('the issuer signing keys could not be fetched');
  }
}

/** A precise refusal of a token that did not verify; the token itself is never part of it. */
function refusalOf(
  error: unknown,
  {
    options,
    algorithms,
    jwt,
    token,
    refuse,
  }: {
    options: TokenIssuerOptions;
    algorithms: string[];
    jwt: string;
    token: string;
    refuse: TokenRefusal;
  },
): GovernanceError {
  const name = quoted(options.issuer);
  const The = `The ${token}`;
  if (error instanceof KeysUnavailable) {
    return new GovernanceError(
      GovernanceCode.IDENTITY_PROVIDER_UNAVAILABLE,
      `The signing keys of issuer ${name} could not be fetched; try again`,
      {
        status: 503,
        headers: { 'retry-after': '5' },
        details: { reason: 'keys-unavailable' },
      },
    );
  }
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return refuse(
      'expired',
      typeof exp === 'number'
        ? `${The} expired at ${new Date(exp * 1000).toISOString()}`
        : `${The} has expired`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, payload } = error;
    if (claim === 'aud')
      return refuse(
        'wrong-audience',
        `${The}'s audience ${audienceText(payload.aud)} does not include ${[options.audience].flat().map(quoted).join(' or ')}`,
      );
    if (claim === 'nbf' && typeof payload.nbf === 'number')
      return refuse(
        'not-yet-valid',
        `${The} is not valid before ${new Date(payload.nbf * 1000).toISOString()}`,
      );
    if (claim === 'exp')
      return refuse('no-expiry', `${The} has no valid exp claim: tokens must expire`);
    if (claim === 'iss') return refuse('untrusted-issuer', `${The}'s issuer is not ${name}`);
    return refuse('invalid-claim', `${The}'s ${claim} claim is invalid (${error.reason})`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return refuse(
      'bad-signature',
      `${The}'s signature does not verify with the keys of issuer ${name}`,
    );
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    const { kid } = safeHeader(jwt);
    return refuse(
      'unknown-signing-key',
      `No signing key of issuer ${name} matches the ${token}${kid ? ` (kid ${quoted(kid)})` : ''}`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    const { alg } = safeHeader(jwt);
    return refuse(
      'algorithm-not-allowed',
      `${The} is signed with ${alg ? quoted(alg) : 'an algorithm'}, which issuer ${name} does not use (accepted: ${algorithms.join(', ')})`,
    );
  }
  return refuse('malformed-token', `${The} is not a well-formed JWT`);
}

function safeHeader(token: string): { kid?: string; alg?: string } {
  try {
    const { kid, alg } = decodeProtectedHeader(token);
    return {
      kid: typeof kid === 'string' ? kid : undefined,
      alg: typeof alg === 'string' ? alg : undefined,
    };
  } catch {
    return {};
  }
}

function audienceText(aud: unknown): string {
  if (aud === undefined) return '(none)';
  return [aud]
    .flat()
    .map((value) => quoted(String(value)))
    .join(', ');
}

/** Token claims are the caller's text: quoted and cut short, so a refusal cannot be made to carry a payload. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
