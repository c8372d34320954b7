import { createSubgraphBuilder, type SubgraphContext } from '@switchyard/kit';
import type { FinanceStore } from '../store';

export type Context = SubgraphContext<FinanceStore>;

/** The one Pothos builder of the finance subgraph; every file under graph/ adds its types to it. */
export const { builder, Money, connectionType, pageArgs } = createSubgraphBuilder<Context>();
