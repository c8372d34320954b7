import { badUserInput } from '@switchyard/kit';
import type { StockReceiptRequest } from './store';

/** The most lines one receipt carries (a full truck of mixed pallets). */
export const MAX_RECEIPT_LINES = 200;
/** The most units of one product one receipt adds. */
export const MAX_RECEIPT_QUANTITY = 1_000_000;
const MAX_REFERENCE_LENGTH = 100;

/**
 * receiveStock's arguments checked for shape before anything is read: BAD_USER_INPUT naming the
 * argument. Whether the warehouse and products exist is the store's to say, inside its transaction.
 */
export function stockReceiptRequest(args: {
  warehouseId: string | number;
  reference: string;
  lines: readonly { productId: string | number; quantity: number }[];
}): StockReceiptRequest {
  const warehouseId = String(args.warehouseId).trim();
  if (warehouseId === '') throw badUserInput('warehouseId must not be empty', 'warehouseId');
  const reference = args.reference.trim();
  if (reference === '' || reference.length > MAX_REFERENCE_LENGTH) {
    throw badUserInput(
      `reference must hold 1 to ${MAX_REFERENCE_LENGTH} characters (the ASN, packing slip or transfer number)`,
      'reference',
    );
  }
  if (args.lines.length === 0 || args.lines.length > MAX_RECEIPT_LINES)
    throw badUserInput(
      `a receipt has 1 to ${MAX_RECEIPT_LINES} lines, got ${args.lines.length}`,
      'lines',
    );
  const seen = new Map<string, number>();
  const lines = args.lines.map((line, i) => {
    const at = `lines[${i}]`;
    const productId = String(line.productId).trim();
    if (productId === '')
      throw badUserInput(`${at}.productId must not be empty`, `${at}.productId`);
    const earlier = seen.get(productId);
    if (earlier !== undefined)
      throw badUserInput(
        `${at}.productId repeats ${productId} of lines[${earlier}]: receive each product once`,
        `${at}.productId`,
      );
    seen.set(productId, i);
    if (
      !Number.isInteger(line.quantity) ||
      line.quantity < 1 ||
      line.quantity > MAX_RECEIPT_QUANTITY
    ) {
      throw badUserInput(
        `${at}.quantity must be between 1 and ${MAX_RECEIPT_QUANTITY}, got ${line.quantity}`,
        `${at}.quantity`,
      );
    }
    return { productId, quantity: line.quantity };
  });
  return { warehouseId, reference, lines };
}
