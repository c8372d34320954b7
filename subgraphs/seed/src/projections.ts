import type { SeedDatabases } from './write';

/**
 * Fills what the customers and orders subgraphs learn from each other's events (the channels each
 * customer orders through, the carrier of each shipment) in databases seeded before they kept it:
 * the events that carried those facts were consumed long ago, so without this a web store would see
 * none of its customers and a 3pl none of its orders in a data folder `npm start` made earlier. Only
 * an empty projection is filled (a non-empty one is the handlers' own); true when something was.
 */
export async function fillMissingProjections(dbs: SeedDatabases): Promise<boolean> {
  let filled = false;
  if (await isEmpty(dbs.customers, 'customer_channels')) {
    const channels = await dbs.orders
      .selectFrom('orders')
      .select(['customer_id', 'channel'])
      .distinct()
      .execute();
    for (const chunk of chunks(channels))
      await dbs.customers.insertInto('customer_channels').values(chunk).execute();
    filled ||= channels.length > 0;
  }
  if (await isEmpty(dbs.orders, 'shipment_carriers')) {
    const carriers = await dbs.shipments
      .selectFrom('shipments')
      .select(['id as shipment_id', 'order_id', 'carrier_id'])
      .execute();
    for (const chunk of chunks(carriers))
      await dbs.orders.insertInto('shipment_carriers').values(chunk).execute();
    filled ||= carriers.length > 0;
  }
  return filled;
}

async function isEmpty(db: SeedDatabases[keyof SeedDatabases], table: string): Promise<boolean> {
  return (
    (await (db as SeedDatabases['orders'])
      .selectFrom(table as 'orders')
      .selectAll()
      .limit(1)
      .executeTakeFirst()) === undefined
  );
}

/** Rows in INSERTs of at most 1,000 (three columns: far below every database's parameter limit). */
function* chunks<Row>(rows: Row[]): Generator<Row[]> {
  for (let start = 0; start < rows.length; start += 1000) yield rows.slice(start, start + 1000);
}
