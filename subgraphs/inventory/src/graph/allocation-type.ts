import type { Allocation } from '../store';
import { builder, connectionType } from './builder';
import { AllocationStatus } from './enums';
import { loadWarehouseOf } from './loaders';
import { OrderRef, ProductRef } from './references';
import { WarehouseType } from './warehouse-type';

export const AllocationType = builder.objectRef<Allocation>('Allocation').implement({
  description: 'A quantity of one order line reserved (or backordered) in one warehouse.',
  fields: (t) => ({
    id: t.exposeID('id'),
    order: t.field({ type: OrderRef, nullable: true, resolve: (a) => ({ id: a.orderId }) }),
    lineNumber: t.exposeInt('lineNumber', {
      description: 'The line of the order it serves (Order.lines.lineNumber).',
    }),
    product: t.field({ type: ProductRef, nullable: true, resolve: (a) => ({ id: a.productId }) }),
    warehouse: t.field({
      type: WarehouseType,
      resolve: (a, _args, ctx) => loadWarehouseOf(ctx, a),
    }),
    quantity: t.exposeInt('quantity', { description: 'Units, in the product unit of measure.' }),
    status: t.field({ type: AllocationStatus, resolve: (a) => a.status }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => a.createdAt }),
  }),
});

export const AllocationConnection = connectionType<Allocation>('Allocation', AllocationType);
