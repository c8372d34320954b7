import type { SubgraphDefinition } from '@switchyard/kit';
import { followCustomerChannels } from './customer-channels';
import { migrations, type CustomersDB } from './migrations';
import { customerRowRules } from './row-rules';
import { schema } from './schema';
import { createSqlCustomerStore } from './sql-store';
import type { CustomerStore } from './store';

export const customersSubgraph: SubgraphDefinition<CustomersDB, CustomerStore> = {
  name: 'customers',
  defaultPort: 4001,
  schema,
  rowRules: customerRowRules,
  migrations,
  createStore: createSqlCustomerStore,
  eventHandlers: [followCustomerChannels],
};

export type { CustomersDB } from './migrations';
export type * from './store';
