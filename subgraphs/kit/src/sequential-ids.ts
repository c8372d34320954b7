import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Ids of the form `<prefix>-<zero-padded number>` (ORD-000123, MLS-0000045), as the seed makes them:
 * they sort in the order they were made, so lists page newest first by id. Two ways to take the next
 * ones, both inside the writing transaction and both safe with concurrent writers (other requests,
 * other replicas); SQLite has one writer at a time anyway:
 *
 * - takeIds: the last number lives in one row of `id_sequences`, bumped by one UPDATE. Cheap; a
 *   transaction that takes numbers and commits without using them leaves a gap.
 * - takeGaplessIds: one more than the largest number in the table, on PostgreSQL under an advisory
 *   lock per table. No gaps (invoice and order numbers people quote); reads the table's ids each time.
 */
export interface IdSequence {
  /** The table whose `id` column holds these ids. */
  table: string;
  prefix: string;
  /** Digits the number is padded to. */
  width: number;
}

/** The id of number `n` in `sequence`: (ORD, 6), 123 -> ORD-000123. */
export const sequentialId = (sequence: IdSequence, n: number) =>
  `${sequence.prefix}-${String(n).padStart(sequence.width, '0')}`;

/** The number of a sequential id: ORD-000123 -> 123. */
export const sequenceNumberOf = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);

/**
 * Takes `count` consecutive ids of `sequence` from its row of `id_sequences` (the subgraph's migrations
 * create it: `name text primary key, last_value integer not null`). On PostgreSQL the row's lock makes
 * concurrent writers take numbers one after the other. The row is created on first use from the largest
 * id already in the table (seeded rows).
 */
export async function takeIds(
  trx: Kysely<any>,
  sequence: IdSequence,
  count: number,
): Promise<string[]> {
  if (count === 0) return [];
  const name = `${sequence.table}:${sequence.prefix}`;
  const known = await trx
    .selectFrom('id_sequences')
    .select('last_value')
    .where('name', '=', name)
    .executeTakeFirst();
  if (!known) {
    await trx
      .insertInto('id_sequences')
      .values({ name, last_value: await largestNumber(trx, sequence) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  const { last_value: last } = await trx
    .updateTable('id_sequences')
    .set({ last_value: sql`last_value + ${count}` })
    .where('name', '=', name)
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return consecutive(sequence, Number(last) - count + 1, count);
}

/**
 * Takes `count` consecutive ids of `sequence` after the largest one in its table. On PostgreSQL it
 * first takes a transaction-scoped advisory lock for the table (in the subgraph's schema), so
 * concurrent writers wait for each other instead of colliding on the primary key, and a writer that
 * then reads the table sees what the one before it wrote.
 */
export async function takeGaplessIds(
  trx: Kysely<any>,
  sequence: IdSequence,
  count: number,
): Promise<string[]> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.' || ${sequence.table}))`.execute(
      trx,
    );
  }
  return consecutive(sequence, (await largestNumber(trx, sequence)) + 1, count);
}

async function largestNumber(trx: Kysely<any>, sequence: IdSequence): Promise<number> {
  // Longest first, then greatest: numeric order for ids of one prefix, whatever their padding.
  const row = await trx
    .selectFrom(sequence.table)
    .select('id')
    .where('id', 'like', `${sequence.prefix}-%`)
    .orderBy(sql`length(id)`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? sequenceNumberOf(String(row.id)) : 0;
}

const consecutive = (sequence: IdSequence, first: number, count: number) =>
  Array.from({ length: count }, (_, i) => sequentialId(sequence, first + i));
