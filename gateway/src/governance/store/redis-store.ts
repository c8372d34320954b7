import Redis from 'ioredis';
import type { GovernanceStore } from './governance-store';

export interface RedisStoreOptions {
  /** redis://host:port/db */
  url: string;
  /** Prepended to every key, so several deployments (or test runs) share one Redis. Default `switchyard:`. */
  keyPrefix?: string;
  /** A command that has not answered after this long fails (the modules then degrade as configured). Default 500 ms. */
  commandTimeoutMs?: number;
}

/**
 * Governance state in Redis, shared by every gateway replica. Commands fail fast while Redis is
 * away (no offline queue), so a request never waits on it; `healthy()` says whether it answers.
 */
export function createRedisStore(options: RedisStoreOptions): GovernanceStore {
  const keyPrefix = options.keyPrefix ?? 'switchyard:';
  const redis = new Redis(options.url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Errors surface on the commands that fail; the connection itself keeps retrying.
  redis.on('error', () => {});
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));

  return {
    kind: 'redis',
    async increment(key, amount, ttlSeconds) {
      const results = await redis.multi().incrby(key, amount).expire(key, ttlSeconds, 'NX').exec();
      const [error, value] = results![0];
      if (error) throw error;
      return Number(value);
    },
    async counter(key) {
      return Number((await redis.get(key)) ?? 0);
    },
    async get(key) {
      return redis.get(key);
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds) await redis.set(key, value, 'EX', ttlSeconds);
      else await redis.set(key, value);
    },
    async delete(key) {
      await redis.del(key);
    },
    async keys(prefix) {
      const found: string[] = [];
      let cursor = '0';
      do {
        // SCAN patterns are not prefixed by ioredis; the keys it returns carry the prefix.
        const [next, batch] = await redis.scan(
          cursor,
          'MATCH',
          `${escapeGlob(keyPrefix + prefix)}*`,
          'COUNT',
          500,
        );
        cursor = next;
        found.push(...batch.map((key) => key.slice(keyPrefix.length)));
      } while (cursor !== '0');
      return [...new Set(found)];
    },
    async incrementFields(increments, ttlSeconds) {
      if (increments.length === 0) return;
      const pipeline = redis.multi();
      for (const { key, field, amount } of increments) pipeline.hincrby(key, field, amount);
      for (const key of new Set(increments.map((i) => i.key)))
        pipeline.expire(key, ttlSeconds, 'NX');
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },
    async fields(key) {
      const hash = await redis.hgetall(key);
      return Object.fromEntries(
        Object.entries(hash).map(([field, value]) => [field, Number(value)]),
      );
    },
    async append(log, record, maxLength) {
      await redis
        .multi()
        .lpush(log, JSON.stringify(record))
        .ltrim(log, 0, maxLength - 1)
        .exec();
    },
    async read(log, limit) {
      return (await redis.lrange(log, 0, limit - 1)).map((entry) => JSON.parse(entry));
    },
    healthy: () => redis.status === 'ready',
    async close() {
      await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 100))]);
      redis.disconnect();
    },
  };
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, '\\$&');
}
