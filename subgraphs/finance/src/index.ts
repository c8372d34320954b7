import type { SubgraphDefinition } from '@switchyard/kit';
import { financeEventHandlers } from './event-handlers';
import { expireOrphanedCredit } from './credit-reservation-sweeper';
import { migrations, type FinanceDB } from './migrations';
import { financeRowRules } from './graph/row-rules';
import { schema } from './schema';
import { createSqlFinanceStore } from './sql-store';
import type { FinanceStore } from './store';

export const financeSubgraph: SubgraphDefinition<FinanceDB, FinanceStore> = {
  name: 'finance',
  defaultPort: 4006,
  schema,
  rowRules: financeRowRules,
  migrations,
  createStore: createSqlFinanceStore,
  eventHandlers: financeEventHandlers,
  // Invoices are due after the customer's payment terms, and payments are recorded for known customers only.
  dependsOn: ['customers'],
  housekeeping: [expireOrphanedCredit],
};

export type { FinanceDB } from './migrations';
export type * from './store';
