import type { Kysely } from 'kysely';
import type {
  CatalogDB,
  CustomersDB,
  Dataset,
  FinanceDB,
  GenerateOptions,
  InventoryDB,
  OrdersDB,
  ShipmentsDB,
  SystemOfRecord,
} from './dataset';
import { generateDataset } from './generate';
import { fillMissingProjections } from './projections';

/** One Kysely handle per subgraph database (SQLite or PostgreSQL, already migrated). */
export interface SeedDatabases {
  customers: Kysely<CustomersDB>;
  catalog: Kysely<CatalogDB>;
  inventory: Kysely<InventoryDB>;
  orders: Kysely<OrdersDB>;
  shipments: Kysely<ShipmentsDB>;
  finance: Kysely<FinanceDB>;
}

/** Each database's tables, parents before children, so foreign keys hold after every statement. */
const TABLE_ORDER: { [System in SystemOfRecord]: readonly (keyof Dataset[System] & string)[] } = {
  customers: ['customers', 'contacts', 'addresses', 'customer_channels'],
  catalog: [
    'categories',
    'products',
    'price_lists',
    'price_list_items',
    'customer_price_lists',
    'contract_prices',
    'quantity_breaks',
  ],
  inventory: ['warehouses', 'stock_levels', 'allocations'],
  orders: [
    'orders',
    'order_lines',
    'holds',
    'order_status_history',
    'order_shipments',
    'order_invoices',
    'order_idempotency_keys',
    'shipment_carriers',
  ],
  shipments: ['carriers', 'shipments', 'shipment_lines', 'milestones'],
  finance: [
    'tax_rates',
    'tax_rate_changes',
    'invoices',
    'invoice_lines',
    'payments',
    'payment_applications',
    'open_orders',
    'order_ledger',
    'order_ledger_lines',
  ],
};

/** Customers go last: rows in its database mean the whole seed was written. */
const WRITE_ORDER: readonly SystemOfRecord[] = [
  'catalog',
  'inventory',
  'orders',
  'shipments',
  'finance',
  'customers',
];

/**
 * Bound parameters per INSERT. SQLite (as better-sqlite3 12 ships it) allows 32,766 and PostgreSQL
 * 65,535; a quarter of SQLite's limit keeps statements small and still few.
 */
const MAX_PARAMETERS_PER_STATEMENT = 8000;

/** Inserts the dataset: each database in one transaction, in multi-row INSERTs sized by column count. */
export async function writeDataset(dataset: Dataset, dbs: SeedDatabases): Promise<void> {
  for (const system of WRITE_ORDER) {
    const tables = dataset[system] as unknown as Record<string, Record<string, unknown>[]>;
    await (dbs[system] as Kysely<any>).transaction().execute(async (trx) => {
      for (const table of TABLE_ORDER[system]) {
        const rows = tables[table];
        if (!rows.length) continue;
        const rowsPerStatement = Math.max(
          1,
          Math.floor(MAX_PARAMETERS_PER_STATEMENT / Object.keys(rows[0]).length),
        );
        for (let start = 0; start < rows.length; start += rowsPerStatement) {
          await trx
            .insertInto(table)
            .values(rows.slice(start, start + rowsPerStatement))
            .execute();
        }
      }
    });
  }
}

/**
 * Seeds all six databases, or none: when the customer master is empty, it generates the dataset
 * and writes every database; when the customer master holds rows, the graph was seeded (or is in
 * use) and nothing is written but the projections a data folder seeded before them lacks
 * (projections.ts). Resolves to true when it seeded.
 *
 * Customers are written last, so an interrupted seed leaves the customer master empty and the
 * other databases partly filled; that state is refused with an error naming them rather than
 * topped up, since it cannot be told apart from data written by other means.
 */
export async function seedIfEmpty(
  dbs: SeedDatabases,
  options: GenerateOptions = {},
): Promise<boolean> {
  if (!(await isEmpty(dbs.customers, 'customers'))) {
    await fillMissingProjections(dbs);
    return false;
  }
  const filled: string[] = [];
  for (const system of WRITE_ORDER) {
    for (const table of TABLE_ORDER[system]) {
      if (!(await isEmpty(dbs[system], table))) filled.push(`${system}.${table}`);
    }
  }
  if (filled.length) {
    throw new Error(
      `cannot seed: the customers database is empty but ${filled.join(', ')} already hold rows ` +
        '(an interrupted seed?). Empty the six databases (delete the data folder or drop the schemas) and start again.',
    );
  }
  await writeDataset(generateDataset(options), dbs);
  return true;
}

async function isEmpty(db: Kysely<any>, table: string): Promise<boolean> {
  return (await db.selectFrom(table).selectAll().limit(1).executeTakeFirst()) === undefined;
}
