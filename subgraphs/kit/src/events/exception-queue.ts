import type { GraphQLError } from 'graphql';
import { sql, type Kysely, type Selectable } from 'kysely';
import { invalidStateTransition, notFound } from '../errors';
import type { PageRequest } from '../pagination';
import type { DomainEvent } from './domain-event';
import { errorMessage } from './event-log';
import type { EventTables } from './event-tables';
import type { EventHandler, EventHandlerContext } from './handlers';

export type EventExceptionStatus = 'OPEN' | 'REPLAYED' | 'DISCARDED';

/** An event a handler gave up on: what failed, how often, and what an operator did about it. */
export interface EventException {
  /** The row's number in this subgraph (the graph shows `<subgraph>:<id>`). */
  id: number;
  handler: string;
  eventId: string;
  eventType: string;
  source: string;
  aggregateId: string;
  correlationId: string;
  occurredAt: string;
  /** The event's payload as JSON text. */
  payload: string;
  /** The last failure's message. */
  error: string;
  /** Deliveries and replays that failed, in all. */
  attempts: number;
  status: EventExceptionStatus;
  firstFailedAt: string;
  lastFailedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** Why it was discarded. */
  note: string | null;
}

/** How many events wait for an operator at one handler, and since when. */
export interface EventQueueDepth {
  handler: string;
  open: number;
  oldestOpenAt: string | null;
}

export interface ExceptionFilter {
  status?: EventExceptionStatus;
  handler?: string;
}

export interface ExceptionQueue {
  /** Up to `page.limit + 1` exceptions, newest first, older than `page.afterKey` (an id) when given. */
  list(filter: ExceptionFilter, page: PageRequest): Promise<EventException[]>;
  count(filter: ExceptionFilter): Promise<number>;
  /** Every handler of the subgraph with its open exceptions (0 when none), by handler name. */
  depth(): Promise<EventQueueDepth[]>;
  get(id: number): Promise<EventException | null>;
  /** The status of the exception `handler` has for `eventId`, if any (a redelivered discarded event is skipped). */
  statusOf(handler: string, eventId: string): Promise<EventExceptionStatus | null>;
  /** Records that `handler` gave up on `event` after `attempts` tries (again OPEN if it was recorded before). */
  record(failure: {
    handler: string;
    event: DomainEvent;
    error: string;
    attempts: number;
  }): Promise<void>;
  /** An OPEN exception whose event a later delivery processed: resolved, by `by`. */
  resolve(handler: string, eventId: string, by: string): Promise<void>;
  /**
   * Runs the handler on the event again, now. Success: REPLAYED. Failure: stays OPEN with the new error and
   * one more attempt (answered, not thrown). NOT_FOUND for an unknown id, INVALID_STATE_TRANSITION unless OPEN.
   */
  replay(id: number, by: string): Promise<EventException>;
  /** OPEN → DISCARDED with the reason; NOT_FOUND for an unknown id, INVALID_STATE_TRANSITION unless OPEN. */
  discard(id: number, by: string, reason: string): Promise<EventException>;
}

export interface ExceptionQueueOptions<Store> {
  /** The subgraph's name, in the ids errors show (`inventory:12`). */
  subgraph: string;
  db: Kysely<any>;
  handlers: readonly EventHandler<Store>[];
  /** The context a handler runs with for `event` (as the consumers give it). */
  contextFor(event: DomainEvent, handler: string): EventHandlerContext<Store>;
}

type Row = Selectable<EventTables['event_exceptions']>;

/** The subgraph's exception queue, in its event_exceptions table. */
export function createExceptionQueue<Store>(options: ExceptionQueueOptions<Store>): ExceptionQueue {
  const db = options.db as Kysely<EventTables>;
  const publicId = (id: number) => `${options.subgraph}:${id}`;

  const filtered = (filter: ExceptionFilter) => {
    let query = db.selectFrom('event_exceptions');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.handler) query = query.where('handler', '=', filter.handler);
    return query;
  };

  async function get(id: number): Promise<EventException | null> {
    const row = await db
      .selectFrom('event_exceptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toException(row) : null;
  }

  async function open(id: number, to: EventExceptionStatus): Promise<EventException> {
    const found = await get(id);
    if (!found) throw notFound('EventException', publicId(id));
    if (found.status !== 'OPEN') throw notOpen(publicId(id), found.status, to);
    return found;
  }

  return {
    async list(filter, page) {
      let query = filtered(filter).selectAll();
      if (page.afterKey !== null) query = query.where('id', '<', Number(page.afterKey));
      return (
        await query
          .orderBy('id', 'desc')
          .limit(page.limit + 1)
          .execute()
      ).map(toException);
    },

    async count(filter) {
      const { n } = await filtered(filter)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n);
    },

    async depth() {
      const rows = await db
        .selectFrom('event_exceptions')
        .where('status', '=', 'OPEN')
        .select((eb) => [
          'handler',
          eb.fn.countAll<number>().as('open'),
          eb.fn.min('first_failed_at').as('oldest'),
        ])
        .groupBy('handler')
        .execute();
      const names = [
        ...new Set([...options.handlers.map((h) => h.name), ...rows.map((r) => r.handler)]),
      ].sort();
      return names.map((handler) => {
        const row = rows.find((r) => r.handler === handler);
        return { handler, open: Number(row?.open ?? 0), oldestOpenAt: row?.oldest ?? null };
      });
    },

    get,

    async statusOf(handler, eventId) {
      const row = await db
        .selectFrom('event_exceptions')
        .select('status')
        .where('handler', '=', handler)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row?.status ?? null;
    },

    async record({ handler, event, error, attempts }) {
      const now = new Date().toISOString();
      await db
        .insertInto('event_exceptions')
        .values({
          handler,
          event_id: event.id,
          event_type: event.type,
          source: event.source,
          aggregate_id: event.aggregateId,
          correlation_id: event.correlationId,
          occurred_at: event.occurredAt,
          payload: JSON.stringify(event.payload),
          error,
          attempts,
          status: 'OPEN',
          first_failed_at: now,
          last_failed_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['handler', 'event_id']).doUpdateSet({
            error: (eb) => eb.ref('excluded.error'),
            attempts: sql<number>`event_exceptions.attempts + excluded.attempts`,
            last_failed_at: (eb) => eb.ref('excluded.last_failed_at'),
            status: 'OPEN',
            resolved_at: null,
            resolved_by: null,
          }),
        )
        .execute();
    },

    async resolve(handler, eventId, by) {
      await db
        .updateTable('event_exceptions')
        .set({ status: 'REPLAYED', resolved_at: new Date().toISOString(), resolved_by: by })
        .where('handler', '=', handler)
        .where('event_id', '=', eventId)
        .where('status', '=', 'OPEN')
        .execute();
    },

    async replay(id, by) {
      const found = await open(id, 'REPLAYED');
      const event = eventOf(found);
      try {
        const handler = options.handlers.find((h) => h.name === found.handler);
        if (!handler)
          throw new Error(
            `${options.subgraph} has no event handler named ${found.handler} any more`,
          );
        await handler.handle(event, options.contextFor(event, handler.name));
      } catch (error) {
        await db
          .updateTable('event_exceptions')
          .set({
            error: errorMessage(error),
            attempts: sql<number>`attempts + 1`,
            last_failed_at: new Date().toISOString(),
          })
          .where('id', '=', id)
          .where('status', '=', 'OPEN')
          .execute();
        return (await get(id))!;
      }
      await db
        .updateTable('event_exceptions')
        .set({ status: 'REPLAYED', resolved_at: new Date().toISOString(), resolved_by: by })
        .where('id', '=', id)
        .where('status', '=', 'OPEN')
        .execute();
      return (await get(id))!;
    },

    async discard(id, by, reason) {
      await open(id, 'DISCARDED');
      const result = await db
        .updateTable('event_exceptions')
        .set({
          status: 'DISCARDED',
          resolved_at: new Date().toISOString(),
          resolved_by: by,
          note: reason,
        })
        .where('id', '=', id)
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      const now = (await get(id))!;
      // Someone replayed or discarded it between the read and the write.
      if (Number(result.numUpdatedRows) === 0) throw notOpen(publicId(id), now.status, 'DISCARDED');
      return now;
    },
  };
}

/** A transition the exception's status does not allow (only OPEN exceptions are replayed or discarded). */
function notOpen(id: string, from: EventExceptionStatus, to: EventExceptionStatus): GraphQLError {
  return invalidStateTransition(
    'EventException',
    id,
    from,
    to,
    `EventException ${id} is ${from}; only an OPEN exception can become ${to}`,
  );
}

/** The event as it was delivered, rebuilt from the exception (to replay it). */
function eventOf(exception: EventException): DomainEvent {
  return {
    id: exception.eventId,
    type: exception.eventType,
    source: exception.source,
    aggregateId: exception.aggregateId,
    payload: JSON.parse(exception.payload),
    correlationId: exception.correlationId,
    occurredAt: exception.occurredAt,
  };
}

function toException(row: Row): EventException {
  return {
    id: Number(row.id),
    handler: row.handler,
    eventId: row.event_id,
    eventType: row.event_type,
    source: row.source,
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    occurredAt: row.occurred_at,
    payload: row.payload,
    error: row.error,
    attempts: Number(row.attempts),
    status: row.status,
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    note: row.note,
  };
}
