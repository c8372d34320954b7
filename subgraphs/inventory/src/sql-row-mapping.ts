import type { AllocationRow, StockLevelRow, WarehouseRow } from './migrations';
import type { Allocation, StockLevel, Warehouse } from './store';

/** Rows as the store reads them -> records as the graph sees them. */

export const toWarehouse = (row: WarehouseRow): Warehouse => ({
  id: row.id,
  code: row.code,
  name: row.name,
  city: row.city,
  region: row.region,
  country: row.country,
});

export function toStockLevel(row: StockLevelRow): StockLevel {
  const reserved = row.reserved ?? 0;
  const available = row.on_hand - row.allocated - reserved;
  return {
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    onHand: row.on_hand,
    allocated: row.allocated,
    reserved,
    available,
    reorderPoint: row.reorder_point,
    needsReorder: available <= row.reorder_point,
  };
}

export const toAllocation = (row: AllocationRow): Allocation => ({
  id: row.id,
  orderId: row.order_id,
  lineNumber: row.line_number,
  productId: row.product_id,
  warehouseId: row.warehouse_id,
  quantity: row.quantity,
  status: row.status as Allocation['status'],
  createdAt: row.created_at,
});
