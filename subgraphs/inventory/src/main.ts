import { runSubgraph } from '@switchyard/kit';
import { inventorySubgraph } from './index';

void runSubgraph(inventorySubgraph);
