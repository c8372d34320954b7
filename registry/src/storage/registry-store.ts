/**
 * The registry's records behind one interface, one Kysely implementation for SQLite and PostgreSQL:
 * subgraph versions, composed supergraph versions, check runs and approvals.
 */
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '@switchyard/kit';
import { kyselyLifecycleStore, type LifecycleStore, type LifecycleTables } from './lifecycle-store';
import { registryMigrations } from './migrations';

export type VersionKind = 'seed' | 'publish' | 'rollback';

export interface SubgraphVersionsTable {
  graph: string;
  subgraph: string;
  version: number;
  sdl: string;
  routing_url: string;
  author: string;
  message: string;
  kind: VersionKind;
  created_at: string;
  check_id: string | null;
  approval_id: string | null;
}

export interface SupergraphVersionsTable {
  graph: string;
  version: number;
  supergraph_sdl: string;
  api_schema_sdl: string;
  subgraph_versions: string;
  created_at: string;
}

export interface CheckRunsTable {
  id: string;
  graph: string;
  subgraph: string;
  base_version: number | null;
  ok: number;
  approvable: number;
  fingerprint: string | null;
  report: string;
  author: string;
  created_at: string;
}

export interface ApprovalsTable {
  id: string;
  graph: string;
  subgraph: string;
  check_id: string;
  fingerprint: string;
  approver: string;
  reason: string;
  created_at: string;
  expires_at: string;
}

export interface RegistryDatabase extends LifecycleTables {
  subgraph_versions: SubgraphVersionsTable;
  supergraph_versions: SupergraphVersionsTable;
  check_runs: CheckRunsTable;
  approvals: ApprovalsTable;
}

/** One subgraph version as the service hands it out. */
export interface SubgraphVersion {
  subgraph: string;
  version: number;
  sdl: string;
  url: string;
  author: string;
  message: string;
  kind: VersionKind;
  createdAt: string;
  checkId: string | null;
  approvalId: string | null;
}

export interface SupergraphVersion {
  version: number;
  supergraphSdl: string;
  apiSchemaSdl: string;
  /** The subgraph versions it was composed from, by subgraph name. */
  subgraphVersions: Record<string, number>;
  createdAt: string;
}

export interface CheckRun {
  id: string;
  subgraph: string;
  baseVersion: number | null;
  ok: boolean;
  approvable: boolean;
  fingerprint: string | null;
  report: Record<string, unknown>;
  author: string;
  createdAt: string;
}

export interface Approval {
  id: string;
  subgraph: string;
  checkId: string;
  fingerprint: string;
  approver: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
}

/** A new graph version: the changed subgraphs' versions and the supergraph composed with them. */
export interface NewGraphVersion {
  /** The graph version it was composed on (null: the first); another version written since refuses it. */
  baseVersion: number | null;
  subgraphs: Omit<SubgraphVersion, 'version' | 'createdAt'>[];
  supergraph: Omit<SupergraphVersion, 'version' | 'createdAt'>;
  createdAt: string;
}

export interface RegistryStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Deprecations, waivers, their history and webhook notices (issue 15), in the same database. */
  readonly lifecycle: LifecycleStore;
  /** Each subgraph's latest version (the current graph), by name. */
  currentSubgraphs(graph: string): Promise<SubgraphVersion[]>;
  /** A subgraph as it was at a graph version: its latest version at or before it. */
  subgraphAt(graph: string, subgraph: string, version: number): Promise<SubgraphVersion | null>;
  /** Subgraph versions newest first, of one subgraph or all. */
  history(graph: string, subgraph?: string): Promise<SubgraphVersion[]>;
  currentSupergraph(graph: string): Promise<SupergraphVersion | null>;
  /** The current graph version only (cheap: what a waiting long-poll compares). */
  currentVersion(graph: string): Promise<number | null>;
  supergraph(graph: string, version: number): Promise<SupergraphVersion | null>;
  /**
   * Writes the next graph version in one transaction; returns its number. Throws GraphChangedError
   * when the graph is no longer at `change.baseVersion` (a writer the graph's lock did not hold back:
   * another process on the same SQLite file), so a change composed on a stale base never lands.
   */
  addGraphVersion(graph: string, change: NewGraphVersion): Promise<number>;
  saveCheckRun(graph: string, run: CheckRun): Promise<void>;
  checkRun(graph: string, id: string): Promise<CheckRun | null>;
  /** The newest check runs (of one subgraph, or all), newest first, each with the approvals of its change set (given to it or to an earlier run of the same change). */
  checkRuns(
    graph: string,
    options: { limit: number; subgraph?: string },
  ): Promise<(CheckRun & { approvals: Approval[] })[]>;
  saveApproval(graph: string, approval: Approval): Promise<void>;
  approval(graph: string, id: string): Promise<Approval | null>;
  /** Runs `work` while holding the graph's lock across registry processes (PostgreSQL advisory lock; SQLite: the caller's in-process lock suffices). */
  withGraphLock<T>(graph: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The graph moved past the version a change was composed on. */
export class GraphChangedError extends Error {
  constructor(
    readonly expected: number | null,
    readonly found: number | null,
  ) {
    super(`the graph is at version ${found ?? 'none'}, not ${expected ?? 'none'}`);
    this.name = 'GraphChangedError';
  }
}

export interface RegistryStoreOptions {
  /** Folder of registry.sqlite (default `.data`); `:memory:` for tests. */
  dataDir?: string;
  /** PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema (default `registry`). */
  databaseSchema?: string;
}

export async function openRegistryStore(
  options: RegistryStoreOptions = {},
): Promise<RegistryStore> {
  const database: Database<RegistryDatabase> = await openDatabase<RegistryDatabase>({
    name: 'registry',
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    databaseSchema: options.databaseSchema ?? 'registry',
    migrations: registryMigrations,
  });
  return kyselyRegistryStore(database);
}

function kyselyRegistryStore(database: Database<RegistryDatabase>): RegistryStore {
  const { db, dialect } = database;

  const latestPerSubgraph = (graph: string) =>
    db
      .selectFrom('subgraph_versions as v')
      .selectAll('v')
      .where('v.graph', '=', graph)
      .where('v.version', '=', (eb) =>
        eb
          .selectFrom('subgraph_versions as l')
          .select((l) => l.fn.max('l.version').as('latest'))
          .where('l.graph', '=', graph)
          .whereRef('l.subgraph', '=', 'v.subgraph'),
      );

  return {
    dialect,
    // The lifecycle store uses its own tables only.
    lifecycle: kyselyLifecycleStore(db as unknown as Kysely<LifecycleTables>),
    async currentSubgraphs(graph) {
      const rows = await latestPerSubgraph(graph).orderBy('v.subgraph').execute();
      return rows.map(subgraphVersionOf);
    },
    async subgraphAt(graph, subgraph, version) {
      const row = await db
        .selectFrom('subgraph_versions')
        .selectAll()
        .where('graph', '=', graph)
        .where('subgraph', '=', subgraph)
        .where('version', '<=', version)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? subgraphVersionOf(row) : null;
    },
    async history(graph, subgraph) {
      let query = db.selectFrom('subgraph_versions').selectAll().where('graph', '=', graph);
      if (subgraph !== undefined) query = query.where('subgraph', '=', subgraph);
      const rows = await query.orderBy('version', 'desc').orderBy('subgraph').execute();
      return rows.map(subgraphVersionOf);
    },
    async currentSupergraph(graph) {
      const row = await db
        .selectFrom('supergraph_versions')
        .selectAll()
        .where('graph', '=', graph)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? supergraphVersionOf(row) : null;
    },
    async currentVersion(graph) {
      const row = await db
        .selectFrom('supergraph_versions')
        .select((eb) => eb.fn.max('version').as('latest'))
        .where('graph', '=', graph)
        .executeTakeFirst();
      return row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
    },
    async supergraph(graph, version) {
      const row = await db
        .selectFrom('supergraph_versions')
        .selectAll()
        .where('graph', '=', graph)
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? supergraphVersionOf(row) : null;
    },
    async addGraphVersion(graph, change) {
      return db.transaction().execute(async (trx) => {
        const latest = await trx
          .selectFrom('supergraph_versions')
          .select((eb) => eb.fn.max('version').as('latest'))
          .where('graph', '=', graph)
          .executeTakeFirst();
        const base =
          latest?.latest === null || latest?.latest === undefined ? null : Number(latest.latest);
        if (base !== change.baseVersion) throw new GraphChangedError(change.baseVersion, base);
        const version = (base ?? 0) + 1;
        if (change.subgraphs.length > 0)
          await trx
            .insertInto('subgraph_versions')
            .values(
              change.subgraphs.map((s) => ({
                graph,
                subgraph: s.subgraph,
                version,
                sdl: s.sdl,
                routing_url: s.url,
                author: s.author,
                message: s.message,
                kind: s.kind,
                created_at: change.createdAt,
                check_id: s.checkId,
                approval_id: s.approvalId,
              })),
            )
            .execute();
        const subgraphVersions = { ...change.supergraph.subgraphVersions };
        for (const s of change.subgraphs) subgraphVersions[s.subgraph] = version;
        await trx
          .insertInto('supergraph_versions')
          .values({
            graph,
            version,
            supergraph_sdl: change.supergraph.supergraphSdl,
            api_schema_sdl: change.supergraph.apiSchemaSdl,
            subgraph_versions: JSON.stringify(subgraphVersions),
            created_at: change.createdAt,
          })
          .execute();
        return version;
      });
    },
    async saveCheckRun(graph, run) {
      await db
        .insertInto('check_runs')
        .values({
          id: run.id,
          graph,
          subgraph: run.subgraph,
          base_version: run.baseVersion,
          ok: run.ok ? 1 : 0,
          approvable: run.approvable ? 1 : 0,
          fingerprint: run.fingerprint,
          report: JSON.stringify(run.report),
          author: run.author,
          created_at: run.createdAt,
        })
        .execute();
    },
    async checkRun(graph, id) {
      const row = await db
        .selectFrom('check_runs')
        .selectAll()
        .where('graph', '=', graph)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? checkRunOf(row) : null;
    },
    async checkRuns(graph, { limit, subgraph }) {
      let query = db
        .selectFrom('check_runs')
        .selectAll()
        .where('graph', '=', graph)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (subgraph) query = query.where('subgraph', '=', subgraph);
      const rows = await query.execute();
      // An approval binds a change set (its fingerprint), so a later run of the same change shows it too.
      const fingerprints = [
        ...new Set(rows.flatMap((row) => (row.fingerprint ? [row.fingerprint] : []))),
      ];
      const approvals =
        rows.length === 0
          ? []
          : await db
              .selectFrom('approvals')
              .selectAll()
              .where('graph', '=', graph)
              .where((where) =>
                where.or([
                  where(
                    'check_id',
                    'in',
                    rows.map((row) => row.id),
                  ),
                  ...(fingerprints.length > 0 ? [where('fingerprint', 'in', fingerprints)] : []),
                ]),
              )
              .orderBy('created_at')
              .execute();
      return rows.map((row) => ({
        ...checkRunOf(row),
        approvals: approvals
          .filter(
            (approval) =>
              approval.check_id === row.id ||
              (approval.subgraph === row.subgraph && approval.fingerprint === row.fingerprint),
          )
          .map(approvalOf),
      }));
    },
    async saveApproval(graph, approval) {
      await db
        .insertInto('approvals')
        .values({
          id: approval.id,
          graph,
          subgraph: approval.subgraph,
          check_id: approval.checkId,
          fingerprint: approval.fingerprint,
          approver: approval.approver,
          reason: approval.reason,
          created_at: approval.createdAt,
          expires_at: approval.expiresAt,
        })
        .execute();
    },
    async approval(graph, id) {
      const row = await db
        .selectFrom('approvals')
        .selectAll()
        .where('graph', '=', graph)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? approvalOf(row) : null;
    },
    async withGraphLock(graph, work) {
      if (dialect === 'sqlite') return work();
      // A session lock on one pooled connection, held across the check (which may call out): the
      // graph's writes stay serialized between registry replicas without a long transaction.
      return db.connection().execute(async (connection) => {
        await sql`select pg_advisory_lock(hashtext(${`switchyard-registry:${graph}`}))`.execute(
          connection,
        );
        try {
          return await work();
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${`switchyard-registry:${graph}`}))`.execute(
            connection,
          );
        }
      });
    },
    close: () => database.close(),
  };
}

function checkRunOf(row: CheckRunsTable): CheckRun {
  return {
    id: row.id,
    subgraph: row.subgraph,
    baseVersion: row.base_version === null ? null : Number(row.base_version),
    ok: Number(row.ok) === 1,
    approvable: Number(row.approvable) === 1,
    fingerprint: row.fingerprint,
    report: JSON.parse(row.report) as Record<string, unknown>,
    author: row.author,
    createdAt: row.created_at,
  };
}

function approvalOf(row: ApprovalsTable): Approval {
  return {
    id: row.id,
    subgraph: row.subgraph,
    checkId: row.check_id,
    fingerprint: row.fingerprint,
    approver: row.approver,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function subgraphVersionOf(row: SubgraphVersionsTable): SubgraphVersion {
  return {
    subgraph: row.subgraph,
    version: Number(row.version),
    sdl: row.sdl,
    url: row.routing_url,
    author: row.author,
    message: row.message,
    kind: row.kind,
    createdAt: row.created_at,
    checkId: row.check_id,
    approvalId: row.approval_id,
  };
}

function supergraphVersionOf(row: SupergraphVersionsTable): SupergraphVersion {
  return {
    version: Number(row.version),
    supergraphSdl: row.supergraph_sdl,
    apiSchemaSdl: row.api_schema_sdl,
    subgraphVersions: JSON.parse(row.subgraph_versions) as Record<string, number>,
    createdAt: row.created_at,
  };
}
