import { runSubgraph } from '@switchyard/kit';
import { financeSubgraph } from './index';

void runSubgraph(financeSubgraph);
