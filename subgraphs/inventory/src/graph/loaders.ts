import { alignByKey, groupByKey } from '@switchyard/kit';
import type { Allocation, AllocationHealth, StockLevel, TimeWindow, Warehouse } from '../store';
import type { Context } from './builder';

/** Per-request DataLoaders: one SQL statement per kind of lookup, however many parents ask. */

export const warehouseLoader = (ctx: Context) =>
  ctx.loaders.get<string, Warehouse | null>('warehouse', async (ids) =>
    alignByKey(ids, await ctx.store.warehousesByIds(ids), (w) => w.id),
  );

export const warehouseByCodeLoader = (ctx: Context) =>
  ctx.loaders.get<string, Warehouse | null>('warehouseByCode', async (codes) =>
    alignByKey(codes, await ctx.store.warehousesByCodes(codes), (w) => w.code),
  );

/** A product's stock in each warehouse, ordered by warehouse code. */
export const availabilityLoader = (ctx: Context) =>
  ctx.loaders.get<string, StockLevel[]>('availability', async (productIds) =>
    groupByKey(productIds, await ctx.store.stockLevelsByProductIds(productIds), (s) => s.productId),
  );

export const allocationsOfOrderLoader = (ctx: Context) =>
  ctx.loaders.get<string, Allocation[]>('allocationsOfOrder', async (orderIds) =>
    groupByKey(orderIds, await ctx.store.allocationsByOrderIds(orderIds), (a) => a.orderId),
  );

/** Business health's allocation measures, one read per window (a JSON TimeWindow key) however many fields ask. */
export const allocationHealthLoader = (ctx: Context) =>
  ctx.loaders.get<string, AllocationHealth>('allocationHealth', (keys) =>
    Promise.all(keys.map((key) => ctx.store.allocationHealth(JSON.parse(key) as TimeWindow))),
  );

/** The warehouse of a stock level or an allocation: warehouse_id is a foreign key, so a miss is a broken store, not bad input. */
export async function loadWarehouseOf(
  ctx: Context,
  row: { warehouseId: string },
): Promise<Warehouse> {
  const warehouse = await warehouseLoader(ctx).load(row.warehouseId);
  if (!warehouse) throw new Error(`warehouse ${row.warehouseId} is missing`);
  return warehouse;
}
