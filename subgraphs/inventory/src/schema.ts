import { LENGTH_DIRECTIVE } from '@switchyard/kit';
import { builder } from './graph/builder';
// Each module adds its types to the builder when imported; the schema is built once all are in.
import './graph/warehouse-type';
import './graph/stock-level-type';
import './graph/allocation-type';
import './graph/product-availability';
import './graph/order-allocations';
import './graph/business-health';
import './graph/event-exceptions';
import './graph/stock-receipt-commands';
import './graph/stock-reservation-commands';
import './graph/queries';

export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  directives: [LENGTH_DIRECTIVE],
});
