import { createHash, timingSafeEqual } from 'node:crypto';

/** The stored form of an API key: the hex SHA-256 of the key string (the config never holds a key itself). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A lowercase hex SHA-256, as `hashApiKey` writes it. */
export const API_KEY_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Which consumer an API key belongs to. The presented key is hashed, then compared with every
 * registered hash in constant time and without stopping at a match, so the response time says
 * nothing about which (or whether any) registered key it came close to.
 */
export class ApiKeyIndex {
  private readonly entries: { hash: Buffer; consumerId: string }[];

  constructor(keys: Iterable<{ sha256: string; consumerId: string }>) {
    this.entries = [...keys].map(({ sha256, consumerId }) => {
      if (!API_KEY_HASH_PATTERN.test(sha256)) throw new Error(`the API key hash of consumer "${consumerId}" is not a lowercase hex SHA-256`);
      return { hash: Buffer.from(sha256, 'hex'), consumerId };
    });
  }

  /** The id of the consumer holding `key`, or null when no consumer does. */
  consumerOf(key: string): string | null {
    const presented = createHash('sha256').update(key, 'utf8').digest();
    let found: string | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, presented) && found === null) found = entry.consumerId;
    }
    return found;
  }
}
