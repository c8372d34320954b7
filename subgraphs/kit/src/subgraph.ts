import { printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import { openDatabase, type Database } from './database';
import { createSubgraphServer } from './server';

/** Everything that makes one subgraph: its schema, its system of record and how to reach it. */
export interface SubgraphDefinition<DB, Store> {
  name: string;
  /** The port it listens on by default (see supergraph.yaml and docker-compose.yml). */
  defaultPort: number;
  schema: GraphQLSchema;
  migrations: Record<string, Migration>;
  createStore(db: Kysely<DB>): Store;
}

export interface SubgraphRuntimeOptions {
  dataDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  logLevel?: string;
}

export interface RunningSubgraph<DB, Store> {
  name: string;
  definition: SubgraphDefinition<DB, Store>;
  database: Database<DB>;
  store: Store;
  server: FastifyInstance;
  close(): Promise<void>;
}

/** Opens the database (migrating it), builds the store and the HTTP server; does not listen yet. */
export async function openSubgraph<DB, Store>(
  definition: SubgraphDefinition<DB, Store>,
  options: SubgraphRuntimeOptions = {},
): Promise<RunningSubgraph<DB, Store>> {
  const database = await openDatabase<DB>({
    name: definition.name,
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    databaseSchema: options.databaseSchema,
    migrations: definition.migrations,
  });
  const store = definition.createStore(database.db);
  const server = await createSubgraphServer({ name: definition.name, schema: definition.schema, store, logLevel: options.logLevel });
  return {
    name: definition.name,
    definition,
    database,
    store,
    server,
    async close() {
      await server.close();
      await database.close();
    },
  };
}

/** The SDL the subgraph publishes (with its federation directives), as written to `schema.graphql`. */
export function subgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}
