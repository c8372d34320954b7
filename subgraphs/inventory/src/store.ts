/**
 * The warehouse management system as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); a WMS connector implements the same interface.
 */
export interface InventoryStore {
  warehousesByIds(ids: readonly string[]): Promise<Warehouse[]>;
  warehousesByCodes(codes: readonly string[]): Promise<Warehouse[]>;
  /** Every warehouse, ordered by code. */
  listWarehouses(): Promise<Warehouse[]>;
  /** The stock of each product in every warehouse that stocks it, ordered by warehouse code. */
  stockLevelsByProductIds(productIds: readonly string[]): Promise<StockLevel[]>;
  /** Up to `page.limit + 1` stock levels ordered by product id then warehouse id, after `page.after`. */
  listStockLevels(filter: StockLevelFilter, page: StockLevelPage): Promise<StockLevel[]>;
  countStockLevels(filter: StockLevelFilter): Promise<number>;
  /** The allocations of each order, ordered by line number then id. */
  allocationsByOrderIds(orderIds: readonly string[]): Promise<Allocation[]>;
  /** Up to `page.limit + 1` allocations ordered by id, after `page.afterKey`. */
  listAllocations(filter: AllocationFilter, page: { limit: number; afterKey: string | null }): Promise<Allocation[]>;
  countAllocations(filter: AllocationFilter): Promise<number>;
}

/** ALLOCATED: stock reserved; BACKORDERED: waiting for stock; SHIPPED: left the warehouse; RELEASED: reservation given back. */
export type AllocationStatus = 'ALLOCATED' | 'BACKORDERED' | 'SHIPPED' | 'RELEASED';

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  city: string;
  region: string;
  country: string;
}

/** One product in one warehouse. Quantities are in the product's unit of measure. */
export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: number;
  allocated: number;
  /** onHand - allocated: what new orders can still take. */
  available: number;
  reorderPoint: number;
  /** available is at or below the reorder point: time to replenish. */
  needsReorder: boolean;
}

/** Stock levels are keyed by (product, warehouse); pages continue after one such pair. */
export interface StockLevelKey {
  productId: string;
  warehouseId: string;
}

export interface StockLevelPage {
  limit: number;
  after: StockLevelKey | null;
}

export interface StockLevelFilter {
  productId?: string | null;
  warehouseId?: string | null;
  /** true: only levels at or below their reorder point; false: only those above it. */
  needsReorder?: boolean | null;
}

/** A quantity of one order line reserved (or backordered) in one warehouse. */
export interface Allocation {
  id: string;
  orderId: string;
  lineNumber: number;
  productId: string;
  warehouseId: string;
  quantity: number;
  status: AllocationStatus;
  createdAt: string;
}

export interface AllocationFilter {
  orderId?: string | null;
  productId?: string | null;
  warehouseId?: string | null;
  status?: AllocationStatus | null;
}
