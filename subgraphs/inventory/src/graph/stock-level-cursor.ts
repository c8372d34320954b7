import { badUserInput, type PageRequest } from '@switchyard/kit';
import type { StockLevel, StockLevelPage } from '../store';

/**
 * Stock levels have a two-part key (product, warehouse); their cursors carry both, joined by a
 * character no id contains.
 */
const SEPARATOR = '|';

export const stockLevelKey = (level: StockLevel): string =>
  `${level.productId}${SEPARATOR}${level.warehouseId}`;

/** The keyset page of a validated `first`/`after`. */
export function stockLevelPage(page: PageRequest): StockLevelPage {
  if (page.afterKey === null) return { limit: page.limit, after: null };
  const [productId, warehouseId, ...rest] = page.afterKey.split(SEPARATOR);
  if (!productId || !warehouseId || rest.length > 0)
    throw badUserInput('"after" is not a stock level cursor', 'after');
  return { limit: page.limit, after: { productId, warehouseId } };
}
