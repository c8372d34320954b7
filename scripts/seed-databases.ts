import { KIT_EVENT_MIGRATIONS, openDatabase } from '@switchyard/kit';
import { seedIfEmpty } from '@switchyard/seed';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

export interface SeedOptions {
  dataDir?: string;
  databaseUrl?: string;
  seed?: number;
  scale?: number;
}

/** Migrates the six databases and fills them with the reproducible seed data if they are empty. True when it seeded. */
export async function seedDatabases(options: SeedOptions): Promise<boolean> {
  const databases = await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      const { migrations } = await loadSubgraphDefinition(name);
      // The same migrations openSubgraph runs (the kit's event tables too): Kysely refuses a database that ran one it is not given.
      return [
        name,
        await openDatabase({
          name,
          dataDir: options.dataDir,
          databaseUrl: options.databaseUrl,
          migrations: { ...KIT_EVENT_MIGRATIONS, ...migrations },
        }),
      ] as const;
    }),
  );
  try {
    const dbs = Object.fromEntries(databases.map(([name, database]) => [name, database.db]));
    return await seedIfEmpty(dbs as never, { seed: options.seed ?? 42, scale: options.scale ?? 1 });
  } finally {
    for (const [, database] of databases) await database.close();
  }
}
