import type { SubgraphDefinition } from '@switchyard/kit';
import { migrations, type CatalogDB } from './migrations';
import { catalogRowRules } from './graph/row-rules';
import { schema } from './schema';
import { createSqlCatalogStore } from './sql-store';
import type { CatalogStore } from './store';

export const catalogSubgraph: SubgraphDefinition<CatalogDB, CatalogStore> = {
  name: 'catalog',
  defaultPort: 4002,
  schema,
  rowRules: catalogRowRules,
  migrations,
  createStore: createSqlCatalogStore,
};

export type { CatalogDB } from './migrations';
export type * from './store';
export { priceLine, type PricedLine, type PricingInputs, type PricingRule } from './pricing';
