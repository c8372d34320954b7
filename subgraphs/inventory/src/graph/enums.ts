import { builder } from './builder';

export const AllocationStatus = builder.enumType('AllocationStatus', {
  description:
    'Where an allocation stands: ALLOCATED (stock reserved for the order line), BACKORDERED (waiting for stock), SHIPPED (left the warehouse) or RELEASED (the reservation was given back, e.g. the order was cancelled).',
  values: ['ALLOCATED', 'BACKORDERED', 'SHIPPED', 'RELEASED'] as const,
});
