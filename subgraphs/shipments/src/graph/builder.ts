import { createSubgraphBuilder, type SubgraphContext } from '@switchyard/kit';
import type { ShipmentStore } from '../store';

export type Context = SubgraphContext<ShipmentStore>;

/** The one Pothos builder of the shipments subgraph; every file under graph/ adds its types to it. */
export const { builder, Money, connectionType, pageArgs } = createSubgraphBuilder<Context>();
