import { hash } from 'node:crypto';

/** The stored form of an API key: the hex SHA-256 of the key string (the config never holds a key itself). */
export function hashApiKey(key: string): string {
  // One-shot hash: a third of createHash's cost, and this runs on every request with a key.
  return hash('sha256', key, 'hex');
}

/** A lowercase hex SHA-256, as `hashApiKey` writes it. */
export const API_KEY_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Which consumer an API key belongs to, looked up by the SHA-256 of the presented key: the lookup
 * time depends on that digest, never on how close the key came to a registered one (as a database
 * of hashed keys is searched), and stays the same however many keys are registered.
 * A key found once is remembered as presented, so a busy consumer's key is hashed once, not per
 * request. Only a key whose digest is registered gets in, so there is at most one entry per
 * registered key and unknown keys cannot grow it; a map lookup compares strings only on a collision
 * of V8's per-process seeded string hash, so it tells nothing about how close an unknown key came.
 */
export class ApiKeyIndex {
  private readonly consumerByHash = new Map<string, string>();
  private readonly consumerByKey = new Map<string, string>();

  constructor(keys: Iterable<{ sha256: string; consumerId: string }>) {
    // The governance config already refuses one key given to two consumers (governance-config.ts).
    for (const { sha256, consumerId } of keys) {
      if (!API_KEY_HASH_PATTERN.test(sha256))
        throw new Error(
          `the API key hash of consumer "${consumerId}" is not a lowercase hex SHA-256`,
        );
      this.consumerByHash.set(sha256, consumerId);
    }
  }

  /** The id of the consumer holding `key`, or null when no consumer does. */
  consumerOf(key: string): string | null {
    const known = this.consumerByKey.get(key);
    if (known !== undefined) return known;
    const consumerId = this.consumerByHash.get(hashApiKey(key)) ?? null;
    if (consumerId !== null) this.consumerByKey.set(key, consumerId);
    return consumerId;
  }
}
