import { applyBasisPoints, type ShipmentLinePayload } from '@switchyard/kit';

/** An order line as finance recorded it when the order was accepted. */
export interface LedgerLine {
  lineNumber: number;
  productId: string;
  sku: string;
  unitPriceCents: number;
}

export interface PricedInvoiceLine {
  lineNumber: number;
  orderLineNumber: number;
  productId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
}

export interface PricedInvoice {
  lines: PricedInvoiceLine[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
}

/**
 * What an invoice bills: each shipped line at its order line's accepted unit price, the subtotal,
 * and tax at `rateBps` on the subtotal (rounded half away from zero, once per invoice).
 * Throws when a shipped line names an order line the order does not have: an event to look at, not to guess.
 */
export function priceInvoice(
  orderId: string,
  orderLines: readonly LedgerLine[],
  shipped: readonly ShipmentLinePayload[],
  rateBps: number,
): PricedInvoice {
  if (shipped.length === 0)
    throw new Error(`the shipment of order ${orderId} has no lines to invoice`);
  const byNumber = new Map(orderLines.map((line) => [line.lineNumber, line]));
  const lines = shipped.map((s, i) => {
    const ordered = byNumber.get(s.orderLineNumber);
    if (!ordered)
      throw new Error(
        `order ${orderId} has no line ${s.orderLineNumber} (shipped ${s.quantity} of ${s.productId})`,
      );
    if (!Number.isInteger(s.quantity) || s.quantity < 1)
      throw new Error(
        `order ${orderId} line ${s.orderLineNumber} shipped a quantity of ${s.quantity}`,
      );
    return {
      lineNumber: i + 1,
      orderLineNumber: s.orderLineNumber,
      productId: ordered.productId,
      sku: ordered.sku,
      quantity: s.quantity,
      unitPriceCents: ordered.unitPriceCents,
      extendedCents: ordered.unitPriceCents * s.quantity,
    };
  });
  const subtotalCents = lines.reduce((sum, line) => sum + line.extendedCents, 0);
  const taxCents = applyBasisPoints(subtotalCents, rateBps);
  return { lines, subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}
