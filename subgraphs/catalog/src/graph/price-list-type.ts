import { PARTNER_TAG } from '@switchyard/kit';
import type { PriceList } from '../store';
import { builder } from './builder';

export const PriceListType = builder.objectRef<PriceList>('PriceList').implement({
  description:
    'A named set of prices for part of the catalogue, assigned to customers (e.g. by segment); products not on it sell at list price.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code', { description: 'Short code, e.g. WHOLESALE-A.' }),
    name: t.exposeString('name'),
    currency: t.exposeString('currency', { description: 'ISO-4217.' }),
  }),
});
