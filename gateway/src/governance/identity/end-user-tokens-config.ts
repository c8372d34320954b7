/**
 * A consumer's `endUserTokens` in the governance config: the storefront's identity provider whose
 * tokens sign its end users in (end-user-tokens.ts). Validated with the rest of the file
 * (governance-config.ts); the secret itself never sits in the file.
 */
import { z } from 'zod';
import { secretEnvName, secretFromEnv } from '../secret-env';

/**
 * The public development secret of end-user tokens (`developmentSecret: true`): what `npm start`'s web
 * store accepts, so a developer can sign a buyer in (README, "Storefronts"). Refused with
 * NODE_ENV=production, as the secret itself is, wherever it comes from.
 */
export const DEVELOPMENT_END_USER_SECRET = 'switchyard-development-end-user-token-secret';

const nonEmpty = z.string().min(1);

/** The options end-user-tokens.ts verifies with, once the secret is resolved. */
export interface EndUserTokenOptions {
  issuer: string;
  audience: string | string[];
  jwksUrl?: string;
  secret?: string;
  /** The claim naming the B2B customer (Customer.id) the end user buys for. */
  customerClaim: string;
  clockToleranceSeconds: number;
}

/** `endUserTokens` of a consumer: absent (the default) when it accepts none. */
export function endUserTokensSchema(env: NodeJS.ProcessEnv) {
  const production = env.NODE_ENV === 'production';
  return z
    .strictObject({
      /** Must equal the token's `iss`. */
      issuer: nonEmpty,
      /** The token's `aud` must contain (one of) these. */
      audience: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
      /** Where the identity provider publishes its public keys (RS/PS/ES/EdDSA tokens). */
      jwksUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      /** The environment variable holding an HS256 shared secret. */
      secretEnv: secretEnvName.optional(),
      /** HS256 with the public DEVELOPMENT_END_USER_SECRET: development only, refused in production. */
      developmentSecret: z.literal(true).optional(),
      /** The claim naming the customer the end user buys for. Default `customer_id`. */
      customerClaim: nonEmpty.default('customer_id'),
      /** Seconds of clock skew tolerated on exp/nbf. Default 5. */
      clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
    })
    .superRefine((tokens, ctx) => {
      const keySources = [tokens.jwksUrl, tokens.secretEnv, tokens.developmentSecret].filter(
        (source) => source !== undefined,
      );
      if (keySources.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'needs exactly one of jwksUrl, secretEnv or developmentSecret',
        });
      if (tokens.jwksUrl) {
        const url = new URL(tokens.jwksUrl);
        if (url.protocol === 'http:' && !isLoopback(url.hostname))
          ctx.addIssue({
            code: 'custom',
            path: ['jwksUrl'],
            message:
              'must be https (plain http only on localhost): keys fetched in the clear can be swapped',
          });
      }
      if (tokens.developmentSecret && production)
        ctx.addIssue({
          code: 'custom',
          path: ['developmentSecret'],
          message:
            'is the public development secret, which anyone can use to sign any buyer in: with NODE_ENV=production use jwksUrl or secretEnv',
        });
      if (tokens.secretEnv) {
        const secret = secretFromEnv(env, tokens.secretEnv, 'HS256', ctx);
        if (secret === DEVELOPMENT_END_USER_SECRET && production)
          ctx.addIssue({
            code: 'custom',
            path: ['secretEnv'],
            message: `names ${tokens.secretEnv}, which holds the public development secret: with NODE_ENV=production set a secret of your own`,
          });
      }
    })
    .transform(({ secretEnv, developmentSecret, jwksUrl, ...tokens }): EndUserTokenOptions => ({
      ...tokens,
      ...(jwksUrl ? { jwksUrl } : {}),
      ...(secretEnv ? { secret: env[secretEnv] } : {}),
      ...(developmentSecret ? { secret: DEVELOPMENT_END_USER_SECRET } : {}),
    }))
    .optional();
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
