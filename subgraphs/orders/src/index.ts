import type { SubgraphDefinition } from '@switchyard/kit';
import { migrations, type OrdersDB } from './migrations';
import { orderRowRules } from './graph/row-rules';
import { schema } from './schema';
import { createSqlOrderStore } from './sql-store';
import type { OrderStore } from './store';

export const ordersSubgraph: SubgraphDefinition<OrdersDB, OrderStore> = {
  name: 'orders',
  defaultPort: 4004,
  schema,
  rowRules: orderRowRules,
  migrations,
  createStore: createSqlOrderStore,
};

export type { HoldRow, OrderLineRow, OrderRow, OrdersDB } from './migrations';
export type * from './store';
