/**
 * End-user tokens: a storefront (or portal) that serves many B2B buyers says which one is signed in
 * by sending, beside its own credential, the buyer's JWT from its identity provider in
 * `x-end-user-token`. A consumer accepts them only when its config says so (`endUserTokens`: issuer,
 * audience, keys, and the claim naming the customer). A verified token narrows the consumer to the
 * buyer: its `sub` becomes the principal (audit), its customer claim `endUserCustomerId`, which the
 * signed identity carries to the subgraphs, whose row rules then show that customer's rows only
 * (kit row-scope.ts). Never silently ignored: a consumer that accepts none is refused
 * (END_USER_TOKEN_NOT_ACCEPTED, 400), a token that does not verify is END_USER_UNAUTHENTICATED (401).
 */
import { LRUCache } from 'lru-cache';
import type { JWTPayload } from 'jose';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { EndUserTokenOptions } from './end-user-tokens-config';
import { createTokenVerifier, quoted, type TokenVerifier } from './token-verification';

/** The header carrying the end user's token (the consumer's own credential stays in x-api-key or Authorization). */
export const END_USER_TOKEN_HEADER = 'x-end-user-token';

/** Longest customer id a token may name (Customer ids are short; a longer claim is not one). */
const MAX_CUSTOMER_ID_LENGTH = 100;
/** Consumers derived per (consumer, end user, customer) kept; beyond, the least recent is derived again. */
const END_USER_CONSUMERS_KEPT = 10_000;

export interface EndUserSignIn {
  /** `consumer` narrowed to the end user `token` signs in, or the refusal. */
  signIn(consumer: Consumer, token: string): Promise<Consumer>;
}

/** The end-user token checks of every consumer that accepts them (`endUserTokens` in the config). */
export function createEndUserTokens(
  consumers: readonly { consumer: Consumer; endUserTokens?: EndUserTokenOptions | null }[],
): EndUserSignIn {
  const accepted = new Map<string, { options: EndUserTokenOptions; verifier: TokenVerifier }>();
  for (const { consumer, endUserTokens } of consumers)
    if (endUserTokens)
      accepted.set(consumer.id, {
        options: endUserTokens,
        verifier: createTokenVerifier(endUserTokens, 'end-user token', refusal),
      });
  // One object per (consumer, end user, customer), however many tokens carry them: what modules
  // derive per consumer object (its signed identity) is then derived once, not for every token.
  const derived = new LRUCache<string, Consumer>({ max: END_USER_CONSUMERS_KEPT });

  return {
    async signIn(consumer, token) {
      const tokens = accepted.get(consumer.id);
      if (!tokens)
        throw new GovernanceError(
          GovernanceCode.END_USER_TOKEN_NOT_ACCEPTED,
          `Consumer "${consumer.id}" does not accept end-user tokens: leave out ${END_USER_TOKEN_HEADER}, or declare endUserTokens for it`,
          { status: 400, details: { reason: 'not-accepted', header: END_USER_TOKEN_HEADER } },
        );
      const payload = await tokens.verifier.verify(token);
      const customerId = customerOf(payload, tokens.options.customerClaim);
      if (consumer.tenant && !consumer.tenant.customerIds.includes(customerId))
        throw new GovernanceError(
          GovernanceCode.FORBIDDEN,
          `The end-user token's customer ${quoted(customerId)} is not one of consumer "${consumer.id}"'s customers`,
          { status: 403, details: { reason: 'customer-outside-tenant' } },
        );
      const principal = typeof payload.sub === 'string' ? payload.sub : undefined;
      const key = JSON.stringify([
        consumer.id,
        consumer.principal ?? null,
        consumer.scopes,
        principal ?? null,
        customerId,
      ]);
      let endUser = derived.get(key);
      if (!endUser) {
        // The end user is who acts: its subject replaces the consumer's (a client's JWT sub) as principal.
        const { principal: _consumerPrincipal, ...rest } = consumer;
        endUser = Object.freeze({
          ...rest,
          ...(principal !== undefined ? { principal } : {}),
          endUserCustomerId: customerId,
        });
        derived.set(key, endUser);
      }
      return endUser;
    },
  };
}

function customerOf(payload: JWTPayload, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value === '')
    throw refusal(
      'no-customer',
      `The end-user token has no ${quoted(claim)} claim naming the customer it acts for`,
    );
  if (value.length > MAX_CUSTOMER_ID_LENGTH)
    throw refusal(
      'invalid-claim',
      `The end-user token's ${quoted(claim)} claim is longer than ${MAX_CUSTOMER_ID_LENGTH} characters`,
    );
  return value;
}

function refusal(reason: string, message: string): GovernanceError {
  return new GovernanceError(GovernanceCode.END_USER_UNAUTHENTICATED, message, {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="switchyard-end-user", error="invalid_token"' },
    details: { reason, header: END_USER_TOKEN_HEADER },
  });
}
