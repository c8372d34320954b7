import { everyRowRule } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';

/**
 * Row-level rules of the inventory subgraph. Stock and warehouses belong to no customer; an
 * allocation belongs to its order's customer and channel, which only the orders subgraph knows, so
 * the list of allocations is for callers that see every row. A row-scoped caller reaches the
 * allocations of its own orders through `Order.allocations`, after orders has checked the order.
 */
export const inventoryRowRules: IRules = {
  Query: {
    allocations: everyRowRule('Allocation'),
  },
};
