import { addEventExceptionFields } from '@switchyard/kit';
import { builder } from './builder';
import { BusinessHealthRef } from './references';

/** The exception queue of shipments' event handlers (plan-shipment, cancel-shipments), for operators (events:operate). */
addEventExceptionFields(builder, {
  subgraph: 'shipments',
  healthRef: BusinessHealthRef,
  stage: 'fulfillment',
});
