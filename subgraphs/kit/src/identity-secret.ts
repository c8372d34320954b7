import { DEVELOPMENT_IDENTITY_SECRET } from './identity-header';

/** Shortest SWITCHYARD_IDENTITY_SECRET production accepts: as long as the HMAC-SHA-256 it keys (256 bits of text). */
export const MIN_PRODUCTION_IDENTITY_SECRET_LENGTH = 32;

/** The environment cannot give a secret production may use: the process must not start. */
export class IdentitySecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentitySecretError';
  }
}

/**
 * The secret x-switchyard-identity is signed and verified with, from SWITCHYARD_IDENTITY_SECRET: the
 * one resolver of the gateway and every subgraph process, so they cannot disagree on the fallback.
 * Outside production (NODE_ENV not `production`) an unset or empty variable means the public
 * development secret. In production the development secret would let anyone who can reach a
 * subgraph sign any caller, so unset, empty, the development secret itself or a secret shorter than
 * MIN_PRODUCTION_IDENTITY_SECRET_LENGTH throws IdentitySecretError.
 */
export function identitySecretFrom(env: NodeJS.ProcessEnv): string {
  const secret = env.SWITCHYARD_IDENTITY_SECRET ?? '';
  if (env.NODE_ENV !== 'production') return secret || DEVELOPMENT_IDENTITY_SECRET;
  if (!secret)
    throw new IdentitySecretError(
      'SWITCHYARD_IDENTITY_SECRET is not set: with NODE_ENV=production the gateway and the subgraphs need a shared secret of their own (the development one is public)',
    );
  if (secret === DEVELOPMENT_IDENTITY_SECRET)
    throw new IdentitySecretError(
      'SWITCHYARD_IDENTITY_SECRET is the development secret, which anyone can read: with NODE_ENV=production set a secret of your own',
    );
  if (secret.length < MIN_PRODUCTION_IDENTITY_SECRET_LENGTH)
    throw new IdentitySecretError(
      `SWITCHYARD_IDENTITY_SECRET holds ${secret.length} characters: with NODE_ENV=production it needs at least ${MIN_PRODUCTION_IDENTITY_SECRET_LENGTH} (e.g. openssl rand -base64 48)`,
    );
  return secret;
}
