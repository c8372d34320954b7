/**
 * Identity: who is calling. A request names its consumer with an `x-api-key` (stored hashed) or an
 * `Authorization: Bearer <JWT>` from a trusted issuer (verified with jose against the issuer's JWKS
 * or an HS256 shared secret; exp, nbf, iss and aud checked). The token's claims name the consumer,
 * and its scopes narrow the consumer's (never widen them). No credentials: the configured
 * anonymous consumer, or UNAUTHENTICATED. Refusals say precisely what is wrong and never echo a
 * credential. A consumer that accepts end-user tokens is then narrowed to the buyer its
 * `x-end-user-token` signs in (end-user-tokens.ts). Also enforces a consumer's requireClientName /
 * requireOperationName.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { ApiKeyIndex } from './api-keys';
import { createEndUserTokens, END_USER_TOKEN_HEADER } from './end-user-tokens';
import { createTokenVerifier, quoted, type TokenIssuerOptions } from './token-verification';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import {
  registeredConsumersOf,
  type GovernanceConfig,
  type RegisteredConsumer,
} from '../governance-config';
import type { GovernanceModule, GovernedRequest } from '../module';

export const API_KEY_HEADER = 'x-api-key';

export interface JwtIssuerOptions extends TokenIssuerOptions {
  /** The claim naming the consumer id. Default `client_id`. */
  consumerClaim?: string;
  /** The claim with the token's scopes (space-separated string or list). Default `scope`. A token without it holds no scopes. */
  scopesClaim?: string;
}

export interface IdentityOptions {
  /** Every consumer the gateway serves, with the hashes of its API keys. */
  consumers: RegisteredConsumer[];
  /** The consumer a request without credentials is served as. Default null: such requests are refused. */
  anonymousConsumer?: string | null;
  /** Trusted JWT issuers. Default none: bearer tokens are refused. */
  jwt?: JwtIssuerOptions[];
}

export interface Identifier {
  /**
   * The consumer the request's credentials name, or a GovernanceError: UNAUTHENTICATED (401) for
   * missing, unknown or invalid credentials, BAD_REQUEST (400) for both a key and a token.
   * `allowAnonymous: false` refuses a request without credentials even when an anonymous consumer is configured.
   */
  identify(
    headers: Record<string, string | string[] | undefined>,
    options?: { allowAnonymous?: boolean },
  ): Promise<Consumer>;
  /** The same answer, synchronously when it can be (an API key, no credentials); a promise for a bearer token, whose keys may have to be fetched. */
  consumerOf(
    headers: Record<string, string | string[] | undefined>,
    options?: { allowAnonymous?: boolean },
  ): Consumer | Promise<Consumer>;
}

/** The identity module's options from the governance config file. */
export function identityOptionsOf(config: GovernanceConfig): IdentityOptions {
  return {
    consumers: registeredConsumersOf(config),
    anonymousConsumer: config.identity.anonymousConsumer,
    jwt: config.identity.jwt,
  };
}

/** Consumers derived from tokens kept (per consumer, granted scopes and subject); beyond, the least recent is derived again. */
const TOKEN_CONSUMERS_KEPT = 10_000;
/** The credential checks, shared by the identity module (GraphQL requests) and admin authentication. */
export function createIdentifier(options: IdentityOptions): Identifier {
  const consumers = new Map(
    options.consumers.map(({ consumer }) => [consumer.id, freeze(consumer)]),
  );
  const apiKeys = new ApiKeyIndex(
    options.consumers.flatMap(({ consumer, apiKeySha256 }) =>
      apiKeySha256.map((sha256) => ({ sha256, consumerId: consumer.id })),
    ),
  );
  const anonymous = options.anonymousConsumer ? consumers.get(options.anonymousConsumer) : null;
  if (options.anonymousConsumer && !anonymous)
    throw new Error(
      `identity: the anonymous consumer "${options.anonymousConsumer}" is not a declared consumer`,
    );
  const issuers = new Map(
    (options.jwt ?? []).map((issuer) => [
      issuer.issuer,
      { options: issuer, verifier: createTokenVerifier(issuer, 'bearer token', unauthenticated) },
    ]),
  );
  const endUserTokens = createEndUserTokens(options.consumers);
  // One object per (consumer, granted scopes, subject), however many tokens carry them: what is
  // derived per consumer object downstream (its signed identity, its authorization caller) is then
  // derived once, not for every token.
  const tokenConsumers = new LRUCache<string, Consumer>({ max: TOKEN_CONSUMERS_KEPT });

  async function consumerOfToken(token: string): Promise<Consumer> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
      decodeProtectedHeader(token);
    } catch {
      throw unauthenticated('malformed-token', 'The bearer token is not a well-formed JWT');
    }
    if (issuers.size === 0)
      throw unauthenticated(
        'untrusted-issuer',
        'This gateway trusts no JWT issuer; identify with an x-api-key instead',
      );
    const trusted = typeof claims.iss === 'string' ? issuers.get(claims.iss) : undefined;
    if (!trusted) {
      throw unauthenticated(
        'untrusted-issuer',
        typeof claims.iss === 'string'
          ? `The bearer token's issuer ${quoted(claims.iss)} is not trusted`
          : 'The bearer token has no iss claim',
      );
    }
    const { options: issuer } = trusted;
    const payload = await trusted.verifier.verify(token);

    const consumerClaim = issuer.consumerClaim ?? 'client_id';
    const consumerId = payload[consumerClaim];
    if (typeof consumerId !== 'string' || consumerId === '') {
      throw unauthenticated(
        'unknown-consumer',
        `The bearer token has no ${quoted(consumerClaim)} claim naming its consumer`,
      );
    }
    const consumer = consumers.get(consumerId);
    if (!consumer)
      throw unauthenticated(
        'unknown-consumer',
        `The bearer token names consumer ${quoted(consumerId)}, which is not registered`,
      );
    const granted = new Set(scopesOf(payload, issuer.scopesClaim ?? 'scope'));
    const scopes = consumer.scopes.filter((scope) => granted.has(scope));
    const principal = typeof payload.sub === 'string' ? payload.sub : undefined;
    const key = JSON.stringify([consumer.id, principal ?? null, scopes]);
    let derived = tokenConsumers.get(key);
    if (!derived)
      tokenConsumers.set(
        key,
        (derived = freeze({
          ...consumer,
          scopes,
          ...(principal !== undefined ? { principal } : {}),
        })),
      );
    return derived;
  }

  /** The consumer the credentials name, then narrowed to the end user an end-user token signs in (end-user-tokens.ts). */
  const consumerOf: Identifier['consumerOf'] = (headers, options) => {
    const endUserToken = single(headers[END_USER_TOKEN_HEADER], END_USER_TOKEN_HEADER);
    const consumer = credentialConsumerOf(headers, options);
    if (endUserToken === undefined) return consumer;
    return consumer instanceof Promise
      ? consumer.then((identified) => endUserTokens.signIn(identified, endUserToken))
      : endUserTokens.signIn(consumer, endUserToken);
  };

  const credentialConsumerOf: Identifier['consumerOf'] = (
    headers,
    { allowAnonymous = true } = {},
  ) => {
    const apiKey = single(headers[API_KEY_HEADER], API_KEY_HEADER);
    const authorization = single(headers.authorization, 'authorization');
    if (apiKey !== undefined && authorization !== undefined) {
      throw new GovernanceError(
        GovernanceCode.BAD_REQUEST,
        'Send either an x-api-key or an Authorization bearer token, not both: the consumer would be ambiguous',
        {
          status: 400,
          details: { reason: 'ambiguous-credentials' },
        },
      );
    }
    if (apiKey !== undefined) {
      const consumerId = apiKeys.consumerOf(apiKey);
      if (consumerId === null)
        throw unauthenticated('unregistered-key', 'The x-api-key is not registered');
      return consumers.get(consumerId)!;
    }
    if (authorization !== undefined) {
      const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
      if (!match)
        throw unauthenticated(
          'malformed-authorization',
          'The Authorization header must be "Bearer <token>"',
        );
      return consumerOfToken(match[1]);
    }
    if (anonymous && allowAnonymous) return anonymous;
    throw unauthenticated(
      'missing-credentials',
      'No credentials: send an x-api-key header or an Authorization bearer token',
    );
  };
  return { identify: async (headers, options) => consumerOf(headers, options), consumerOf };
}

export type IdentityModule = GovernanceModule & { identifier: Identifier };

/**
 * The identity module: first in the chain, it sets `context.consumer` (and refuses a request it
 * cannot attribute), then holds the consumer to its client-name and operation-name requirements.
 */
export function createIdentityModule(options: IdentityOptions): IdentityModule {
  const identifier = createIdentifier(options);
  function admit(request: GovernedRequest, consumer: Consumer): void {
    request.context.consumer = consumer;
    if (consumer.requireClientName && !request.context.client.name) {
      throw new GovernanceError(
        GovernanceCode.CLIENT_NAME_REQUIRED,
        `Consumer "${consumer.id}" must name its client in the apollographql-client-name header`,
        {
          status: 400,
          details: { consumer: consumer.id, header: 'apollographql-client-name' },
        },
      );
    }
  }
  return {
    name: 'identity',
    identifier,
    onRequest(request) {
      const consumer = identifier.consumerOf(request.headers);
      if (consumer instanceof Promise)
        return consumer.then((identified) => admit(request, identified));
      admit(request, consumer);
    },
    operation: {
      // The resolved operation covers every form: a body operationName, a single named operation, a persisted document.
      didResolveOperation({ contextValue: { consumer }, operation }) {
        if (!consumer?.requireOperationName || operation?.name) return;
        throw new GovernanceError(
          GovernanceCode.OPERATION_NAME_REQUIRED,
          `Consumer "${consumer.id}" must name its operations (query Name { ... })`,
          {
            status: 400,
            details: { consumer: consumer.id },
          },
        );
      },
    },
  };
}

function unauthenticated(reason: string, message: string): GovernanceError {
  const challenge =
    reason === 'missing-credentials'
      ? 'Bearer realm="switchyard"'
      : 'Bearer realm="switchyard", error="invalid_token"';
  return new GovernanceError(GovernanceCode.UNAUTHENTICATED, message, {
    status: 401,
    headers: { 'www-authenticate': challenge },
    details: { reason },
  });
}

/** The token's scopes: `scope` as an OAuth space-separated string, or a list (as `scp` often is). */
function scopesOf(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) return value;
  throw unauthenticated(
    'invalid-claim',
    `The bearer token's ${quoted(claim)} claim must be a space-separated string or a list of strings`,
  );
}

/** One header value; a repeated credential header is refused rather than guessed between. */
function single(value: string | string[] | undefined, header: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1)
      throw new GovernanceError(
        GovernanceCode.BAD_REQUEST,
        `Send one ${header} header, not ${value.length}`,
        { status: 400, details: { reason: 'repeated-credentials' } },
      );
    value = value[0];
  }
  return value === undefined || value === '' ? undefined : value;
}

/** A read-only copy: every request of a consumer shares it, so no module may change it for the others. */
function freeze(consumer: Consumer): Consumer {
  const tenant =
    consumer.tenant &&
    Object.freeze({
      customerIds: Object.freeze([...consumer.tenant.customerIds]),
      carrierIds: Object.freeze([...consumer.tenant.carrierIds]),
    });
  return Object.freeze({
    ...consumer,
    scopes: Object.freeze([...consumer.scopes]),
    tenant,
  }) as Consumer;
}
