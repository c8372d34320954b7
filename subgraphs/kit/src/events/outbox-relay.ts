import { sql, type Kysely } from 'kysely';
import { eventOfOutboxRow, type OutboxRow } from './outbox';
import { errorMessage, SILENT_EVENT_LOG, type EventLog } from './event-log';
import type { EventTables } from './event-tables';
import type { EventTransport } from './transport';
import { WakeSignal } from './wake-signal';

export interface OutboxRelayOptions {
  /** The subgraph's database (its event_outbox table). */
  db: Kysely<any>;
  dialect: 'sqlite' | 'postgres';
  transport: EventTransport;
  /** How often to look for unpublished events when nobody kicks. Default 100 ms. */
  intervalMs?: number;
  /** Events per publication. Default 100. */
  batchSize?: number;
  /** The longest wait after failed publications (the wait doubles from intervalMs). Default 5000 ms. */
  maxRetryDelayMs?: number;
  log?: EventLog;
}

export interface OutboxRelay {
  /** Look for unpublished events now (a resolver calls it after a mutation) instead of at the next poll. */
  kick(): void;
  /** Stops polling, publishes what is left (best effort) and resolves; the database stays open. */
  stop(): Promise<void>;
}

/**
 * Publishes the outbox: unpublished rows in id order, then marks them published. A crash between the
 * two publishes them again (at-least-once; consumers are idempotent); a failed publication (Redis down)
 * marks nothing and is tried again later, so nothing is lost.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 100;
  const batchSize = options.batchSize ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  const log = options.log ?? SILENT_EVENT_LOG;
  const db = options.db as Kysely<EventTables>;
  const signal = new WakeSignal();
  let stopped = false;

  async function publish(rows: OutboxRow[], trx: Kysely<EventTables>): Promise<number> {
    if (rows.length === 0) return 0;
    await options.transport.publish(rows.map(eventOfOutboxRow));
    const publishedAt = new Date().toISOString();
    await trx
      .updateTable('event_outbox')
      .set({ published_at: publishedAt })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  }

  const unpublished = (from: Kysely<EventTables>) =>
    from
      .selectFrom('event_outbox')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize);

  /** One batch; how many events it published. */
  async function publishBatch(): Promise<number> {
    if (options.dialect === 'sqlite') {
      // One process owns a SQLite file and this loop is its only publisher; no transaction, so the
      // subgraph's writes do not wait on the transport.
      return publish(await unpublished(db).execute(), db);
    }
    // An idle poll costs one indexed read, not a transaction.
    if (
      !(await db
        .selectFrom('event_outbox')
        .select('id')
        .where('published_at', 'is', null)
        .limit(1)
        .executeTakeFirst())
    )
      return 0;
    // Replicas share a PostgreSQL schema: the advisory lock lets one publish at a time, so events leave
    // in id order; the row locks (skip locked) keep a batch from going out twice if the lock is ever bypassed.
    return db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext(current_schema() || '.event_outbox')) as locked`.execute(
        trx,
      );
      if (!rows[0]?.locked) return 0;
      return publish(await unpublished(trx).forUpdate().skipLocked().execute(), trx);
    });
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let published = 0;
      try {
        published = await publishBatch();
        failures = 0;
      } catch (error) {
        failures++;
        log.warn(
          { err: errorMessage(error), failures },
          'outbox relay: publication failed; the events stay in the outbox and are tried again',
        );
      }
      if (stopped) break;
      if (published === batchSize) continue;
      await signal.wait(
        failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, maxRetryDelayMs),
      );
    }
  })();

  return {
    kick: () => signal.wake(),
    async stop() {
      stopped = true;
      signal.wake();
      await loop;
      // What the last requests wrote goes out now rather than at the next start.
      try {
        while ((await publishBatch()) === batchSize);
      } catch (error) {
        log.warn(
          { err: errorMessage(error) },
          'outbox relay: could not publish the last events; they are published at the next start',
        );
      }
    },
  };
}
