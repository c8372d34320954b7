import { runSubgraph } from '@switchyard/kit';
import { customersSubgraph } from './index';

void runSubgraph(customersSubgraph);
