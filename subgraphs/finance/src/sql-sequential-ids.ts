import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The next id of a table whose ids are `<prefix>-<number>` (INV-000123): one more than the largest
 * number, zero-padded to `width` so that ids keep sorting in the order they were made (lists page
 * newest first by id). Called inside the writing transaction. On PostgreSQL it first takes a
 * transaction-scoped advisory lock per table, so concurrent writers (other requests, other replicas)
 * take numbers one after the other instead of colliding on the primary key; SQLite has one writer at a time.
 */
export async function nextSequentialId(trx: Kysely<any>, table: 'invoices' | 'payments' | 'payment_applications', prefix: string, width = 6): Promise<string> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(hashtext(${`finance.${table}`}))`.execute(trx);
  }
  // Longest first, then greatest: numeric order for ids of one prefix, whatever their padding.
  const row = await trx
    .selectFrom(table)
    .select('id')
    .where('id', 'like', `${prefix}-%`)
    .orderBy(sql`length(id)`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const last = row ? Number(/(\d+)$/.exec(row.id as string)?.[1] ?? 0) : 0;
  return `${prefix}-${String(last + 1).padStart(width, '0')}`;
}

/** The sequence number of an id made by nextSequentialId. */
export const sequenceOf = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);
