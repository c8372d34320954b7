import { invalidStateTransition, type OrderAccepted, type OrderLinePayload } from '@switchyard/kit';
import type { Order, OrderLine } from './store';

/**
 * OrderAccepted for an order and its lines. Only a complete order may be accepted: a ship-to address
 * and every line identified and priced (an order placed while customers or catalog was unavailable is
 * completed when releaseHold checks it again).
 */
export function orderAcceptedPayload(
  order: Order,
  lines: readonly OrderLine[],
  acceptedAt: string,
): OrderAccepted {
  const unidentified = lines.find((l) => l.productId === null || l.pricingRule === null);
  if (!order.shipTo || unidentified) {
    const missing = !order.shipTo
      ? 'its ship-to address is not known'
      : `line ${unidentified!.lineNumber} (SKU ${unidentified!.sku}) is not priced`;
    throw invalidStateTransition(
      'Order',
      order.id,
      order.status,
      'ACCEPTED',
      `Order ${order.id} cannot be accepted: ${missing}`,
    );
  }
  return {
    orderId: order.id,
    orderNumber: order.number,
    customerId: order.customerId,
    channel: order.channel,
    currency: order.currency,
    shipTo: order.shipTo,
    lines: lines.map((l): OrderLinePayload => ({
      lineNumber: l.lineNumber,
      productId: l.productId!,
      sku: l.sku,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      extendedCents: l.extendedCents,
      pricingRule: l.pricingRule!,
    })),
    subtotalCents: order.subtotalCents,
    taxCents: order.taxCents,
    totalCents: order.totalCents,
    placedAt: order.placedAt,
    acceptedAt,
    ...(order.reservationId ? { reservationId: order.reservationId } : {}),
  };
}
