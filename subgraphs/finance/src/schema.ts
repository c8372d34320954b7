import { LENGTH_DIRECTIVE } from '@switchyard/kit';
import { builder } from './graph/builder';
// Each module adds its types to the builder when imported; the schema is built once all are in.
import './graph/invoice-types';
import './graph/payment-types';
import './graph/customer-receivables';
import './graph/order-and-shipment-invoices';
import './graph/queries';
import './graph/mutation-type';
import './graph/tax-rate-commands';
import './graph/cash-application-commands';
import './graph/invoice-commands';
import './graph/credit-reservation-commands';
import './graph/business-health';

export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  directives: [LENGTH_DIRECTIVE],
});
