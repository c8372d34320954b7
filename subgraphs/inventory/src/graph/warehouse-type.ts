import { PARTNER_TAG } from '@switchyard/kit';
import type { Warehouse } from '../store';
import { builder } from './builder';
import { warehouseLoader } from './loaders';

export const WarehouseType = builder.objectRef<Warehouse>('Warehouse').implement({
  description: 'A distribution center that holds stock and ships orders (the WMS site master).',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code', { description: 'Short site code, e.g. ATL.' }),
    name: t.exposeString('name'),
    city: t.exposeString('city'),
    region: t.exposeString('region', { description: 'State or province code.' }),
    country: t.exposeString('country', { description: 'ISO-3166 alpha-2.' }),
  }),
});

builder.asEntity(WarehouseType, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => warehouseLoader(ctx).load(ref.id),
});
