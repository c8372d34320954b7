import { sql, type Kysely } from 'kysely';

/** Ids of the form `<prefix>-<zero-padded number>` (ALC-000123), as the seed makes them. */
export interface IdSequence {
  /** The table whose `id` column holds these ids, read once to start after the largest one there. */
  table: string;
  prefix: string;
  width: number;
}

/**
 * Takes `count` consecutive ids of `sequence` inside the caller's transaction. The last number lives
 * in one row of `id_sequences`, bumped by one UPDATE: on PostgreSQL that row's lock makes concurrent
 * writers (other replicas) take numbers one after the other; SQLite has one writer at a time. The row
 * is created on first use from the largest id already in the table (seeded rows).
 */
export async function takeIds(trx: Kysely<any>, sequence: IdSequence, count: number): Promise<string[]> {
  if (count === 0) return [];
  const name = `${sequence.table}:${sequence.prefix}`;
  const known = await trx.selectFrom('id_sequences').select('last_value').where('name', '=', name).executeTakeFirst();
  if (!known) {
    // Longest first, then greatest: numeric order for ids of one prefix, whatever their padding.
    const largest = await trx
      .selectFrom(sequence.table)
      .select('id')
      .where('id', 'like', `${sequence.prefix}-%`)
      .orderBy(sql`length(id)`, 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const start = largest ? Number(/(\d+)$/.exec(String(largest.id))?.[1] ?? 0) : 0;
    await trx
      .insertInto('id_sequences')
      .values({ name, last_value: start })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  const { last_value: last } = await trx
    .updateTable('id_sequences')
    .set({ last_value: sql`last_value + ${count}` })
    .where('name', '=', name)
    .returning('last_value')
    .executeTakeFirstOrThrow();
  const first = Number(last) - count + 1;
  return Array.from({ length: count }, (_, i) => `${sequence.prefix}-${String(first + i).padStart(sequence.width, '0')}`);
}
