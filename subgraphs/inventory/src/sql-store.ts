import { countRows } from '@switchyard/kit';
import { sql, type Kysely } from 'kysely';
import type { InventoryDB } from './migrations';
import { createSqlAllocation } from './sql-allocation';
import { createSqlBusinessHealth } from './sql-business-health';
import { createSqlStockReceipt } from './sql-stock-receipt';
import { createSqlStockReservations } from './sql-stock-reservations';
import { toAllocation, toStockLevel, toWarehouse } from './sql-row-mapping';
import type { AllocationFilter, InventoryStore, StockLevelFilter } from './store';

/** The one rule for "needs reorder", in SQL; toStockLevel states the same rule for a row already read. */
const needsReorder = sql<boolean>`stock_levels.on_hand - stock_levels.allocated - stock_levels.reserved <= stock_levels.reorder_point`;

export function createSqlInventoryStore(db: Kysely<InventoryDB>): InventoryStore {
  const filteredStock = (filter: StockLevelFilter) => {
    let query = db.selectFrom('stock_levels');
    if (filter.productId) query = query.where('product_id', '=', filter.productId);
    if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
    if (filter.needsReorder != null)
      query = query.where(filter.needsReorder ? needsReorder : sql<boolean>`not (${needsReorder})`);
    return query;
  };

  const filteredAllocations = (filter: AllocationFilter) => {
    let query = db.selectFrom('allocations');
    if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
    if (filter.productId) query = query.where('product_id', '=', filter.productId);
    if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query;
  };

  return {
    async warehousesByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('warehouses')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toWarehouse);
    },
    async warehousesByCodes(codes) {
      if (codes.length === 0) return [];
      const rows = await db
        .selectFrom('warehouses')
        .selectAll()
        .where('code', 'in', [...codes])
        .execute();
      return rows.map(toWarehouse);
    },
    async listWarehouses() {
      const rows = await db.selectFrom('warehouses').selectAll().orderBy('code').execute();
      return rows.map(toWarehouse);
    },
    async stockLevelsByProductIds(productIds) {
      if (productIds.length === 0) return [];
      // Joined only to order by warehouse code; the warehouses themselves come from their own loader.
      const rows = await db
        .selectFrom('stock_levels')
        .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
        .selectAll('stock_levels')
        .where('stock_levels.product_id', 'in', [...productIds])
        .orderBy('warehouses.code')
        .execute();
      return rows.map(toStockLevel);
    },
    async listStockLevels(filter, page) {
      let query = filteredStock(filter).selectAll();
      if (page.after) {
        const { productId, warehouseId } = page.after;
        query = query.where((eb) =>
          eb.or([
            eb('product_id', '>', productId),
            eb.and([eb('product_id', '=', productId), eb('warehouse_id', '>', warehouseId)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('product_id')
        .orderBy('warehouse_id')
        .limit(page.limit + 1)
        .execute();
      return rows.map(toStockLevel);
    },
    countStockLevels(filter) {
      return countRows(filteredStock(filter));
    },
    async allocationsByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await db
        .selectFrom('allocations')
        .selectAll()
        .where('order_id', 'in', [...orderIds])
        .orderBy('line_number')
        .orderBy('id')
        .execute();
      return rows.map(toAllocation);
    },
    async listAllocations(filter, page) {
      let query = filteredAllocations(filter).selectAll();
      if (page.afterKey) query = query.where('id', '>', page.afterKey);
      const rows = await query
        .orderBy('id')
        .limit(page.limit + 1)
        .execute();
      return rows.map(toAllocation);
    },
    countAllocations(filter) {
      return countRows(filteredAllocations(filter));
    },
    ...createSqlAllocation(db),
    ...createSqlBusinessHealth(db),
    ...createSqlStockReceipt(db),
    ...createSqlStockReservations(db),
  };
}
