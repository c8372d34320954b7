import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GovernanceStore } from './governance-store';

export interface SqliteStoreOptions {
  /** The database file (created with its folder); `:memory:` for a throwaway one. */
  file: string;
  /** The clock TTLs are measured against (tests move it). Default Date.now. */
  now?: () => number;
}

/** How often expired rows are swept out (ms): keys nobody reads again (a past rate window's counter) go too. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Governance state in one SQLite file: the durable embedded default (nothing to install, nothing
 * forgotten on restart), for one gateway process. Every operation the Redis store does atomically
 * (a Lua script, MULTI) is one SQLite transaction here; better-sqlite3 is synchronous, so no other
 * call of this process interleaves with one. Expired rows are invisible at once and deleted by a
 * sweep that runs on writes, at most once per interval (no timer to keep the process alive).
 */
export function createSqliteStore(options: SqliteStoreOptions): GovernanceStore {
  const now = options.now ?? Date.now;
  if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new SQLite(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // A second process on the same file (a gateway restarting while the old one closes) waits, not fails.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  // expires_at: epoch ms, NULL for never. A row whose expires_at has passed reads as absent.
  const statements = {
    value: db.prepare<[string, number], { value: string; expires_at: number | null }>(
      'SELECT value, expires_at FROM governance_values WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    putValue: db.prepare<[string, string, number | null]>(
      'INSERT INTO governance_values (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    ),
    deleteValue: db.prepare<[string]>('DELETE FROM governance_values WHERE key = ?'),
    valueKeysBetween: db.prepare<[string, string, number], { key: string }>(
      'SELECT key FROM governance_values WHERE key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    valueKeysFrom: db.prepare<[string, number], { key: string }>(
      'SELECT key FROM governance_values WHERE key >= ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    hash: db.prepare<[string, number], { expires_at: number | null }>(
      'SELECT expires_at FROM governance_hashes WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    putHash: db.prepare<[string, number | null]>(
      'INSERT INTO governance_hashes (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at',
    ),
    deleteHash: db.prepare<[string]>('DELETE FROM governance_hashes WHERE key = ?'),
    hashKeysBetween: db.prepare<[string, string, number], { key: string }>(
      'SELECT key FROM governance_hashes WHERE key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    hashKeysFrom: db.prepare<[string, number], { key: string }>(
      'SELECT key FROM governance_hashes WHERE key >= ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    fields: db.prepare<[string, number], { field: string; value: number }>(
      `SELECT f.field, f.value FROM governance_hash_fields f JOIN governance_hashes h ON h.key = f.key
       WHERE f.key = ? AND (h.expires_at IS NULL OR h.expires_at > ?)`,
    ),
    addToField: db.prepare<[string, string, number]>(
      'INSERT INTO governance_hash_fields (key, field, value) VALUES (?, ?, ?) ON CONFLICT (key, field) DO UPDATE SET value = value + excluded.value',
    ),
    putField: db.prepare<[string, string, number]>(
      'INSERT INTO governance_hash_fields (key, field, value) VALUES (?, ?, ?) ON CONFLICT (key, field) DO UPDATE SET value = excluded.value',
    ),
    deleteField: db.prepare<[string, string]>(
      'DELETE FROM governance_hash_fields WHERE key = ? AND field = ?',
    ),
    fieldCount: db.prepare<[string], { count: number }>(
      'SELECT count(*) AS count FROM governance_hash_fields WHERE key = ?',
    ),
    deleteFields: db.prepare<[string]>('DELETE FROM governance_hash_fields WHERE key = ?'),
    indexedUnder: db.prepare<[string], { field: string; keys: string }>(
      'SELECT field, keys FROM governance_indexed_under WHERE key = ?',
    ),
    putIndexedUnder: db.prepare<[string, string, string]>(
      'INSERT INTO governance_indexed_under (key, field, keys) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET field = excluded.field, keys = excluded.keys',
    ),
    deleteIndexedUnder: db.prepare<[string]>('DELETE FROM governance_indexed_under WHERE key = ?'),
    appendRecord: db.prepare<[string, string]>(
      'INSERT INTO governance_log_records (log, record) VALUES (?, ?)',
    ),
    // Keeps the newest `maxLength` of the log: everything older than its maxLength-th newest record goes.
    trimLog: db.prepare<[string, string, number]>(
      `DELETE FROM governance_log_records WHERE log = ? AND seq < (
         SELECT seq FROM governance_log_records WHERE log = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ),
    readLog: db.prepare<[string, number], { record: string }>(
      'SELECT record FROM governance_log_records WHERE log = ? ORDER BY seq DESC LIMIT ?',
    ),
    deleteLog: db.prepare<[string]>('DELETE FROM governance_log_records WHERE log = ?'),
    sweepValues: db.prepare<[number]>(
      'DELETE FROM governance_values WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ),
    sweepHashFields: db.prepare<[number]>(
      `DELETE FROM governance_hash_fields WHERE key IN (
         SELECT key FROM governance_hashes WHERE expires_at IS NOT NULL AND expires_at <= ?)`,
    ),
    sweepHashes: db.prepare<[number]>(
      'DELETE FROM governance_hashes WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ),
  };

  const expiry = (ttlSeconds?: number) => (ttlSeconds ? now() + ttlSeconds * 1000 : null);

  let nextSweepAt = now() + SWEEP_INTERVAL_MS;
  const sweepRows = db.transaction((at: number) => {
    statements.sweepValues.run(at);
    statements.sweepHashFields.run(at);
    statements.sweepHashes.run(at);
  });
  const sweep = () => {
    const at = now();
    if (at < nextSweepAt) return;
    nextSweepAt = at + SWEEP_INTERVAL_MS;
    sweepRows.immediate(at);
  };

  /** Drops a hash's fields and row, live or expired. */
  const dropHash = (key: string) => {
    statements.deleteFields.run(key);
    statements.deleteHash.run(key);
  };

  /** The hash at `key`, created (with `expiresAt`) when absent or expired: a live one keeps its own expiry. */
  const liveHash = (key: string, expiresAt: number | null) => {
    if (statements.hash.get(key, now())) return;
    dropHash(key);
    statements.putHash.run(key, expiresAt);
  };

  const increment = db.transaction((key: string, amount: number, ttlSeconds: number) => {
    const current = statements.value.get(key, now());
    const next = Number(current?.value ?? 0) + amount;
    // As Redis' EXPIRE NX: the first TTL of a window holds; a later one does not extend it.
    statements.putValue.run(key, String(next), current ? current.expires_at : expiry(ttlSeconds));
    return next;
  });

  const incrementFields = db.transaction(
    (increments: { key: string; field: string; amount: number }[], ttlSeconds: number) => {
      for (const key of new Set(increments.map((increment) => increment.key)))
        liveHash(key, expiry(ttlSeconds));
      for (const { key, field, amount } of increments)
        statements.addToField.run(key, field, amount);
    },
  );

  const setIndexed = db.transaction(
    (key: string, value: string, index: { field: string; keys: string[] }) => {
      const previous = statements.indexedUnder.get(key);
      if (previous) {
        for (const indexKey of JSON.parse(previous.keys) as string[]) {
          statements.deleteField.run(indexKey, previous.field);
          if (statements.fieldCount.get(indexKey)!.count === 0) statements.deleteHash.run(indexKey);
        }
      }
      statements.putValue.run(key, value, null);
      if (index.keys.length > 0)
        statements.putIndexedUnder.run(key, index.field, JSON.stringify(index.keys));
      else statements.deleteIndexedUnder.run(key);
      for (const indexKey of index.keys) {
        liveHash(indexKey, null);
        statements.putField.run(indexKey, index.field, 1);
      }
    },
  );

  const append = db.transaction((log: string, record: string, maxLength: number) => {
    statements.appendRecord.run(log, record);
    statements.trimLog.run(log, log, maxLength - 1);
  });

  const remove = db.transaction((key: string) => {
    statements.deleteValue.run(key);
    dropHash(key);
    statements.deleteLog.run(key);
  });

  let open = true;
  return {
    kind: 'sqlite',
    async increment(key, amount, ttlSeconds) {
      sweep();
      return increment.immediate(key, amount, ttlSeconds);
    },
    async counter(key) {
      return Number(statements.value.get(key, now())?.value ?? 0);
    },
    async get(key) {
      return statements.value.get(key, now())?.value ?? null;
    },
    async set(key, value, ttlSeconds) {
      sweep();
      statements.putValue.run(key, value, expiry(ttlSeconds));
    },
    async delete(key) {
      remove.immediate(key);
    },
    async keys(prefix) {
      const [from, to] = prefixRange(prefix);
      const at = now();
      const rows = to
        ? [
            ...statements.valueKeysBetween.all(from, to, at),
            ...statements.hashKeysBetween.all(from, to, at),
          ]
        : [...statements.valueKeysFrom.all(from, at), ...statements.hashKeysFrom.all(from, at)];
      return [...new Set(rows.map((row) => row.key))];
    },
    async incrementFields(increments, ttlSeconds) {
      if (increments.length === 0) return;
      sweep();
      incrementFields.immediate(increments, ttlSeconds);
    },
    async fields(key) {
      return Object.fromEntries(
        statements.fields.all(key, now()).map((row) => [row.field, row.value]),
      );
    },
    async setIndexed(key, value, index) {
      sweep();
      setIndexed.immediate(key, value, index);
    },
    async append(log, record, maxLength) {
      append.immediate(log, JSON.stringify(record), maxLength);
    },
    async read(log, limit) {
      return statements.readLog.all(log, limit).map((row) => JSON.parse(row.record));
    },
    healthy: () => open,
    async close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

/**
 * The key range holding exactly the keys that start with `prefix`, for an indexed range scan: from
 * the prefix to the prefix with its last character's successor (keys compare as UTF-8 bytes, which
 * order as code points do); no upper bound for the empty prefix (every key).
 */
function prefixRange(prefix: string): [string, string | null] {
  const characters = Array.from(prefix);
  // A last character without a successor: the range ends where the one before it ends.
  while (characters.length > 0 && characters.at(-1)!.codePointAt(0) === 0x10ffff) characters.pop();
  if (characters.length === 0) return [prefix, null];
  const last = characters.pop()!.codePointAt(0)!;
  return [prefix, characters.join('') + String.fromCodePoint(last + 1)];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS governance_values (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS governance_hashes (
  key TEXT PRIMARY KEY,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS governance_hash_fields (
  key TEXT NOT NULL,
  field TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (key, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS governance_indexed_under (
  key TEXT PRIMARY KEY,
  field TEXT NOT NULL,
  keys TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS governance_log_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  log TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS governance_log_records_by_log ON governance_log_records (log, seq);
CREATE INDEX IF NOT EXISTS governance_values_expiry ON governance_values (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS governance_hashes_expiry ON governance_hashes (expires_at) WHERE expires_at IS NOT NULL;
`;
