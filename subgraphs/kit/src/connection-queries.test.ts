import type { Kysely } from 'kysely';
import { countPerParent, countRows, newestPage, newestPagePerParent } from './connection-queries';
import { openDatabase, type Database } from './database';

interface NotesDB {
  notes: { id: string; author_id: string; body: string };
}

let database: Database<NotesDB>;
let db: Kysely<NotesDB>;

beforeAll(async () => {
  const migrations = {
    '0001': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('notes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('author_id', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
  database = await openDatabase<NotesDB>({
    name: 'connection-queries',
    dataDir: ':memory:',
    migrations,
  });
  db = database.db;
  // Authors A and B take turns: N1 A, N2 B, N3 A, ... N7 A.
  const notes = Array.from({ length: 7 }, (_, i) => ({
    id: `N${i + 1}`,
    author_id: i % 2 === 0 ? 'A' : 'B',
    body: `note ${i + 1}`,
  }));
  await db.insertInto('notes').values(notes).execute();
});

afterAll(() => database.close());

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

test('newestPage reads id descending, one extra row, continuing below afterKey', async () => {
  expect(ids(await newestPage(db.selectFrom('notes'), { limit: 2, afterKey: null }))).toEqual([
    'N7',
    'N6',
    'N5',
  ]);
  expect(ids(await newestPage(db.selectFrom('notes'), { limit: 2, afterKey: 'N5' }))).toEqual([
    'N4',
    'N3',
    'N2',
  ]);
});

test('newestPagePerParent reads a page of each parent in one statement, grouped by parent', async () => {
  database.statements.count = 0;
  const rows = await newestPagePerParent(db, db.selectFrom('notes'), 'author_id', ['A', 'B', 'C'], {
    limit: 1,
    afterKey: null,
  });
  expect(rows.map((r) => [r.author_id, r.id])).toEqual([
    ['A', 'N7'],
    ['A', 'N5'],
    ['B', 'N6'],
    ['B', 'N4'],
  ]);
  expect(database.statements.count).toBe(1);
  const after = await newestPagePerParent(
    db,
    db.selectFrom('notes').where('body', '!=', 'note 3'),
    'author_id',
    ['A'],
    { limit: 5, afterKey: 'N5' },
  );
  expect(ids(after)).toEqual(['N1']);
  expect(
    await newestPagePerParent(db, db.selectFrom('notes'), 'author_id', [], {
      limit: 5,
      afterKey: null,
    }),
  ).toEqual([]);
});

test('countRows and countPerParent count what the query selects; parents without rows are absent', async () => {
  expect(await countRows(db.selectFrom('notes'))).toBe(7);
  expect(await countRows(db.selectFrom('notes').where('author_id', '=', 'B'))).toBe(3);
  expect(await countPerParent(db.selectFrom('notes'), 'author_id', ['A', 'B', 'C'])).toEqual(
    new Map([
      ['A', 4],
      ['B', 3],
    ]),
  );
});
