import { runSubgraph } from '@switchyard/kit';
import { shipmentsSubgraph } from './index';

void runSubgraph(shipmentsSubgraph);
