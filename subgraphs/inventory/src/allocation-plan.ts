/**
 * Where each line of an order is served from: the allocation rule, as a pure function of the order's
 * lines and the stock available in each warehouse (sql-allocation.ts reads one and applies the other).
 *
 * Each line comes whole from one warehouse. The warehouses are ranked once for the whole order: first
 * the one that can serve the most lines of the order, then the one with the most available of the
 * order's products (summed over its lines), then the lowest code. Each line, in line-number order,
 * takes the best-ranked warehouse that can still serve it (a product on two lines counts what the
 * first took). Ranking the order, not each line, keeps an order that one warehouse can serve in that
 * warehouse: most orders ship from one warehouse, in one shipment.
 * If some line cannot be served whole by any warehouse, nothing is reserved and the order is
 * backordered: every line waits, at the warehouse it would have come from (or the order's main one).
 */

export interface LineRequest {
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: number;
}

export interface WarehouseStock {
  warehouseId: string;
  warehouseCode: string;
  /** Units available of each product (on hand - allocated); a product absent has none. */
  available: ReadonlyMap<string, number>;
}

export interface LinePick {
  line: LineRequest;
  warehouseId: string;
}

export interface ShortLine {
  line: LineRequest;
  /** The most any single warehouse had left for the line when its turn came. */
  available: number;
}

export type AllocationPlan =
  | { kind: 'ALLOCATED'; picks: LinePick[] }
  /** `picks`: where each line waits (its warehouse if it could have been served, else the main one). */
  | { kind: 'BACKORDERED'; picks: LinePick[]; shortLines: ShortLine[] };

export function planAllocation(
  lines: readonly LineRequest[],
  warehouses: readonly WarehouseStock[],
): AllocationPlan {
  if (warehouses.length === 0) throw new Error('there is no warehouse to allocate from');
  const remaining = new Map(warehouses.map((w) => [w.warehouseId, new Map(w.available)]));
  const left = (warehouseId: string, productId: string) =>
    Math.max(0, remaining.get(warehouseId)!.get(productId) ?? 0);
  const stockFor = (w: WarehouseStock) =>
    lines.reduce((sum, l) => sum + left(w.warehouseId, l.productId), 0);
  const ranked = [...warehouses]
    .map((w) => ({
      w,
      servable: lines.filter((l) => left(w.warehouseId, l.productId) >= l.quantity).length,
      stock: stockFor(w),
    }))
    .sort(
      (a, b) =>
        b.servable - a.servable ||
        b.stock - a.stock ||
        (a.w.warehouseCode < b.w.warehouseCode
          ? -1
          : a.w.warehouseCode > b.w.warehouseCode
            ? 1
            : 0),
    )
    .map((r) => r.w);

  const picks: LinePick[] = [];
  const shortLines: ShortLine[] = [];
  for (const line of [...lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const chosen = ranked.find((w) => left(w.warehouseId, line.productId) >= line.quantity);
    if (!chosen) {
      shortLines.push({
        line,
        available: Math.max(...warehouses.map((w) => left(w.warehouseId, line.productId))),
      });
      // It waits where the order would mostly ship from.
      picks.push({ line, warehouseId: ranked[0].warehouseId });
      continue;
    }
    remaining
      .get(chosen.warehouseId)!
      .set(line.productId, left(chosen.warehouseId, line.productId) - line.quantity);
    picks.push({ line, warehouseId: chosen.warehouseId });
  }
  return shortLines.length
    ? { kind: 'BACKORDERED', picks, shortLines }
    : { kind: 'ALLOCATED', picks };
}
