/** `npm run seed`: seeds the six databases (DATA_DIR or DATABASE_URL) unless they already hold data. SEED and SEED_SCALE tune it. */
import { seedDatabases } from './seed-databases';

const started = Date.now();
seedDatabases({
  // Unset: the kit's default, `.data` in the working directory, where the subgraphs look too (not a
  // path from this file, which `npm run build` moves to scripts/dist/).
  dataDir: process.env.DATA_DIR,
  databaseUrl: process.env.DATABASE_URL,
  seed: Number(process.env.SEED ?? 42),
  scale: Number(process.env.SEED_SCALE ?? 1),
})
  .then((seeded) =>
    console.log(
      seeded
        ? `seeded in ${Date.now() - started} ms`
        : 'databases already hold data; nothing seeded',
    ),
  )
  .catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
