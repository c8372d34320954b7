import { addEventExceptionFields } from '@switchyard/kit';
import { builder } from './builder';
import { BusinessHealthRef } from './references';

/** Inventory's only commands are the operators' (events:operate) on its handlers' exception queue. */
builder.mutationType({ description: "Operators' commands on inventory's event exception queue." });

addEventExceptionFields(builder, { subgraph: 'inventory', healthRef: BusinessHealthRef, stage: 'allocation' });
