/* eslint-disable @typescript-eslint/no-empty-object-type -- `{}` is Kysely's type of a query with nothing selected yet */
// The SQL behind a connection: a page of rows newest first, a page per parent, and their counts.
import type { Kysely, SelectQueryBuilder, Selectable } from 'kysely';
import type { PageRequest } from './pagination';

/** The columns of `Table` that hold a string (ids, foreign keys). */
type StringColumn<Table> = {
  [C in keyof Table]: Table[C] extends string ? C : never;
}[keyof Table] &
  string;
/** The tables of `DB` keyed by a string `id`. */
type TableWithId<DB> = { [T in keyof DB]: DB[T] extends { id: string } ? T : never }[keyof DB];

/**
 * The shape the queries below are written against. Kysely cannot name the columns of a table it
 * knows only as a type parameter, so the caller's query is viewed as this one table; the
 * signatures' constraints (an `id` column, a string parent column) are what keep callers honest.
 */
interface KeyedTableDB {
  keyed: { id: string; parent: string };
}

/** Up to `page.limit + 1` of `rows`, newest first: keyset on id descending (ids grow with time), so `page.afterKey` means "a smaller id". */
export async function newestPage<DB, TB extends TableWithId<DB>>(
  rows: SelectQueryBuilder<DB, TB, {}>,
  page: PageRequest,
): Promise<Selectable<DB[TB]>[]> {
  let query = (rows as unknown as SelectQueryBuilder<KeyedTableDB, 'keyed', {}>).selectAll();
  if (page.afterKey) query = query.where('id', '<', page.afterKey);
  const found = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return found as unknown as Selectable<DB[TB]>[];
}

/**
 * Up to `page.limit + 1` rows of each parent, newest first (id descending, ids grow with time,
 * after `page.afterKey`), grouped by parent, in one statement: a row_number() window numbers each
 * parent's rows, so a batch of parents costs one read rather than one per parent.
 */
export async function newestPagePerParent<
  DB,
  TB extends TableWithId<DB>,
  Parent extends StringColumn<DB[TB]>,
>(
  db: Kysely<DB>,
  rows: SelectQueryBuilder<DB, TB, {}>,
  parentColumn: Parent,
  parentIds: readonly string[],
  page: PageRequest,
): Promise<Selectable<DB[TB]>[]> {
  if (parentIds.length === 0) return [];
  const parent = parentColumn as string as 'parent';
  let ranked = (rows as unknown as SelectQueryBuilder<KeyedTableDB, 'keyed', {}>)
    .where(parent, 'in', [...parentIds])
    .selectAll()
    .select((eb) =>
      eb.fn
        .agg<number>('row_number')
        .over((over) => over.partitionBy(parent).orderBy('id', 'desc'))
        .as('position'),
    );
  if (page.afterKey) ranked = ranked.where('id', '<', page.afterKey);
  const found = await (db as unknown as Kysely<KeyedTableDB>)
    .selectFrom(ranked.as('ranked'))
    .selectAll()
    .where('position', '<=', page.limit + 1)
    .orderBy(parent)
    .orderBy('id', 'desc')
    .execute();
  return found as unknown as Selectable<DB[TB]>[];
}

/** How many rows `rows` selects (a connection's totalCount). */
export async function countRows<DB, TB extends keyof DB>(
  rows: SelectQueryBuilder<DB, TB, {}>,
): Promise<number> {
  const counted = await (rows as unknown as SelectQueryBuilder<KeyedTableDB, 'keyed', {}>)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(counted.n);
}

/** How many of `rows` each parent has, in one grouped read; parents without any are absent. */
export async function countPerParent<DB, TB extends keyof DB, Parent extends StringColumn<DB[TB]>>(
  rows: SelectQueryBuilder<DB, TB, {}>,
  parentColumn: Parent,
  parentIds: readonly string[],
): Promise<Map<string, number>> {
  if (parentIds.length === 0) return new Map();
  const parent = parentColumn as string as 'parent';
  const counted = await (rows as unknown as SelectQueryBuilder<KeyedTableDB, 'keyed', {}>)
    .where(parent, 'in', [...parentIds])
    .select((eb) => [eb.ref(parent).as('parent'), eb.fn.countAll<number>().as('n')])
    .groupBy(parent)
    .execute();
  return new Map(counted.map((row) => [row.parent, Number(row.n)]));
}
