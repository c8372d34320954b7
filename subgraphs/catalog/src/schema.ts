import { LENGTH_DIRECTIVE } from '@switchyard/kit';
import { builder } from './graph/builder';
// Each module adds its types to the builder when imported; the schema is built once all are in.
import './graph/category-type';
import './graph/price-list-type';
import './graph/product-type';
import './graph/customer-pricing';
import './graph/queries';

export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.9',
  directives: [LENGTH_DIRECTIVE],
});
