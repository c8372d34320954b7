import { createSubgraphBuilder, type SubgraphContext } from '@switchyard/kit';
import type { CatalogStore } from '../store';

export type Context = SubgraphContext<CatalogStore>;

/** The one Pothos builder of the catalog subgraph; every file under graph/ adds its types to it. */
export const { builder, Money, connectionType, pageArgs } = createSubgraphBuilder<Context>();
