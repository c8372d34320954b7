/** `npm run seed`: seeds the six databases (DATA_DIR or DATABASE_URL) unless they already hold data. SEED and SEED_SCALE tune it. */
import path from 'node:path';
import { seedDatabases } from './seed-databases';

const started = Date.now();
seedDatabases({
  dataDir: process.env.DATA_DIR ?? path.resolve(__dirname, '..', '.data'),
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
