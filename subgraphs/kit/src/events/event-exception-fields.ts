import type { SchemaTypes } from '@pothos/core';
import { extendBusinessHealth } from '../business-health';
import { badUserInput } from '../errors';
import { pageRequest, toConnection, type Connection } from '../pagination';
import type { SubgraphContext } from '../context';
import type { SubgraphBuilder } from '../schema-builder';
import type { EventException, EventExceptionStatus, EventQueueDepth } from './exception-queue';

export interface EventExceptionFieldsOptions {
  /** The subgraph's name, lower case (`inventory`): it names the fields and prefixes the exception ids. */
  subgraph: string;
  /**
   * The subgraph's BusinessHealth type: its external ref (extendBusinessHealth), or the owner's object
   * ref (orders). Absent: the helper declares BusinessHealth as an external entity itself (extendBusinessHealth).
   */
  healthRef?: unknown;
  /** The order-to-cash stage of the root fields, as `@tag(name: "stage:<stage>")`; untagged when absent. */
  stage?: string;
}

/** Operators (dev-platform-admin, dev-finance-ops) hold it. */
export const EVENTS_OPERATE_SCOPE = 'events:operate';

const STATUSES = [
  'OPEN',
  'REPLAYED',
  'DISCARDED',
] as const satisfies readonly EventExceptionStatus[];
const MAX_REASON_LENGTH = 500;

/**
 * Adds the subgraph's exception queue to its schema: `Query.<subgraph>EventExceptions`,
 * `Mutation.replay<Subgraph>EventException`, `Mutation.discard<Subgraph>EventException` (scope
 * events:operate) and `BusinessHealth.<subgraph>ExceptionQueues`. The types (EventException,
 * EventQueueDepth, the connection) are @shareable values, the same in every subgraph, so the gateway
 * composes them. The subgraph must declare its Mutation type (`builder.mutationType`). Resolvers read
 * `ctx.events` (openSubgraph wires it).
 */
export function addEventExceptionFields<Types extends SchemaTypes>(
  typedBuilder: PothosSchemaTypes.SchemaBuilder<Types>,
  options: EventExceptionFieldsOptions,
): void {
  // The fields are the same for every subgraph's builder; Pothos cannot type a builder of unknown context, so they are written untyped.
  const builder = typedBuilder as unknown as PothosSchemaTypes.SchemaBuilder<any>;
  const subgraph = options.subgraph;
  const Subgraph = subgraph.charAt(0).toUpperCase() + subgraph.slice(1);
  const tag = options.stage ? { tag: [`stage:${options.stage}`] } : {};
  const operate = { requiresScopes: [[EVENTS_OPERATE_SCOPE]] };

  const Status = builder.enumType('EventExceptionStatus', {
    description:
      'OPEN waits for an operator; REPLAYED was processed by a replay (or a later delivery); DISCARDED was dropped on purpose.',
    values: STATUSES,
  });

  const ExceptionType = builder.objectRef<EventException>('EventException').implement({
    description:
      'An event a handler failed on after its retries: it waits in the owning subgraph until an operator replays or discards it.',
    shareable: true,
    fields: (t: any) => ({
      id: t.id({
        description: '`<subgraph>:<number>`.',
        resolve: (e: EventException) => `${subgraph}:${e.id}`,
      }),
      handler: t.exposeString('handler', {
        description: 'The consumer that failed, `<subgraph>.<what-it-does>`.',
      }),
      eventId: t.exposeString('eventId'),
      eventType: t.exposeString('eventType'),
      aggregateId: t.exposeString('aggregateId', { description: 'The record the event is about.' }),
      correlationId: t.exposeString('correlationId', {
        description:
          'The x-correlation-id of the request that caused the event: find its logs and spans with it.',
      }),
      error: t.exposeString('error', { description: "The last failure's message." }),
      attempts: t.exposeInt('attempts', { description: 'Failed deliveries and replays, in all.' }),
      status: t.field({ type: Status, resolve: (e: EventException) => e.status }),
      firstFailedAt: t.field({ type: 'DateTime', resolve: (e: EventException) => e.firstFailedAt }),
      lastFailedAt: t.field({ type: 'DateTime', resolve: (e: EventException) => e.lastFailedAt }),
      resolvedAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (e: EventException) => e.resolvedAt,
      }),
      resolvedBy: t.exposeString('resolvedBy', {
        nullable: true,
        description: 'The operator (caller id) who replayed or discarded it.',
      }),
      payload: t.exposeString('payload', { description: "The event's payload as JSON text." }),
      note: t.exposeString('note', { nullable: true, description: 'Why it was discarded.' }),
    }),
  });

  const Edge = builder
    .objectRef<{ cursor: string; node: EventException }>('EventExceptionEdge')
    .implement({
      shareable: true,
      fields: (t: any) => ({
        cursor: t.exposeString('cursor'),
        node: t.field({
          type: ExceptionType,
          resolve: (edge: { node: EventException }) => edge.node,
        }),
      }),
    });

  const Connection = builder
    .objectRef<Connection<EventException>>('EventExceptionConnection')
    .implement({
      shareable: true,
      fields: (t: any) => ({
        edges: t.field({ type: [Edge], resolve: (c: Connection<EventException>) => c.edges }),
        pageInfo: t.field({
          type: 'PageInfo',
          resolve: (c: Connection<EventException>) => c.pageInfo,
        }),
        totalCount: t.int({ resolve: (c: Connection<EventException>) => c.totalCount() }),
      }),
    });

  const QueueDepth = builder.objectRef<EventQueueDepth>('EventQueueDepth').implement({
    description: 'The exceptions waiting for an operator at one consumer (event handler), now.',
    shareable: true,
    fields: (t: any) => ({
      handler: t.exposeString('handler'),
      open: t.exposeInt('open'),
      oldestOpenAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (d: EventQueueDepth) => d.oldestOpenAt,
      }),
    }),
  });

  /** The row number of `<subgraph>:<n>`; another subgraph's id, or no id at all, is bad input. */
  const rowOf = (id: string | number): number => {
    const match = new RegExp(`^${subgraph}:([1-9][0-9]{0,15})$`).exec(String(id));
    if (!match)
      throw badUserInput(
        `id must be an exception of ${subgraph} (\`${subgraph}:<number>\`), got ${JSON.stringify(String(id))}`,
        'id',
      );
    return Number(match[1]);
  };

  builder.queryField(`${subgraph}EventExceptions`, (t: any) =>
    t.field({
      type: Connection,
      nullable: true,
      ...tag,
      ...operate,
      description: `The events ${subgraph}'s handlers failed on, newest first.`,
      args: {
        status: t.arg({
          type: Status,
          defaultValue: 'OPEN',
          description:
            'Only the exceptions in this status (default OPEN); null lists every status.',
        }),
        handler: t.arg.string({ description: 'Only the exceptions of this handler (consumer).' }),
        first: t.arg.int({ description: 'How many to return (0..100, default 20).' }),
        after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      },
      resolve: async (
        _root: unknown,
        args: {
          status?: EventExceptionStatus | null;
          handler?: string | null;
          first?: number | null;
          after?: string | null;
        },
        ctx: SubgraphContext<unknown>,
      ) => {
        const page = pageRequest(args);
        if (page.afterKey !== null && !/^[0-9]+$/.test(page.afterKey))
          throw badUserInput('"after" is not a cursor of this list', 'after');
        const filter = { status: args.status ?? undefined, handler: args.handler ?? undefined };
        const rows = await ctx.events.exceptions.list(filter, page);
        return toConnection(
          rows,
          page,
          (e) => String(e.id),
          () => ctx.events.exceptions.count(filter),
        );
      },
    }),
  );

  builder.mutationField(`replay${Subgraph}EventException`, (t: any) =>
    t.field({
      type: ExceptionType,
      nullable: true,
      ...tag,
      ...operate,
      description:
        'Runs the handler on the event again, now. Success: REPLAYED. Failure: the exception stays OPEN with the new error and one more attempt (answered, not raised). Only an OPEN exception can be replayed (INVALID_STATE_TRANSITION).',
      args: { id: t.arg.id({ required: true }) },
      resolve: async (
        _root: unknown,
        args: { id: string | number },
        ctx: SubgraphContext<unknown>,
      ) => {
        const replayed = await ctx.events.exceptions.replay(rowOf(args.id), ctx.caller.id);
        // A handler that succeeded usually announced what it did: publish it now.
        ctx.events.kick();
        return replayed;
      },
    }),
  );

  builder.mutationField(`discard${Subgraph}EventException`, (t: any) =>
    t.field({
      type: ExceptionType,
      nullable: true,
      ...tag,
      ...operate,
      description:
        'Drops the event for this handler on purpose (OPEN → DISCARDED), with the reason; a later delivery of it is skipped.',
      args: {
        id: t.arg.id({ required: true }),
        reason: t.arg.string({
          required: true,
          description: `Why (1..${MAX_REASON_LENGTH} characters).`,
        }),
      },
      resolve: (
        _root: unknown,
        args: { id: string | number; reason: string },
        ctx: SubgraphContext<unknown>,
      ) => {
        const row = rowOf(args.id);
        const reason = args.reason.trim();
        if (reason.length === 0 || reason.length > MAX_REASON_LENGTH)
          throw badUserInput(`reason must hold 1 to ${MAX_REASON_LENGTH} characters`, 'reason');
        return ctx.events.exceptions.discard(row, ctx.caller.id, reason);
      },
    }),
  );

  const queuesField = (t: any) =>
    t.field({
      type: [QueueDepth],
      nullable: true,
      description: `Events waiting for an operator at each of ${subgraph}'s consumers, now (not over the window).`,
      resolve: (_health: unknown, _args: unknown, ctx: SubgraphContext<unknown>) =>
        ctx.events.exceptions.depth(),
    });
  const health =
    options.healthRef ?? extendBusinessHealth(typedBuilder as unknown as SubgraphBuilder<object>);
  builder.objectField(health as any, `${subgraph}ExceptionQueues`, queuesField);
}
