import { sql, type RawBuilder } from 'kysely';

/** The escape character of every LIKE pattern built here (declared with ESCAPE on both engines). */
const LIKE_ESCAPE = '\\';

/**
 * A case-insensitive "contains" condition on `column` for text a client typed: `%`, `_` and the
 * escape character match themselves (a search for "%" is not a search for everything), on SQLite and
 * PostgreSQL alike (the ESCAPE clause, since neither engine escapes by default in the same way).
 */
export function containsIgnoringCase(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape ${sql.lit(LIKE_ESCAPE)}`;
}

/** `text` with LIKE's wildcards and the escape character escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `${LIKE_ESCAPE}${character}`);
}
