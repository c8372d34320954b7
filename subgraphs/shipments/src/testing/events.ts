import type { CallerIdentity, InventoryAllocated, OrderCancelled } from '@switchyard/kit';

/** Payloads of the events shipments reacts to (the kit's testEvent and deliverEvent send them), and the callers of its commands, for the tests. */

/** Stock reserved for `allocations`: [line number, product number, quantity, warehouse id]. */
export function inventoryAllocated(
  orderId: string,
  customerId: string,
  allocations: [line: number, product: number, quantity: number, warehouseId: string][],
): InventoryAllocated {
  return {
    orderId,
    customerId,
    allocations: allocations.map(([lineNumber, product, quantity, warehouseId], i) => ({
      allocationId: `ALC-9${String(i).padStart(5, '0')}`,
      lineNumber,
      productId: `PRD-${String(product).padStart(5, '0')}`,
      sku: `SKU-${product}`,
      quantity,
      warehouseId,
    })),
  };
}

export const orderCancelled = (orderId: string, customerId = 'CUS-0001'): OrderCancelled => ({
  orderId,
  customerId,
  previousStatus: 'ALLOCATED',
  reason: 'customer changed its mind',
});

/** The warehouse team: every shipment. */
export const WAREHOUSE: Omit<CallerIdentity, 'exp'> = {
  id: 'dev-warehouse',
  kind: 'internal',
  scopes: ['shipments:write'],
  tenant: null,
};
/** A 3pl that moves its carriers' shipments only. */
export const threePlOf = (...carrierIds: string[]): Omit<CallerIdentity, 'exp'> => ({
  id: 'dev-fastfreight-3pl',
  kind: '3pl',
  scopes: ['shipments:write'],
  tenant: { customerIds: [], carrierIds },
});
