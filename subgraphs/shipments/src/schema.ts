import { LENGTH_DIRECTIVE } from '@switchyard/kit';
import { builder } from './graph/builder';
// Each module adds its types to the builder when imported; the schema is built once all are in.
import './graph/shipment-types';
import './graph/freight-fields';
import './graph/order-shipments';
import './graph/queries';
import './graph/shipment-commands';
import './graph/business-health';
import './graph/event-exceptions';

export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  directives: [LENGTH_DIRECTIVE],
});
