import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { OrdersDB } from './migrations';

/**
 * The next number of a table whose ids are `<prefix>-<number>` (ORD-000123, HLD-000045): one more than
 * the largest, so that ids keep sorting in the order they were made (lists page newest first by id).
 * Called inside the writing transaction. On PostgreSQL it first takes a transaction-scoped advisory lock
 * per table, so concurrent writers (other requests, other replicas) take numbers one after the other
 * instead of colliding on the primary key; SQLite has one writer at a time.
 */
export async function nextSequence(trx: Kysely<OrdersDB>, table: 'orders' | 'holds', prefix: string): Promise<number> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(hashtext(${`orders.${table}`}))`.execute(trx);
  }
  // Longest first, then greatest: numeric order for ids of one prefix, whatever their padding.
  const row = await (trx as Kysely<any>)
    .selectFrom(table)
    .select('id')
    .where('id', 'like', `${prefix}-%`)
    .orderBy(sql`length(id)`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(/(\d+)$/.exec(row.id as string)?.[1] ?? 0) + 1 : 1;
}

export const sequentialId = (prefix: string, n: number, width = 6) => `${prefix}-${String(n).padStart(width, '0')}`;
/** Order numbers people quote follow the id: ORD-000123 is SO-100123 (as the seed numbers them). */
export const orderNumberOf = (n: number) => `SO-${100000 + n}`;
