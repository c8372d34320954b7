/**
 * The lifecycle's records (issue 15), in the registry's database: deprecations with their sunset,
 * brownouts and replacement; waivers; the history of both (who, when, why); webhook notices and
 * their delivery. One Kysely implementation for SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

export interface DeprecationsTable {
  graph: string;
  coordinate: string;
  reason: string;
  sunset: string;
  replacement: string | null;
  link: string | null;
  brownouts: string;
  schema_version: number;
  deprecated_by: string;
  deprecated_at: string;
  updated_at: string;
}

export interface WaiversTable {
  id: string;
  graph: string;
  coordinate: string;
  consumer: string;
  until: string;
  reason: string;
  granted_by: string;
  granted_at: string;
  revoked_by: string | null;
  revoked_at: string | null;
}

export interface LifecycleEventsTable {
  id: string;
  graph: string;
  coordinate: string;
  kind: string;
  actor: string;
  detail: string;
  at: string;
}

export interface NotificationsTable {
  id: string;
  graph: string;
  consumer: string;
  coordinate: string;
  kind: string;
  occurrence: string;
  url: string;
  body: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface LifecycleTables {
  deprecations: DeprecationsTable;
  waivers: WaiversTable;
  lifecycle_events: LifecycleEventsTable;
  notifications: NotificationsTable;
}

export interface Brownout {
  /** ISO times: the coordinate is refused from start (inclusive) to end (exclusive). */
  start: string;
  end: string;
}

export interface DeprecationRecord {
  coordinate: string;
  reason: string;
  /** YYYY-MM-DD; refused from 00:00 UTC of that day. */
  sunset: string;
  replacement: string | null;
  link: string | null;
  brownouts: Brownout[];
  /** The graph version whose schema carried the @deprecated when it was recorded. */
  schemaVersion: number;
  deprecatedBy: string;
  deprecatedAt: string;
  updatedAt: string;
}

export interface WaiverRecord {
  id: string;
  coordinate: string;
  consumer: string;
  /** ISO: the waiver lets the consumer through until then (exclusive). */
  until: string;
  reason: string;
  grantedBy: string;
  grantedAt: string;
  revokedBy: string | null;
  revokedAt: string | null;
}

export type LifecycleEventKind =
  'deprecated' | 'deprecation-changed' | 'waiver-granted' | 'waiver-revoked';

export interface LifecycleEvent {
  id: string;
  coordinate: string;
  kind: LifecycleEventKind;
  actor: string;
  detail: Record<string, unknown>;
  at: string;
}

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

export interface NotificationRecord {
  id: string;
  consumer: string;
  coordinate: string;
  kind: string;
  /** What makes a notice of the same kind another one (a brownout's start, a check's id); '' for none. */
  occurrence: string;
  url: string;
  /** The JSON sent, exactly as signed. */
  body: string;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface LifecycleStore {
  deprecations(graph: string): Promise<DeprecationRecord[]>;
  deprecation(graph: string, coordinate: string): Promise<DeprecationRecord | null>;
  /** Writes the deprecation (new or changed) and its history event in one transaction. */
  saveDeprecation(
    graph: string,
    record: DeprecationRecord,
    event: Omit<LifecycleEvent, 'id'>,
  ): Promise<void>;
  /** Every waiver, revoked ones included (the trail), of one coordinate or all. */
  waivers(graph: string, coordinate?: string): Promise<WaiverRecord[]>;
  addWaiver(graph: string, waiver: WaiverRecord, event: Omit<LifecycleEvent, 'id'>): Promise<void>;
  /** Marks the waiver revoked; false when there is no such waiver not yet revoked. */
  revokeWaiver(
    graph: string,
    id: string,
    revoked: { by: string; at: string },
    event: Omit<LifecycleEvent, 'id'>,
  ): Promise<boolean>;
  events(graph: string, coordinate?: string): Promise<LifecycleEvent[]>;
  /** Adds the notice unless one with its (consumer, coordinate, kind, occurrence) exists; true when added. */
  enqueueNotification(graph: string, notice: NotificationRecord): Promise<boolean>;
  /** Pending notices due at `now` (ISO), oldest first. */
  dueNotifications(graph: string, now: string, limit: number): Promise<NotificationRecord[]>;
  updateNotification(
    graph: string,
    id: string,
    patch: Pick<NotificationRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError'> & {
      deliveredAt: string | null;
    },
  ): Promise<void>;
  /** The delivery log, newest first. */
  notifications(
    graph: string,
    filter: { consumer?: string; coordinate?: string; limit: number },
  ): Promise<NotificationRecord[]>;
}

export function kyselyLifecycleStore(db: Kysely<LifecycleTables>): LifecycleStore {
  const addEvent = (
    trx: Kysely<LifecycleTables>,
    graph: string,
    event: Omit<LifecycleEvent, 'id'>,
  ) =>
    trx
      .insertInto('lifecycle_events')
      .values({
        // Sorts in the order written within a process, for events of the same clock time.
        id: `evt_${process.hrtime.bigint().toString().padStart(20, '0')}_${randomUUID().slice(0, 8)}`,
        graph,
        coordinate: event.coordinate,
        kind: event.kind,
        actor: event.actor,
        detail: JSON.stringify(event.detail),
        at: event.at,
      })
      .execute();

  return {
    async deprecations(graph) {
      const rows = await db
        .selectFrom('deprecations')
        .selectAll()
        .where('graph', '=', graph)
        .orderBy('coordinate')
        .execute();
      return rows.map(deprecationOf);
    },
    async deprecation(graph, coordinate) {
      const row = await db
        .selectFrom('deprecations')
        .selectAll()
        .where('graph', '=', graph)
        .where('coordinate', '=', coordinate)
        .executeTakeFirst();
      return row ? deprecationOf(row) : null;
    },
    async saveDeprecation(graph, record, event) {
      await db.transaction().execute(async (trx) => {
        const values = {
          reason: record.reason,
          sunset: record.sunset,
          replacement: record.replacement,
          link: record.link,
          brownouts: JSON.stringify(record.brownouts),
          schema_version: record.schemaVersion,
          deprecated_by: record.deprecatedBy,
          deprecated_at: record.deprecatedAt,
          updated_at: record.updatedAt,
        };
        await trx
          .insertInto('deprecations')
          .values({ graph, coordinate: record.coordinate, ...values })
          .onConflict((conflict) => conflict.columns(['graph', 'coordinate']).doUpdateSet(values))
          .execute();
        await addEvent(trx, graph, event);
      });
    },
    async waivers(graph, coordinate) {
      let query = db.selectFrom('waivers').selectAll().where('graph', '=', graph);
      if (coordinate !== undefined) query = query.where('coordinate', '=', coordinate);
      const rows = await query.orderBy('granted_at').orderBy('id').execute();
      return rows.map(waiverOf);
    },
    async addWaiver(graph, waiver, event) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('waivers')
          .values({
            id: waiver.id,
            graph,
            coordinate: waiver.coordinate,
            consumer: waiver.consumer,
            until: waiver.until,
            reason: waiver.reason,
            granted_by: waiver.grantedBy,
            granted_at: waiver.grantedAt,
            revoked_by: null,
            revoked_at: null,
          })
          .execute();
        await addEvent(trx, graph, event);
      });
    },
    async revokeWaiver(graph, id, revoked, event) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('waivers')
          .set({ revoked_by: revoked.by, revoked_at: revoked.at })
          .where('graph', '=', graph)
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await addEvent(trx, graph, event);
        return true;
      });
    },
    async events(graph, coordinate) {
      let query = db.selectFrom('lifecycle_events').selectAll().where('graph', '=', graph);
      if (coordinate !== undefined) query = query.where('coordinate', '=', coordinate);
      const rows = await query.orderBy('at').orderBy('id').execute();
      return rows.map((row) => ({
        id: row.id,
        coordinate: row.coordinate,
        kind: row.kind as LifecycleEventKind,
        actor: row.actor,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
        at: row.at,
      }));
    },
    async enqueueNotification(graph, notice) {
      const result = await db
        .insertInto('notifications')
        .values({
          id: notice.id,
          graph,
          consumer: notice.consumer,
          coordinate: notice.coordinate,
          kind: notice.kind,
          occurrence: notice.occurrence,
          url: notice.url,
          body: notice.body,
          status: notice.status,
          attempts: notice.attempts,
          next_attempt_at: notice.nextAttemptAt,
          last_error: notice.lastError,
          created_at: notice.createdAt,
          delivered_at: notice.deliveredAt,
        })
        .onConflict((conflict) =>
          conflict.columns(['graph', 'consumer', 'coordinate', 'kind', 'occurrence']).doNothing(),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async dueNotifications(graph, now, limit) {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('graph', '=', graph)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(notificationOf);
    },
    async updateNotification(graph, id, patch) {
      await db
        .updateTable('notifications')
        .set({
          status: patch.status,
          attempts: patch.attempts,
          next_attempt_at: patch.nextAttemptAt,
          last_error: patch.lastError,
          delivered_at: patch.deliveredAt,
        })
        .where('graph', '=', graph)
        .where('id', '=', id)
        .execute();
    },
    async notifications(graph, filter) {
      let query = db.selectFrom('notifications').selectAll().where('graph', '=', graph);
      if (filter.consumer !== undefined) query = query.where('consumer', '=', filter.consumer);
      if (filter.coordinate !== undefined)
        query = query.where('coordinate', '=', filter.coordinate);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .execute();
      return rows.map(notificationOf);
    },
  };
}

function deprecationOf(row: DeprecationsTable): DeprecationRecord {
  return {
    coordinate: row.coordinate,
    reason: row.reason,
    sunset: row.sunset,
    replacement: row.replacement,
    link: row.link,
    brownouts: JSON.parse(row.brownouts) as Brownout[],
    schemaVersion: Number(row.schema_version),
    deprecatedBy: row.deprecated_by,
    deprecatedAt: row.deprecated_at,
    updatedAt: row.updated_at,
  };
}

function waiverOf(row: WaiversTable): WaiverRecord {
  return {
    id: row.id,
    coordinate: row.coordinate,
    consumer: row.consumer,
    until: row.until,
    reason: row.reason,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
    revokedBy: row.revoked_by,
    revokedAt: row.revoked_at,
  };
}

function notificationOf(row: NotificationsTable): NotificationRecord {
  return {
    id: row.id,
    consumer: row.consumer,
    coordinate: row.coordinate,
    kind: row.kind,
    occurrence: row.occurrence,
    url: row.url,
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}
