import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type LogEvent,
  type Migration,
} from 'kysely';

/** Where a subgraph's system of record lives: one SQLite file by default, a PostgreSQL schema when a URL is given. */
export interface DatabaseOptions {
  /** The subgraph's name: the SQLite file name, or the PostgreSQL schema. */
  name: string;
  /** Folder of the SQLite files (default `.data` in the working directory); `:memory:` keeps the database in memory. */
  dataDir?: string;
  /** A PostgreSQL connection string; when set, SQLite is not used. */
  databaseUrl?: string;
  /** The PostgreSQL schema (default: `name`). */
  databaseSchema?: string;
  migrations: Record<string, Migration>;
}

/** A subgraph's database handle, with a count of the SQL statements it ran on its records (tests prove batching with it). */
export interface Database<DB> {
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  statements: { count: number };
  close(): Promise<void>;
}

/**
 * Statements on the kit's event tables are not counted: the outbox relay polls in the background, and
 * `statements` proves how a request reads the subgraph's own records.
 */
const EVENT_TABLES = /\bevent_(outbox|inbox|exceptions)\b/;

// PostgreSQL returns BIGINT and COUNT(*) as strings; money in cents fits a JS number exactly.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openDatabase<DB>(options: DatabaseOptions): Promise<Database<DB>> {
  const statements = { count: 0 };
  const log = (event: LogEvent) => {
    if ((event.level === 'query' || event.level === 'error') && !EVENT_TABLES.test(event.query.sql))
      statements.count++;
  };
  let db: Kysely<DB>;
  let dialect: Database<DB>['dialect'];
  let migrationSchema: string | undefined;
  if (options.databaseUrl) {
    const schema = (options.databaseSchema ?? options.name).replace(/[^a-z0-9_]/gi, '_');
    const bootstrap = new pg.Client({ connectionString: options.databaseUrl });
    await bootstrap.connect();
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await bootstrap.end();
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      options: `-c search_path="${schema}"`,
    });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
    dialect = 'postgres';
    migrationSchema = schema;
  } else {
    const dataDir = options.dataDir ?? path.resolve('.data');
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, `${options.name}.sqlite`);
    }
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), log });
    dialect = 'sqlite';
  }
  await migrate(db, options.migrations, migrationSchema);
  statements.count = 0;
  return { db, dialect, statements, close: () => db.destroy() };
}

async function migrate<DB>(
  db: Kysely<DB>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<void> {
  // Unordered: the kit's event tables (0000_kit_event_tables) reach databases that ran the subgraph's own migrations before them.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs `work` in one transaction. */
export function transaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(work);
}

/** True when the table has no row yet (used to seed a database once). */
export async function isEmpty<DB>(db: Kysely<DB>, table: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0) === 0;
}
