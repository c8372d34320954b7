import { migrations as catalogMigrations } from '@switchyard/catalog/src/migrations';
import { migrations as customersMigrations } from '@switchyard/customers/src/migrations';
import { migrations as financeMigrations } from '@switchyard/finance/src/migrations';
import { migrations as inventoryMigrations } from '@switchyard/inventory/src/migrations';
import { openDatabase, type Database } from '@switchyard/kit';
import { migrations as ordersMigrations } from '@switchyard/orders/src/migrations';
import { migrations as shipmentsMigrations } from '@switchyard/shipments/src/migrations';
import type { Kysely, Migration } from 'kysely';
import {
  generateDataset,
  seedIfEmpty,
  writeDataset,
  type Dataset,
  type SeedDatabases,
} from './index';

const MIGRATIONS: Record<keyof SeedDatabases, Record<string, Migration>> = {
  customers: customersMigrations,
  catalog: catalogMigrations,
  inventory: inventoryMigrations,
  orders: ordersMigrations,
  shipments: shipmentsMigrations,
  finance: financeMigrations,
};

/** Six fresh, migrated in-memory SQLite databases, as the subgraphs open them. */
async function openSix(): Promise<{ dbs: SeedDatabases; close(): Promise<void> }> {
  const opened: Database<any>[] = [];
  const dbs = {} as Record<string, Kysely<any>>;
  for (const [name, migrations] of Object.entries(MIGRATIONS)) {
    const database = await openDatabase<any>({ name, dataDir: ':memory:', migrations });
    opened.push(database);
    dbs[name] = database.db;
  }
  return {
    dbs: dbs as unknown as SeedDatabases,
    close: async () => void (await Promise.all(opened.map((d) => d.close()))),
  };
}

async function rowCount(db: Kysely<any>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test('writes a small dataset into the six databases and reads back every row', async () => {
  const dataset = generateDataset({ seed: 42, scale: 0.05 });
  const { dbs, close } = await openSix();
  try {
    await writeDataset(dataset, dbs);
    for (const [system, tables] of Object.entries(dataset) as [
      keyof Dataset,
      Record<string, unknown[]>,
    ][]) {
      for (const [table, rows] of Object.entries(tables)) {
        expect({ table: `${system}.${table}`, rows: await rowCount(dbs[system], table) }).toEqual({
          table: `${system}.${table}`,
          rows: rows.length,
        });
      }
    }
    const acme = await dbs.customers
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', 'CUS-0001')
      .executeTakeFirstOrThrow();
    expect(acme).toEqual(dataset.customers.customers[0]);
    const firstInvoice = await dbs.finance
      .selectFrom('invoices')
      .selectAll()
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(firstInvoice).toEqual(dataset.finance.invoices[0]);
  } finally {
    await close();
  }
});

test('seedIfEmpty seeds empty databases once, then leaves them alone', async () => {
  const { dbs, close } = await openSix();
  try {
    expect(await seedIfEmpty(dbs, { seed: 3, scale: 0.05 })).toBe(true);
    const orders = await rowCount(dbs.orders, 'orders');
    expect(orders).toBe(generateDataset({ seed: 3, scale: 0.05 }).orders.orders.length);
    expect(await seedIfEmpty(dbs, { seed: 3, scale: 0.05 })).toBe(false);
    expect(await rowCount(dbs.orders, 'orders')).toBe(orders);
  } finally {
    await close();
  }
});

test('seedIfEmpty refuses to top up databases left half-written, naming them', async () => {
  const { dbs, close } = await openSix();
  try {
    await dbs.shipments
      .insertInto('carriers')
      .values({ id: 'CAR-UPS', code: 'UPS', name: 'UPS', scac: 'UPSN', mode: 'PARCEL' })
      .execute();
    await expect(seedIfEmpty(dbs, { scale: 0.05 })).rejects.toThrow(/shipments\.carriers/);
    expect(await rowCount(dbs.customers, 'customers')).toBe(0);
  } finally {
    await close();
  }
});

test('seedIfEmpty fills the channel and carrier projections a data folder seeded before them lacks, as the seed writes them', async () => {
  const { dbs, close } = await openSix();
  try {
    const dataset = generateDataset({ seed: 3, scale: 0.05 });
    await writeDataset(dataset, dbs);
    await dbs.customers.deleteFrom('customer_channels').execute();
    await dbs.orders.deleteFrom('shipment_carriers').execute();
    expect(await seedIfEmpty(dbs, { seed: 3, scale: 0.05 })).toBe(false);
    const channels = await dbs.customers
      .selectFrom('customer_channels')
      .selectAll()
      .orderBy('customer_id')
      .orderBy('channel')
      .execute();
    expect(channels).toEqual(
      [...dataset.customers.customer_channels].sort(
        (a, b) => a.customer_id.localeCompare(b.customer_id) || a.channel.localeCompare(b.channel),
      ),
    );
    expect(await rowCount(dbs.orders, 'shipment_carriers')).toBe(
      dataset.orders.shipment_carriers.length,
    );
    expect(dataset.orders.shipment_carriers.length).toBeGreaterThan(0);
  } finally {
    await close();
  }
});
