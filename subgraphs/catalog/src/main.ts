import { runSubgraph } from '@switchyard/kit';
import { catalogSubgraph } from './index';

void runSubgraph(catalogSubgraph);
