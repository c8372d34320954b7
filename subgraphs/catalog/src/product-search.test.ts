import { randomUUID } from 'node:crypto';
import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { sql } from 'kysely';
import { catalogSubgraph, type CatalogDB, type CatalogStore } from './index';

/**
 * products(search:) takes what a client typed: it is matched literally (LIKE's `%`, `_` and the
 * escape character are escaped) and bounded by its declared length (200), on SQLite and on
 * PostgreSQL (TEST_DATABASE_URL, default the local server, in a schema of its own dropped afterwards).
 */
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const NAMES = [
  '100% Cotton Rag',
  'Cotton Rag 100',
  'Wire_Nut Red',
  'WireXNut Blue',
  'Back\\slash Bracket',
  'Plain Washer',
];

describe.each([
  ['SQLite', () => ({ dataDir: ':memory:' })],
  [
    'PostgreSQL',
    () => ({ databaseUrl, databaseSchema: `catalog_search_${randomUUID().slice(0, 8)}` }),
  ],
])('products(search:) on %s', (_engine, options) => {
  let catalog: RunningSubgraph<CatalogDB, CatalogStore>;
  const runtime = options();

  beforeAll(async () => {
    catalog = await openSubgraph(catalogSubgraph, runtime);
    const db = catalog.database.db;
    await db
      .insertInto('categories')
      .values({ id: 'CAT-S', name: 'Search', parent_id: null })
      .execute();
    await db
      .insertInto('products')
      .values(
        NAMES.map((name, i) => ({
          id: `PRD-S${i + 1}`,
          sku: `SRCH-${i + 1}`,
          name,
          description: name,
          category_id: 'CAT-S',
          unit_of_measure: 'EA',
          status: 'ACTIVE',
          list_price_cents: 100,
          cost_price_cents: 50,
          currency: 'USD',
        })),
      )
      .execute();
  });

  afterAll(async () => {
    if ('databaseSchema' in runtime)
      await sql`drop schema if exists ${sql.id(runtime.databaseSchema)} cascade`.execute(
        catalog.database.db,
      );
    await catalog.close();
  });

  const search = (text: string) =>
    querySubgraph(
      catalog.server,
      'query ($q: String) { products(search: $q, first: 100) { totalCount edges { node { name } } } }',
      { q: text },
    );
  const names = async (text: string) => {
    const result = await search(text);
    expect(result.errors).toBeUndefined();
    return result.data.products.edges.map((edge: { node: { name: string } }) => edge.node.name);
  };

  test('% and _ are matched as themselves, not as wildcards', async () => {
    expect(await names('%')).toEqual(['100% Cotton Rag']);
    expect(await names('0% c')).toEqual(['100% Cotton Rag']);
    expect(await names('_')).toEqual(['Wire_Nut Red']);
    expect(await names('wire_nut')).toEqual(['Wire_Nut Red']);
    expect(await names('\\')).toEqual(['Back\\slash Bracket']);
    expect(await names('%%%')).toEqual([]);
    expect((await search('%')).data.products.totalCount).toBe(1);
  });

  test('an ordinary search still finds parts of names and SKUs, case-insensitively', async () => {
    expect(await names('COTTON')).toEqual(['100% Cotton Rag', 'Cotton Rag 100']);
    expect(await names('srch-6')).toEqual(['Plain Washer']);
  });

  test('a search over its declared 200 characters is BAD_USER_INPUT naming it, never a database error', async () => {
    expect(await names('x'.repeat(200))).toEqual([]);
    for (const text of ['x'.repeat(201), '%_'.repeat(25_000)]) {
      const result = await search(text);
      expect(result.status).toBe(200);
      expect(result.data).toBeNull(); // products is non-null
      expect(result.errors).toMatchObject([
        {
          message: `search must hold at most 200 characters, got ${text.length}`,
          extensions: { code: 'BAD_USER_INPUT', argument: 'search' },
        },
      ]);
    }
  });
});
