// A tiny subgraph for the event runtime's tests: `announce(key)` writes an Announced event through the
// outbox; its handler counts announcements per key (idempotently), and fails for keys marked poisoned
// until the mark is lifted (the "fix" an operator makes before replaying).
import type { Kysely, Migration } from 'kysely';
import type { SubgraphContext } from '../context';
import { createSubgraphBuilder } from '../schema-builder';
import type { SubgraphDefinition } from '../subgraph';
import { addEventExceptionFields } from '../events/event-exception-fields';
import type { EventHandler } from '../events/handlers';
import { appendToOutbox, consumeOnce } from '../events/outbox';

export interface TallyDB {
  tallies: { key: string; count: number };
  poisoned: { key: string };
}

export interface TallyStore {
  announce(key: string, correlationId: string): Promise<void>;
  count(key: string, delivery: { handler: string; eventId: string }): Promise<void>;
  tally(key: string): Promise<number>;
  poison(key: string, poisoned: boolean): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '0001_tallies': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tallies')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('poisoned')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .execute();
    },
  },
};

function createTallyStore(db: Kysely<TallyDB>): TallyStore {
  return {
    announce: (key, correlationId) =>
      db.transaction().execute(async (trx) => {
        await appendToOutbox(trx, {
          source: 'tally',
          type: 'Announced',
          aggregateId: key,
          payload: { key },
          correlationId,
        });
      }),
    count: (key, delivery) =>
      db.transaction().execute(async (trx) => {
        if (
          await trx.selectFrom('poisoned').select('key').where('key', '=', key).executeTakeFirst()
        )
          throw new Error(`key ${key} is poisoned`);
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return;
        await trx
          .insertInto('tallies')
          .values({ key, count: 1 })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({ count: eb('tallies.count', '+', 1) })),
          )
          .execute();
      }),
    tally: async (key) =>
      (await db.selectFrom('tallies').select('count').where('key', '=', key).executeTakeFirst())
        ?.count ?? 0,
    poison: async (key, poisoned) => {
      if (poisoned)
        await db
          .insertInto('poisoned')
          .values({ key })
          .onConflict((oc) => oc.doNothing())
          .execute();
      else await db.deleteFrom('poisoned').where('key', '=', key).execute();
    },
  };
}

export const countAnnouncements: EventHandler<TallyStore> = {
  name: 'tally.count-announcements',
  on: ['Announced'],
  handle: (event, { store, handler }) =>
    store.count((event.payload as { key: string }).key, { handler, eventId: event.id }),
};

const { builder } = createSubgraphBuilder<SubgraphContext<TallyStore>>();
builder.queryType({
  fields: (t) => ({
    tally: t.int({
      args: { key: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => ctx.store.tally(args.key),
    }),
  }),
});
builder.mutationType({
  fields: (t) => ({
    announce: t.boolean({
      args: { key: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await ctx.store.announce(args.key, ctx.correlationId);
        ctx.events.kick();
        return true;
      },
    }),
  }),
});
addEventExceptionFields(builder, { subgraph: 'tally', stage: 'fulfillment' });

export const tallySubgraph: SubgraphDefinition<TallyDB, TallyStore> = {
  name: 'tally',
  defaultPort: 0,
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.9' }),
  migrations,
  createStore: createTallyStore,
  eventHandlers: [countAnnouncements],
};
