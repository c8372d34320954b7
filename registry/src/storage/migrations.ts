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
  // Issue 15: deprecations with a sunset, their waivers, the history of both, and webhook notices.
  '0002_lifecycle': {
    async up(db: Kysely<any>) {
      // One row per deprecated coordinate (`Type.field`, `Type.field(arg:)`, `Enum.VALUE`).
      await db.schema
        .createTable('deprecations')
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('coordinate', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        // YYYY-MM-DD: refused from 00:00 UTC of that day.
        .addColumn('sunset', 'text', (c) => c.notNull())
        .addColumn('replacement', 'text')
        .addColumn('link', 'text')
        // JSON: [{ start, end }] (ISO), windows before the sunset in which gateways refuse it.
        .addColumn('brownouts', 'text', (c) => c.notNull())
        .addColumn('schema_version', 'integer', (c) => c.notNull())
        .addColumn('deprecated_by', 'text', (c) => c.notNull())
        .addColumn('deprecated_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deprecations_pk', ['graph', 'coordinate'])
        .execute();
      await db.schema
        .createTable('waivers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('coordinate', 'text', (c) => c.notNull())
        .addColumn('consumer', 'text', (c) => c.notNull())
        .addColumn('until', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('revoked_by', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      // The review board's trail: who deprecated, changed, waived or revoked what, when and why.
      await db.schema
        .createTable('lifecycle_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('coordinate', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      // One notice per (consumer, coordinate, kind, occurrence), unique: a tick never sends it twice.
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('graph', 'text', (c) => c.notNull())
        .addColumn('consumer', 'text', (c) => c.notNull())
        .addColumn('coordinate', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('occurrence', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        // pending (to send at next_attempt_at), delivered, failed (attempts exhausted).
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addUniqueConstraint('notifications_once', [
          'graph',
          'consumer',
          'coordinate',
          'kind',
          'occurrence',
        ])
        .execute();
      await sql`create index waivers_by_coordinate on waivers (graph, coordinate)`.execute(db);
      await sql`create index lifecycle_events_by_time on lifecycle_events (graph, at)`.execute(db);
      await sql`create index notifications_due on notifications (graph, status, next_attempt_at)`.execute(
        db,
      );
    },
  },
};
