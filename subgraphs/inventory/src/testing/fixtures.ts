import type { Kysely } from 'kysely';
import type { AllocationRow, InventoryDB, StockLevelRow, WarehouseRow } from '../migrations';

/**
 * A small, exact world for the tests: 3 warehouses (inserted out of code order), 60 products and
 * 20 orders. Product i is stocked in:
 * - ATL: onHand 100 + i, allocated i, reorder point 10 (available 100, never needs reorder);
 * - DAL: onHand 2i, allocated 0, reorder point 20 (needs reorder when i <= 10);
 * - RNO, when i % 3 == 0: onHand 5, allocated 5, reorder point 0 (available 0, needs reorder);
 * - nowhere when i % 10 == 0.
 * Order n has two lines; line 2 is allocated first (inserted first) so ordering by line is proven.
 */
export const WAREHOUSES: WarehouseRow[] = [
  { id: 'WH-DAL', code: 'DAL', name: 'Dallas DC', city: 'Dallas', region: 'TX', country: 'US' },
  { id: 'WH-RNO', code: 'RNO', name: 'Reno DC', city: 'Reno', region: 'NV', country: 'US' },
  { id: 'WH-ATL', code: 'ATL', name: 'Atlanta DC', city: 'Atlanta', region: 'GA', country: 'US' },
];
export const PRODUCT_COUNT = 60;
export const ORDER_COUNT = 20;
export const ALLOCATION_STATUSES = ['ALLOCATED', 'BACKORDERED', 'SHIPPED', 'RELEASED'] as const;

export const productId = (i: number) => `PRD-${String(i).padStart(5, '0')}`;
export const orderId = (n: number) => `ORD-${String(n).padStart(6, '0')}`;
export const allocationId = (k: number) => `ALC-${String(k).padStart(6, '0')}`;

export function stockRows(i: number): StockLevelRow[] {
  if (i % 10 === 0) return [];
  const rows: StockLevelRow[] = [
    {
      product_id: productId(i),
      warehouse_id: 'WH-DAL',
      on_hand: 2 * i,
      allocated: 0,
      reorder_point: 20,
    },
    {
      product_id: productId(i),
      warehouse_id: 'WH-ATL',
      on_hand: 100 + i,
      allocated: i,
      reorder_point: 10,
    },
  ];
  if (i % 3 === 0)
    rows.push({
      product_id: productId(i),
      warehouse_id: 'WH-RNO',
      on_hand: 5,
      allocated: 5,
      reorder_point: 0,
    });
  return rows;
}

/** Allocations 2n-1 (line 2, product n+1, from DAL) and 2n (line 1, product n, from ATL) of order n. */
export function allocationRows(n: number): AllocationRow[] {
  const line = (
    k: number,
    lineNumber: number,
    product: number,
    warehouse: string,
  ): AllocationRow => ({
    id: allocationId(k),
    order_id: orderId(n),
    line_number: lineNumber,
    product_id: productId(product),
    warehouse_id: warehouse,
    quantity: lineNumber * 3,
    status: ALLOCATION_STATUSES[(k - 1) % ALLOCATION_STATUSES.length],
    created_at: `2026-04-${String(n).padStart(2, '0')}T09:00:00.000Z`,
  });
  return [line(2 * n - 1, 2, n + 1, 'WH-DAL'), line(2 * n, 1, n, 'WH-ATL')];
}

export async function insertFixtures(db: Kysely<InventoryDB>): Promise<void> {
  await db.insertInto('warehouses').values(WAREHOUSES).execute();
  const stock = Array.from({ length: PRODUCT_COUNT }, (_, i) => stockRows(i + 1)).flat();
  await db.insertInto('stock_levels').values(stock).execute();
  const allocations = Array.from({ length: ORDER_COUNT }, (_, n) => allocationRows(n + 1)).flat();
  await db.insertInto('allocations').values(allocations).execute();
}
