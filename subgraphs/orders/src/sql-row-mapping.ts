import { parseClassifiedText } from '@switchyard/kit';
import { legacyHoldText } from './hold-details';
import type { HoldRow, OrderLineRow, OrderRow, OrderStatusHistoryRow } from './migrations';
import type { Hold, Order, OrderLine, OrderStatusChange, ShipToAddress } from './store';

export const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  number: row.number,
  customerId: row.customer_id,
  status: row.status as Order['status'],
  channel: row.channel as Order['channel'],
  poNumber: row.po_number,
  shipTo: shipToOf(row),
  requestedShipToAddressId:
    row.ship_to_line1 === '' && row.ship_to_address_id !== '' ? row.ship_to_address_id : null,
  currency: row.currency,
  subtotalCents: Number(row.subtotal_cents),
  taxCents: Number(row.tax_cents),
  totalCents: Number(row.total_cents),
  placedAt: row.placed_at,
  updatedAt: row.updated_at,
  allowBackorder: Number(row.allow_backorder) === 1,
  reservationId: row.reservation_id ?? null,
});

/** The ship-to columns are NOT NULL (0001): an order placed while customers was unavailable holds them empty until checked. */
function shipToOf(row: OrderRow): ShipToAddress | null {
  if (row.ship_to_line1 === '') return null;
  return {
    addressId: row.ship_to_address_id,
    name: row.ship_to_name,
    line1: row.ship_to_line1,
    city: row.ship_to_city,
    region: row.ship_to_region,
    postalCode: row.ship_to_postal_code,
    country: row.ship_to_country,
  };
}

/** The ship-to columns of an address, or empty ones while it is not known (see shipToOf). */
export function shipToColumns(shipTo: ShipToAddress | null, requestedAddressId: string | null) {
  return {
    ship_to_address_id: shipTo?.addressId ?? requestedAddressId ?? '',
    ship_to_name: shipTo?.name ?? '',
    ship_to_line1: shipTo?.line1 ?? '',
    ship_to_city: shipTo?.city ?? '',
    ship_to_region: shipTo?.region ?? '',
    ship_to_postal_code: shipTo?.postalCode ?? '',
    ship_to_country: shipTo?.country ?? '',
  };
}

export const toOrderLine = (row: OrderLineRow & { currency: string }): OrderLine => ({
  orderId: row.order_id,
  lineNumber: row.line_number,
  productId: row.product_id,
  sku: row.sku,
  quantity: row.quantity,
  unitPriceCents: Number(row.unit_price_cents),
  extendedCents: Number(row.extended_cents),
  currency: row.currency,
  pricingRule: row.pricing_rule as OrderLine['pricingRule'],
  expectedUnitPriceCents:
    row.expected_unit_price_cents === null ? null : Number(row.expected_unit_price_cents),
  shippedQuantity: Number(row.shipped_quantity),
});

export const toHold = (row: HoldRow): Hold => ({
  id: row.id,
  orderId: row.order_id,
  reason: row.reason as Hold['reason'],
  // Fail closed: facts that do not read back are replaced by what `detail` (the redacted text) says.
  detail: parseClassifiedText(row.detail_facts) ?? legacyHoldText(row.reason, row.detail),
  placedAt: row.placed_at,
  releasedAt: row.released_at,
  releasedBy: row.released_by,
  dependency: row.dependency,
  releaseNote: row.release_note,
});

export const toStatusChange = (row: OrderStatusHistoryRow): OrderStatusChange => ({
  orderId: row.order_id,
  status: row.status as OrderStatusChange['status'],
  at: row.at,
  cause: row.cause,
  actor: row.actor,
  note: row.note,
});
