import type { SubgraphDefinition } from '@switchyard/kit';
import { shipmentEventHandlers } from './event-handlers';
import { migrations, type ShipmentsDB } from './migrations';
import { shipmentRowRules } from './graph/row-rules';
import { schema } from './schema';
import { createSqlShipmentStore } from './sql-store';
import type { ShipmentStore } from './store';

export const shipmentsSubgraph: SubgraphDefinition<ShipmentsDB, ShipmentStore> = {
  name: 'shipments',
  defaultPort: 4005,
  schema,
  rowRules: shipmentRowRules,
  migrations,
  createStore: createSqlShipmentStore,
  eventHandlers: shipmentEventHandlers,
};

export type { ShipmentsDB } from './migrations';
export type * from './store';
