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
  redis.defineCommand('setIndexed', { lua: SET_INDEXED });
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
    async setIndexed(key, value, index) {
      // Keys go through KEYS so ioredis prefixes them; the previous ones come back prefixed from the script's own record.
      const keys = [key, indexedUnderKey(key), ...index.keys];
      await (redis as Redis & SetIndexedCommand).setIndexed(
        keys.length,
        ...keys,
        value,
        index.field,
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

/** Where setIndexed keeps the index keys and field of the value at `key`. */
const indexedUnderKey = (key: string) => `${key}#indexed-under`;

interface SetIndexedCommand {
  setIndexed(numberOfKeys: number, ...args: string[]): Promise<unknown>;
}

/**
 * KEYS: the value, its indexed-under record, the index hashes; ARGV: the value, the field. One
 * script, so no reader sees the value replaced and the index not yet moved (or the reverse).
 */
const SET_INDEXED = `
local previous = redis.call('GET', KEYS[2])
if previous then
  local old = cjson.decode(previous)
  for _, indexKey in ipairs(old.keys) do redis.call('HDEL', indexKey, old.field) end
end
redis.call('SET', KEYS[1], ARGV[1])
local keys = {}
for i = 3, #KEYS do
  redis.call('HSET', KEYS[i], ARGV[2], 1)
  keys[#keys + 1] = KEYS[i]
end
if #keys > 0 then
  redis.call('SET', KEYS[2], cjson.encode({ field = ARGV[2], keys = keys }))
else
  redis.call('DEL', KEYS[2])
end
`;

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, '\\$&');
}
