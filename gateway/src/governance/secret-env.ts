/**
 * A secret the governance config names by its environment variable (`secretEnv`), never holds: the
 * JWT issuers', the storefronts' end-user tokens' and the deprecation webhooks' signing secrets.
 */
import { z } from 'zod';

/** A `secretEnv` value: the name of the environment variable that holds the secret. */
export const secretEnvName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'must be an environment variable name (A-Z, 0-9, _)' });

/** An HMAC secret shorter than its hash (256 bits for SHA-256) weakens it (RFC 7518 §3.2, RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32;

/**
 * The secret `variable` holds in `env`, or undefined after adding an issue at `secretEnv` when it is
 * not set or is too short for `algorithm` (named in the message).
 */
export function secretFromEnv(
  env: NodeJS.ProcessEnv,
  variable: string,
  algorithm: string,
  ctx: z.RefinementCtx,
): string | undefined {
  const secret = env[variable];
  if (!secret) {
    ctx.addIssue({
      code: 'custom',
      path: ['secretEnv'],
      message: `names ${variable}, which is not set`,
    });
    return undefined;
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['secretEnv'],
      message: `names ${variable}, which holds fewer than ${MIN_SECRET_BYTES} bytes (too short for ${algorithm})`,
    });
    return undefined;
  }
  return secret;
}
