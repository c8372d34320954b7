import { runSubgraph } from '@switchyard/kit';
import { ordersSubgraph } from './index';

void runSubgraph(ordersSubgraph);
