import type { SubgraphDefinition } from '@switchyard/kit';
import { orderEventHandlers } from './event-handlers';
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
  eventHandlers: orderEventHandlers,
  // placeOrder (and releaseHold, checking again) asks each of them synchronously: order-checks.ts.
  dependsOn: ['customers', 'catalog', 'inventory', 'finance'],
};

export type { HoldRow, OrderLineRow, OrderRow, OrdersDB } from './migrations';
export type * from './store';
