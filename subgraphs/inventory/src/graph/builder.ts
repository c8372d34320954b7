import { createSubgraphBuilder, type SubgraphContext } from '@switchyard/kit';
import type { InventoryStore } from '../store';

export type Context = SubgraphContext<InventoryStore>;

/** The one Pothos builder of the inventory subgraph; every file under graph/ adds its types to it. */
export const { builder, connectionType, pageArgs } = createSubgraphBuilder<Context>();
