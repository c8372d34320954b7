import type { SubgraphDefinition } from '@switchyard/kit';
import { inventoryEventHandlers } from './event-handlers';
import { inventoryRowRules } from './graph/row-rules';
import { migrations, type InventoryDB } from './migrations';
import { schema } from './schema';
import { createSqlInventoryStore } from './sql-store';
import { expireOrphanedStock } from './stock-reservation-sweeper';
import type { InventoryStore } from './store';

export const inventorySubgraph: SubgraphDefinition<InventoryDB, InventoryStore> = {
  name: 'inventory',
  defaultPort: 4003,
  schema,
  rowRules: inventoryRowRules,
  migrations,
  createStore: createSqlInventoryStore,
  eventHandlers: inventoryEventHandlers,
  housekeeping: [expireOrphanedStock],
};

export type { InventoryDB } from './migrations';
export type * from './store';
