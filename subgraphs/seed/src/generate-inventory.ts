import type {
  AllocationRow,
  StockLevelRow,
  WarehouseRow,
} from '@switchyard/inventory/src/migrations';
import type { ProductRow } from '@switchyard/catalog/src/migrations';
import type { Random } from './random';
import { CUSTOMER_STATES } from './us-geography';

interface WarehouseSite {
  code: string;
  name: string;
  city: string;
  region: string;
  /** States this site takes over from the base four when it exists (scale > 1). */
  serves?: readonly string[];
}

/** The four base distribution centres, then the ones a larger network adds, in the order it adds them. */
const SITES: readonly WarehouseSite[] = [
  { code: 'ATL', name: 'Atlanta Distribution Center', city: 'Atlanta', region: 'GA' },
  { code: 'DAL', name: 'Dallas Distribution Center', city: 'Dallas', region: 'TX' },
  { code: 'CHI', name: 'Chicago Distribution Center', city: 'Chicago', region: 'IL' },
  { code: 'RNO', name: 'Reno Distribution Center', city: 'Reno', region: 'NV' },
  {
    code: 'EWR',
    name: 'Newark Distribution Center',
    city: 'Newark',
    region: 'NJ',
    serves: ['NJ', 'NY', 'PA'],
  },
  {
    code: 'PHX',
    name: 'Phoenix Distribution Center',
    city: 'Phoenix',
    region: 'AZ',
    serves: ['AZ', 'NM', 'UT'],
  },
  {
    code: 'SEA',
    name: 'Seattle Distribution Center',
    city: 'Seattle',
    region: 'WA',
    serves: ['WA', 'OR', 'ID'],
  },
  {
    code: 'CLT',
    name: 'Charlotte Distribution Center',
    city: 'Charlotte',
    region: 'NC',
    serves: ['NC', 'SC', 'VA'],
  },
  {
    code: 'DEN',
    name: 'Denver Distribution Center',
    city: 'Denver',
    region: 'CO',
    serves: ['CO', 'KS'],
  },
  {
    code: 'HOU',
    name: 'Houston Distribution Center',
    city: 'Houston',
    region: 'TX',
    serves: ['LA', 'AR'],
  },
];

/** Exactly 4 warehouses up to scale 1; two more per extra unit of scale, up to the sites known. */
export function generateWarehouses(scale: number): WarehouseRow[] {
  const count = Math.min(SITES.length, 4 + Math.max(0, Math.floor((scale - 1) * 2)));
  return SITES.slice(0, count).map((site) => ({
    id: `WH-${site.code}`,
    code: site.code,
    name: site.name,
    city: site.city,
    region: site.region,
    country: 'US',
  }));
}

/** The warehouse that ships to each customer state: the nearest of the sites that exist. */
export function warehouseRouting(
  warehouses: readonly WarehouseRow[],
): (state: string) => WarehouseRow {
  const byCode = new Map(warehouses.map((w) => [w.code, w]));
  const route = new Map<string, WarehouseRow>();
  for (const state of CUSTOMER_STATES) route.set(state.code, byCode.get(state.hub)!);
  for (const site of SITES) {
    const warehouse = byCode.get(site.code);
    if (warehouse) for (const state of site.serves ?? []) route.set(state, warehouse);
  }
  return (state) => route.get(state) ?? warehouses[0];
}

/** Typical stock on hand by unit of measure. */
const ON_HAND: Record<string, readonly [number, number]> = {
  EA: [20, 600],
  BX: [5, 200],
  CS: [5, 120],
  PK: [10, 300],
  FT: [500, 20_000],
  RL: [5, 150],
};

/**
 * One stock level per product and warehouse. `allocated` is the sum of the ALLOCATED allocations
 * and on hand always covers it; where an order is backordered, nothing is left available.
 */
export function generateStockLevels(
  random: Random,
  products: readonly ProductRow[],
  warehouses: readonly WarehouseRow[],
  allocations: readonly AllocationRow[],
): StockLevelRow[] {
  const allocated = new Map<string, number>();
  const backordered = new Set<string>();
  for (const allocation of allocations) {
    const key = `${allocation.product_id}|${allocation.warehouse_id}`;
    if (allocation.status === 'ALLOCATED')
      allocated.set(key, (allocated.get(key) ?? 0) + allocation.quantity);
    if (allocation.status === 'BACKORDERED') backordered.add(key);
  }
  const rows: StockLevelRow[] = [];
  for (const product of products) {
    const [low, high] = ON_HAND[product.unit_of_measure] ?? ON_HAND.EA;
    for (const warehouse of warehouses) {
      const key = `${product.id}|${warehouse.id}`;
      const reserved = allocated.get(key) ?? 0;
      const outOfStock = random.chance(product.status === 'DISCONTINUED' ? 0.6 : 0.08);
      const stocked = outOfStock ? 0 : random.int(low, high);
      rows.push({
        product_id: product.id,
        warehouse_id: warehouse.id,
        on_hand: backordered.has(key)
          ? reserved
          : Math.max(stocked, reserved + (reserved ? random.int(0, low) : 0)),
        allocated: reserved,
        reorder_point: Math.round(((low + high) / 2) * random.between(0.1, 0.3)),
      });
    }
  }
  return rows;
}
