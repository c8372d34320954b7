import {
  DependencyUnavailableError,
  type CallerIdentity,
  type OrderAccepted,
  type OrderLinePayload,
  type ServiceClient,
  type ShipmentConfirmed,
} from '@switchyard/kit';

/** Payloads of the events finance reacts to (the kit's testEvent and deliverEvent send them), and a stand-in for the customers subgraph, for the order-to-cash tests. */

export function line(
  lineNumber: number,
  quantity: number,
  unitPriceCents: number,
): OrderLinePayload {
  return {
    lineNumber,
    productId: `PRD-0000${lineNumber}`,
    sku: `SKU-${lineNumber}`,
    quantity,
    unitPriceCents,
    extendedCents: quantity * unitPriceCents,
    pricingRule: 'LIST',
  };
}

export function orderAccepted(
  orderId: string,
  customerId: string,
  region: string,
  lines: OrderLinePayload[],
  taxCents: number,
): OrderAccepted {
  const subtotalCents = lines.reduce((sum, l) => sum + l.extendedCents, 0);
  return {
    orderId,
    orderNumber: `SO-${orderId.slice(4)}`,
    customerId,
    channel: 'PORTAL',
    currency: 'USD',
    shipTo: {
      addressId: `${customerId}-S`,
      name: 'Dock',
      line1: '9 Dock Rd',
      city: 'Somewhere',
      region,
      postalCode: '00000',
      country: 'US',
    },
    lines,
    subtotalCents,
    taxCents,
    totalCents: subtotalCents + taxCents,
    placedAt: '2026-06-01T10:00:00.000Z',
    acceptedAt: '2026-06-01T10:05:00.000Z',
  };
}

export function shipmentConfirmed(
  shipmentId: string,
  order: OrderAccepted,
  shipped: [lineNumber: number, quantity: number][],
  shippedAt = '2026-06-02T08:00:00.000Z',
): ShipmentConfirmed {
  return {
    shipmentId,
    orderId: order.orderId,
    customerId: order.customerId,
    warehouseId: 'WH-DAL',
    carrierId: 'CAR-UPS',
    trackingNumber: `1Z${shipmentId}`,
    shippedAt,
    lines: shipped.map(([orderLineNumber, quantity]) => ({
      orderLineNumber,
      productId: `PRD-0000${orderLineNumber}`,
      quantity,
    })),
  };
}

/** The customers subgraph as finance calls it: every customer on `terms`, or down (`terms` null). */
export function customersService(
  terms: string | null,
  calls: { subgraph: string; variables?: Record<string, unknown>; correlationId?: string }[] = [],
): ServiceClient {
  return {
    async query(subgraph, _query, variables, options) {
      calls.push({ subgraph, variables, correlationId: options?.correlationId });
      if (terms === null)
        throw new DependencyUnavailableError(
          subgraph,
          'unreachable',
          'connect ECONNREFUSED 127.0.0.1:4001',
        );
      return { customer: { id: variables?.id, paymentTerms: terms, currency: 'USD' } } as any;
    },
  };
}

export const INTERNAL: Omit<CallerIdentity, 'exp'> = {
  id: 'dev-finance-ops',
  kind: 'internal',
  scopes: ['finance:write'],
  tenant: null,
};
export const distributorOf = (...customerIds: string[]): Omit<CallerIdentity, 'exp'> => ({
  id: 'dev-distributor',
  kind: 'distributor',
  scopes: ['finance:write'],
  tenant: { customerIds, carrierIds: [] },
});
