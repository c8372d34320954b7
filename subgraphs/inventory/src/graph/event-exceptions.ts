import { addEventExceptionFields } from '@switchyard/kit';
import { builder } from './builder';
import { BusinessHealthRef } from './references';

/** Inventory's commands: stock receipts (stock-receipt-commands.ts) and the operators' (events:operate) on its handlers' exception queue. */
builder.mutationType({
  description:
    "Commands on the warehouse records: stock receipts, and operators' commands on inventory's event exception queue.",
});

addEventExceptionFields(builder, {
  subgraph: 'inventory',
  healthRef: BusinessHealthRef,
  stage: 'allocation',
});
