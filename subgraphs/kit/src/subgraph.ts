import { printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import type { IRules } from 'graphql-shield';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import { openDatabase, type Database } from './database';
import { withRowSecurity } from './row-security';
import { createSubgraphServer } from './server';

/** Everything that makes one subgraph: its schema, its system of record and how to reach it. */
export interface SubgraphDefinition<DB, Store> {
  name: string;
  /** The port it listens on by default (see supergraph.yaml and docker-compose.yml). */
  defaultPort: number;
  /** The schema as built (printed to schema.graphql); it is served with `rowRules` applied. */
  schema: GraphQLSchema;
  /** Row-level security (graphql-shield rules, see row-security.ts); absent when every row is public. */
  rowRules?: IRules;
  migrations: Record<string, Migration>;
  createStore(db: Kysely<DB>): Store;
}

export interface SubgraphRuntimeOptions {
  dataDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  logLevel?: string;
  /** The secret x-switchyard-identity is signed with (see createSubgraphServer); default DEVELOPMENT_IDENTITY_SECRET. */
  identitySecret?: string;
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
  const schema = definition.rowRules ? withRowSecurity(definition.schema, definition.rowRules) : definition.schema;
  const server = await createSubgraphServer({ name: definition.name, schema, store, logLevel: options.logLevel, identitySecret: options.identitySecret });
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
