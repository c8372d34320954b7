import type { OrderAccepted, OrderCancelled, ShipmentConfirmed } from '@switchyard/kit';
import { productId } from './fixtures';

/** Payloads of the events inventory reacts to, for the handler tests (the kit's testEvent and deliverEvent send them). */

/** An accepted order of `lines`: [lineNumber, product number (fixtures.ts productId), quantity]. */
export function orderAccepted(
  orderId: string,
  lines: [lineNumber: number, product: number, quantity: number][],
  customerId = 'CUS-0001',
): OrderAccepted {
  const orderLines = lines.map(([lineNumber, product, quantity]) => ({
    lineNumber,
    productId: productId(product),
    sku: `SKU-${product}`,
    quantity,
    unitPriceCents: 1000,
    extendedCents: quantity * 1000,
    pricingRule: 'LIST',
  }));
  const subtotalCents = orderLines.reduce((sum, l) => sum + l.extendedCents, 0);
  return {
    orderId,
    orderNumber: `SO-${orderId.slice(4)}`,
    customerId,
    channel: 'PORTAL',
    currency: 'USD',
    shipTo: {
      addressId: 'ADR-1',
      name: 'Dock',
      line1: '9 Dock Rd',
      city: 'Dallas',
      region: 'TX',
      postalCode: '75001',
      country: 'US',
    },
    lines: orderLines,
    subtotalCents,
    taxCents: 0,
    totalCents: subtotalCents,
    placedAt: '2026-06-01T10:00:00.000Z',
    acceptedAt: '2026-06-01T10:05:00.000Z',
  };
}

export const orderCancelled = (orderId: string, previousStatus = 'ALLOCATED'): OrderCancelled => ({
  orderId,
  customerId: 'CUS-0001',
  previousStatus,
  reason: 'customer changed its mind',
});

/** A confirmed shipment of `lines`: [order line number, product number, quantity]. */
export function shipmentConfirmed(
  shipmentId: string,
  orderId: string,
  warehouseId: string,
  lines: [line: number, product: number, quantity: number][],
): ShipmentConfirmed {
  return {
    shipmentId,
    orderId,
    customerId: 'CUS-0001',
    warehouseId,
    carrierId: 'CAR-UPS',
    trackingNumber: `1Z${shipmentId}`,
    shippedAt: new Date().toISOString(),
    lines: lines.map(([orderLineNumber, product, quantity]) => ({
      orderLineNumber,
      productId: productId(product),
      quantity,
    })),
  };
}
