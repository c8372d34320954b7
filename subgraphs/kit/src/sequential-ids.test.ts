import type { Kysely } from 'kysely';
import { openDatabase, type Database } from './database';
import { sequenceNumberOf, takeGaplessIds, takeIds, type IdSequence } from './sequential-ids';

const THINGS: IdSequence = { table: 'things', prefix: 'THG', width: 6 };

const migrations = {
  '0001': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('things')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
      await db.schema
        .createTable('id_sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_value', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

let database: Database<any>;
beforeEach(async () => {
  database = await openDatabase({ name: 'kit', dataDir: ':memory:', migrations });
  // Seeded ids: one outgrew its padding, and another prefix shares the table.
  await database.db
    .insertInto('things')
    .values([
      { id: 'THG-000009' },
      { id: 'THG-1000000' },
      { id: 'THG-000999' },
      { id: 'OTH-9999999' },
    ])
    .execute();
});
afterEach(() => database.close());

const insert = (trx: Kysely<any>, ids: string[]) =>
  trx
    .insertInto('things')
    .values(ids.map((id) => ({ id })))
    .execute();

test.each([
  ['takeIds', takeIds],
  ['takeGaplessIds', takeGaplessIds],
])(
  '%s continues after the largest number of its prefix, whatever its padding, one after the other',
  async (_name, take) => {
    const first = await database.db.transaction().execute(async (trx) => {
      const ids = await take(trx, THINGS, 2);
      await insert(trx, ids);
      return ids;
    });
    expect(first).toEqual(['THG-1000001', 'THG-1000002']);
    const [next] = await database.db.transaction().execute((trx) => take(trx, THINGS, 1));
    expect(next).toBe('THG-1000003');
    expect(await database.db.transaction().execute((trx) => take(trx, THINGS, 0))).toEqual([]);
  },
);

test('takeIds counts from its sequence row: numbers taken and not used are skipped', async () => {
  await database.db.transaction().execute((trx) => takeIds(trx, THINGS, 3));
  expect(await database.db.transaction().execute((trx) => takeIds(trx, THINGS, 1))).toEqual([
    'THG-1000004',
  ]);
});

test('takeGaplessIds counts from the table: numbers taken and not used are taken again', async () => {
  await database.db.transaction().execute((trx) => takeGaplessIds(trx, THINGS, 3));
  expect(await database.db.transaction().execute((trx) => takeGaplessIds(trx, THINGS, 1))).toEqual([
    'THG-1000001',
  ]);
});

test('an empty table starts at 1, padded to the width', async () => {
  await database.db.deleteFrom('things').execute();
  expect(await database.db.transaction().execute((trx) => takeGaplessIds(trx, THINGS, 1))).toEqual([
    'THG-000001',
  ]);
  expect(await database.db.transaction().execute((trx) => takeIds(trx, THINGS, 1))).toEqual([
    'THG-000001',
  ]);
  expect(sequenceNumberOf('THG-000042')).toBe(42);
});
