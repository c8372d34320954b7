/**
 * Where governance state lives (rate budgets, usage, APQ cache, manifests, audit and unknown-
 * operation logs): a SQLite file by default (one process, nothing to install, kept across restarts),
 * Redis when REDIS_URL is set (several gateway replicas share it), memory for tests. All three pass
 * the same contract tests.
 * Keys are namespaced by the caller (e.g. `rate:{consumer}:{window}`).
 */
export interface GovernanceStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';

  /** Adds `amount` to a counter, creating it with a time to live; returns the new value. */
  increment(key: string, amount: number, ttlSeconds: number): Promise<number>;
  /** Reads a counter (0 when absent). */
  counter(key: string): Promise<number>;

  /** Plain values (APQ documents, manifests). `ttlSeconds` omitted: kept until deleted. */
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix` (for listings such as manifests). */
  keys(prefix: string): Promise<string[]>;

  /** Adds each amount to a field of a hash (usage buckets), in one round trip; the hashes expire after `ttlSeconds`. */
  incrementFields(
    increments: { key: string; field: string; amount: number }[],
    ttlSeconds: number,
  ): Promise<void>;
  /** A hash's fields and values ({} when absent). */
  fields(key: string): Promise<Record<string, number>>;

  /**
   * Writes `value` at `key` (kept until replaced or deleted) and moves its index entries in the
   * same atomic step: field `index.field` is removed from every hash the value it replaces was
   * indexed under (a hash left empty goes), and set in each of `index.keys`. An index therefore
   * names only values still held: the audit ring's slots, whose business-key indexes would
   * otherwise keep a field for every record ever written.
   */
  setIndexed(key: string, value: string, index: { field: string; keys: string[] }): Promise<void>;

  /** Appends a record to a capped log (audit records, unknown operations); oldest dropped past `maxLength`. */
  append(log: string, record: Record<string, unknown>, maxLength: number): Promise<void>;
  /** The newest records of a log, newest first, at most `limit`. */
  read(log: string, limit: number): Promise<Record<string, unknown>[]>;

  /** True while the store answers (Redis connected); the modules degrade as configured when it does not. */
  healthy(): boolean;
  close(): Promise<void>;
}
