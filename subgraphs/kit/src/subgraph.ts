import { printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import type { IRules } from 'graphql-shield';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import { openDatabase, type Database } from './database';
import { KIT_EVENT_MIGRATIONS } from './events/event-tables';
import type { EventHandler } from './events/handlers';
import { createInProcessTransport } from './events/in-process-transport';
import {
  createSubgraphEvents,
  type EventOptions,
  type SubgraphEvents,
} from './events/subgraph-events';
import type { EventTransport } from './events/transport';
import { eventRetentionTask } from './events/event-retention';
import {
  DEFAULT_HOUSEKEEPING,
  startHousekeeping,
  type Housekeeping,
  type HousekeepingOptions,
  type HousekeepingTask,
} from './housekeeping';
import { DEVELOPMENT_IDENTITY_SECRET } from './identity-header';
import { withInputLimits } from './input-limits';
import { withRowSecurity } from './row-security';
import { createSubgraphServer } from './server';
import { createServiceClient, type ServiceClient } from './service-client';

/** Everything that makes one subgraph: its schema, its system of record and how to reach it. */
export interface SubgraphDefinition<DB, Store> {
  name: string;
  /** The port it listens on by default (see supergraph.yaml and docker-compose.yml). */
  defaultPort: number;
  /** The schema as built (printed to schema.graphql); it is served with `rowRules` applied. */
  schema: GraphQLSchema;
  /** Row-level security (graphql-shield rules, see row-security.ts); absent when every row is public. */
  rowRules?: IRules;
  /** The subgraph's own migrations; the kit adds its event tables (events/event-tables.ts) to them. */
  migrations: Record<string, Migration>;
  createStore(db: Kysely<DB>): Store;
  /** What it does when other subgraphs announce something: each handler is one consumer group. */
  eventHandlers?: EventHandler<Store>[];
  /** The subgraphs it calls synchronously (ctx.services); each needs a URL in serviceUrls. */
  dependsOn?: string[];
  /** Periodic work on its own records (housekeeping.ts), e.g. releasing orphaned reservations. */
  housekeeping?: HousekeepingTask<Store>[];
}

export interface SubgraphRuntimeOptions {
  dataDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  logLevel?: string;
  /** The secret x-switchyard-identity is signed with (see createSubgraphServer); default DEVELOPMENT_IDENTITY_SECRET. */
  identitySecret?: string;
  /**
   * The event transport, shared by every subgraph that must see the others' events (one per process, or
   * Redis Streams). Default: a new in-process transport of this subgraph alone, closed with it.
   */
  events?: EventTransport;
  /**
   * Subgraph name → GraphQL URL, for the calls it makes (ctx.services, handlers' services). Read at each
   * call, so a host may fill it after the subgraphs listen. Default: none (every call is DEPENDENCY_UNAVAILABLE).
   */
  serviceUrls?: Map<string, string>;
  /** Relay interval, retries and backoff of the event runtime (see EventOptions for defaults). */
  eventOptions?: EventOptions;
  /** How long a call to another subgraph may take. Default 2000 ms. */
  serviceTimeoutMs?: number;
  /** How often housekeeping runs and when a reservation is an orphan (see HousekeepingOptions for defaults). */
  housekeeping?: HousekeepingOptions;
}

export interface RunningSubgraph<DB, Store> {
  name: string;
  definition: SubgraphDefinition<DB, Store>;
  database: Database<DB>;
  store: Store;
  server: FastifyInstance;
  /** Its calls to other subgraphs (without a request's correlation id). */
  services: ServiceClient;
  /** Its exception queue and relay kick, as resolvers see them. */
  events: SubgraphEvents;
  /** The transport it publishes to and consumes from. */
  transport: EventTransport;
  /** Its periodic tasks (runOnce runs a round now, e.g. with a clock moved forward in a test). */
  housekeeping: Housekeeping;
  /** Stops consuming and relaying, then the server, then closes the database (and the transport if it made it). */
  close(): Promise<void>;
}

const NO_SERVICE_URLS: ReadonlyMap<string, string> = new Map();

/**
 * Opens the database (migrating it), builds the store and the HTTP server, then starts the outbox
 * relay and the event consumers; does not listen yet.
 */
export async function openSubgraph<DB, Store>(
  definition: SubgraphDefinition<DB, Store>,
  options: SubgraphRuntimeOptions = {},
): Promise<RunningSubgraph<DB, Store>> {
  const database = await openDatabase<DB>({
    name: definition.name,
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    databaseSchema: options.databaseSchema,
    migrations: { ...KIT_EVENT_MIGRATIONS, ...definition.migrations },
  });
  const store = definition.createStore(database.db);
  const identitySecret = options.identitySecret ?? DEVELOPMENT_IDENTITY_SECRET;
  const serviceUrls = options.serviceUrls;
  const services = createServiceClient({
    caller: definition.name,
    urls: () => serviceUrls ?? NO_SERVICE_URLS,
    identitySecret,
    timeoutMs: options.serviceTimeoutMs,
  });
  const transport = options.events ?? createInProcessTransport();
  const eventRuntime = createSubgraphEvents({
    subgraph: definition.name,
    db: database.db as Kysely<any>,
    dialect: database.dialect,
    store,
    services,
    transport,
    handlers: definition.eventHandlers ?? [],
    options: options.eventOptions,
  });
  const server = await createSubgraphServer({
    name: definition.name,
    schema: servedSchema(definition),
    store,
    logLevel: options.logLevel,
    identitySecret,
    runtime: { services, events: eventRuntime.events },
  });
  const closeResources = async () => {
    await server.close();
    await services.close();
    if (!options.events) await transport.close();
    await database.close();
  };
  try {
    await eventRuntime.start(server.log);
  } catch (error) {
    await closeResources();
    throw error;
  }
  const retentionMs =
    options.housekeeping?.eventRetentionMs ?? DEFAULT_HOUSEKEEPING.eventRetentionMs;
  const housekeeping = startHousekeeping(
    [
      ...(definition.housekeeping ?? []),
      eventRetentionTask(database.db as Kysely<any>, transport, retentionMs),
    ],
    store,
    options.housekeeping ?? {},
    server.log,
  );
  let closing: Promise<void> | undefined;
  return {
    name: definition.name,
    definition,
    database,
    store,
    server,
    services,
    events: eventRuntime.events,
    transport,
    housekeeping,
    close: () =>
      (closing ??= (async () => {
        await housekeeping.stop();
        await eventRuntime.stop();
        await closeResources();
      })()),
  };
}

/**
 * The schema as served: text input limits first (input-limits.ts: nothing, not even a row rule's
 * lookup, sees text over its limit), then the row rules, then the resolvers.
 */
export function servedSchema(
  definition: Pick<SubgraphDefinition<unknown, unknown>, 'schema' | 'rowRules'>,
): GraphQLSchema {
  const secured = definition.rowRules
    ? withRowSecurity(definition.schema, definition.rowRules)
    : definition.schema;
  return withInputLimits(secured);
}

/** The SDL the subgraph publishes (with its federation directives), as written to `schema.graphql`. */
export function subgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}
