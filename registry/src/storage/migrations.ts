/**
 * The registry's tables, the same on SQLite and PostgreSQL: times are ISO-8601 text (UTC, so they
 * sort as text), booleans 0/1, JSON as text.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const registryMigrations: Record<string, Migration> = {
  '0001_registry': {
    async up(db: Kysely<any>) {
      // One row per subgraph change; `version` is the graph version it entered (one sequence per graph).
      await db.schema
        .createTable('subgraph_versions')
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('subgraph', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('sdl', 'text', (c) => c.notNull())
        .addColumn('routing_url', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text')
        .addColumn('approval_id', 'text')
        .addPrimaryKeyConstraint('subgraph_versions_pk', ['graph', 'subgraph', 'version'])
        .execute();
      // The composed graph after each change: its number is the graph version.
      await db.schema
        .createTable('supergraph_versions')
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('supergraph_sdl', 'text', (c) => c.notNull())
        .addColumn('api_schema_sdl', 'text', (c) => c.notNull())
        // JSON: { [subgraph]: version } of every subgraph it was composed from.
        .addColumn('subgraph_versions', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('supergraph_versions_pk', ['graph', 'version'])
        .execute();
      await db.schema
        .createTable('check_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('subgraph', 'text', (c) => c.notNull())
        // The graph version the candidate was checked against.
        .addColumn('base_version', 'integer')
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('approvable', 'integer', (c) => c.notNull())
        .addColumn('fingerprint', 'text')
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('subgraph', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      // History of the whole graph, newest first.
      await sql`create index subgraph_versions_by_version on subgraph_versions (graph, version)`.execute(
        db,
      );
    },
  },
};
