import type { GovernanceStore } from './governance-store';

/** How often expired entries are swept out (ms): keys nobody reads again (a past rate window's counter) expire too. */
const SWEEP_INTERVAL_MS = 60_000;

export type MemoryStore = GovernanceStore & {
  /** Entries held, expired ones not yet swept included (for tests and diagnostics). */
  entryCount(): number;
};

/** Governance state in this process: nothing to install; one gateway replica only. */
export function createMemoryStore(now: () => number = Date.now): MemoryStore {
  const values = new Map<string, { value: string; expiresAt: number }>();
  const hashes = new Map<string, { fields: Map<string, number>; expiresAt: number }>();
  const logs = new Map<string, Record<string, unknown>[]>();
  // setIndexed: where each value is indexed, so replacing it removes those entries.
  const indexedUnder = new Map<string, { field: string; keys: string[] }>();
  // Swept on writes, at most once per interval: no timer to keep the process alive or to stop.
  let nextSweepAt = now() + SWEEP_INTERVAL_MS;
  const sweep = () => {
    const at = now();
    if (at < nextSweepAt) return;
    nextSweepAt = at + SWEEP_INTERVAL_MS;
    for (const map of [values, hashes] as Map<string, { expiresAt: number }>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= at) map.delete(key);
    }
  };
  const live = <T extends { expiresAt: number }>(
    map: Map<string, T>,
    key: string,
  ): T | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlSeconds?: number) =>
    ttlSeconds ? now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY;

  return {
    kind: 'memory',
    async increment(key, amount, ttlSeconds) {
      sweep();
      const entry = live(values, key);
      const next = Number(entry?.value ?? 0) + amount;
      values.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? expiry(ttlSeconds) });
      return next;
    },
    async counter(key) {
      return Number(live(values, key)?.value ?? 0);
    },
    async get(key) {
      return live(values, key)?.value ?? null;
    },
    async set(key, value, ttlSeconds) {
      sweep();
      values.set(key, { value, expiresAt: expiry(ttlSeconds) });
    },
    async delete(key) {
      values.delete(key);
      hashes.delete(key);
      logs.delete(key);
    },
    async keys(prefix) {
      return [...values.keys(), ...hashes.keys()].filter(
        (key) => key.startsWith(prefix) && (live(values, key) ?? live(hashes, key)),
      );
    },
    async incrementFields(increments, ttlSeconds) {
      sweep();
      for (const { key, field, amount } of increments) {
        let hash = live(hashes, key);
        if (!hash) {
          hash = { fields: new Map(), expiresAt: expiry(ttlSeconds) };
          hashes.set(key, hash);
        }
        hash.fields.set(field, (hash.fields.get(field) ?? 0) + amount);
      }
    },
    async fields(key) {
      return Object.fromEntries(live(hashes, key)?.fields ?? []);
    },
    async setIndexed(key, value, index) {
      sweep();
      const previous = indexedUnder.get(key);
      for (const indexKey of previous?.keys ?? []) {
        const hash = hashes.get(indexKey);
        hash?.fields.delete(previous!.field);
        if (hash?.fields.size === 0) hashes.delete(indexKey);
      }
      values.set(key, { value, expiresAt: expiry() });
      indexedUnder.set(key, { field: index.field, keys: [...index.keys] });
      for (const indexKey of index.keys) {
        let hash = live(hashes, indexKey);
        if (!hash) hashes.set(indexKey, (hash = { fields: new Map(), expiresAt: expiry() }));
        hash.fields.set(index.field, 1);
      }
    },
    async append(log, record, maxLength) {
      const entries = logs.get(log) ?? [];
      entries.push(record);
      if (entries.length > maxLength) entries.splice(0, entries.length - maxLength);
      logs.set(log, entries);
    },
    async read(log, limit) {
      return (logs.get(log) ?? []).slice(-limit).reverse();
    },
    healthy: () => true,
    entryCount: () => values.size + hashes.size + logs.size,
    async close() {},
  };
}
