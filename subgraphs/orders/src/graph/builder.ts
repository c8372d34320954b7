import { createSubgraphBuilder, type SubgraphContext } from '@switchyard/kit';
import type { OrderStore } from '../store';

export type Context = SubgraphContext<OrderStore>;

/** The one Pothos builder of the orders subgraph; every file under graph/ adds its types to it. */
export const { builder, Money, connectionType, pageArgs } = createSubgraphBuilder<Context>();
