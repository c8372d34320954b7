import type { CatalogDB } from '@switchyard/catalog/src/migrations';
import type { CustomersDB } from '@switchyard/customers/src/migrations';
import type { FinanceDB } from '@switchyard/finance/src/migrations';
import type { InventoryDB } from '@switchyard/inventory/src/migrations';
import type { OrdersDB } from '@switchyard/orders/src/migrations';
import type { ShipmentsDB } from '@switchyard/shipments/src/migrations';

/** The rows of every table of one database, keyed by table name. */
export type Tables<DB> = { [Table in keyof DB]: DB[Table][] };

/** The six systems of record's seed data: one entry per subgraph database. */
export interface Dataset {
  customers: Tables<CustomersDB>;
  catalog: Tables<CatalogDB>;
  inventory: Tables<InventoryDB>;
  orders: Tables<OrdersDB>;
  shipments: Tables<ShipmentsDB>;
  finance: Tables<FinanceDB>;
}

export type SystemOfRecord = keyof Dataset;

export interface GenerateOptions {
  /** The same seed always gives the same dataset (default 42). */
  seed?: number;
  /** 1 = 200 customers, 2,000 products, 4 warehouses, 5,000 orders; counts scale linearly (default 1). */
  scale?: number;
}

export type { CatalogDB, CustomersDB, FinanceDB, InventoryDB, OrdersDB, ShipmentsDB };
