/**
 * The events of the order-to-cash chain: the contract between the subgraphs that write them and the
 * ones that react. Amounts are integer cents in the order's currency; instants are ISO-8601 strings.
 *
 *   orders     OrderAccepted ─┬─> inventory allocates ──> InventoryAllocated | OrderBackordered
 *                             └─> finance records the open order (credit exposure)
 *   shipments  InventoryAllocated ──> plans a shipment ──> ShipmentPlanned
 *              milestones (pick, pack) ──> confirmShipment ──> ShipmentConfirmed ──> recordDelivery ──> ShipmentDelivered
 *   finance    ShipmentConfirmed ──> issues the invoice ──> InvoiceIssued
 *              recordPayment ──> PaymentApplied; resolveDispute ──> InvoiceDisputeResolved
 *   orders     follows: ALLOCATED / BACKORDERED, SHIPPED, INVOICED, PAID, CLOSED (paid in full and delivered)
 */
export const OrderToCashEvent = {
  OrderAccepted: 'OrderAccepted',
  OrderHeld: 'OrderHeld',
  OrderCancelled: 'OrderCancelled',
  InventoryAllocated: 'InventoryAllocated',
  OrderBackordered: 'OrderBackordered',
  ShipmentPlanned: 'ShipmentPlanned',
  MilestoneRecorded: 'MilestoneRecorded',
  ShipmentConfirmed: 'ShipmentConfirmed',
  ShipmentDelivered: 'ShipmentDelivered',
  InvoiceIssued: 'InvoiceIssued',
  InvoiceDisputed: 'InvoiceDisputed',
  InvoiceDisputeResolved: 'InvoiceDisputeResolved',
  PaymentApplied: 'PaymentApplied',
} as const;
export type OrderToCashEventType = (typeof OrderToCashEvent)[keyof typeof OrderToCashEvent];

export interface ShipToPayload {
  addressId: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface OrderLinePayload {
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
  pricingRule: string;
}

/** An order passed its synchronous checks (or its last hold was released): work downstream may start. */
export interface OrderAccepted {
  orderId: string;
  orderNumber: string;
  customerId: string;
  channel: string;
  currency: string;
  shipTo: ShipToPayload;
  lines: OrderLinePayload[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  placedAt: string;
  acceptedAt: string;
  /**
   * The reservations its checks made (credit at finance, stock at inventory), which its acceptance
   * converts; absent when none were made (seeded orders, holds released without checking again).
   */
  reservationId?: string;
}

/** An order was placed on hold; nothing downstream happens until its holds are released. */
export interface OrderHeld {
  orderId: string;
  customerId: string;
  /** The channel it was placed through (absent from events written before it was carried). */
  channel?: string;
  reasons: { reason: string; detail: string }[];
  /** The reservations its checks made: a held order keeps none, so their owners release them. */
  reservationId?: string;
}

export interface OrderCancelled {
  orderId: string;
  customerId: string;
  /** The status it was cancelled from. */
  previousStatus: string;
  reason: string;
  /** The reservations its last checks made: released if still held for it. */
  reservationId?: string;
}

/** Stock is reserved for every line of the order (each line from one warehouse). */
export interface InventoryAllocated {
  orderId: string;
  customerId: string;
  allocations: {
    allocationId: string;
    lineNumber: number;
    productId: string;
    sku: string;
    quantity: number;
    warehouseId: string;
  }[];
}

/** Some line could not be reserved; nothing is reserved until stock arrives. */
export interface OrderBackordered {
  orderId: string;
  customerId: string;
  shortLines: {
    lineNumber: number;
    productId: string;
    sku: string;
    requested: number;
    available: number;
  }[];
}

export interface ShipmentLinePayload {
  orderLineNumber: number;
  productId: string;
  quantity: number;
}

export interface ShipmentPlanned {
  shipmentId: string;
  orderId: string;
  customerId: string;
  warehouseId: string;
  carrierId: string;
  lines: ShipmentLinePayload[];
}

export interface MilestoneRecorded {
  shipmentId: string;
  orderId: string;
  carrierId: string;
  code: string;
  at: string;
}

/** The shipment left the warehouse: inventory consumes the stock, finance invoices what shipped. */
export interface ShipmentConfirmed {
  shipmentId: string;
  orderId: string;
  customerId: string;
  warehouseId: string;
  carrierId: string;
  trackingNumber: string;
  shippedAt: string;
  lines: ShipmentLinePayload[];
}

export interface ShipmentDelivered {
  shipmentId: string;
  orderId: string;
  customerId: string;
  deliveredAt: string;
}

export interface InvoiceIssued {
  invoiceId: string;
  invoiceNumber: string;
  orderId: string;
  shipmentId: string;
  customerId: string;
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  issuedAt: string;
}

export interface InvoiceDisputed {
  invoiceId: string;
  orderId: string;
  customerId: string;
  reason: string;
}

/**
 * A dispute was settled (finance resolveDispute, event type 'InvoiceDisputeResolved'): the invoice stands
 * (REJECTED), is credited (CREDITED) or voided (VOIDED); `balanceCents` and `status` say where it stands now.
 */
export interface InvoiceDisputeResolved {
  invoiceId: string;
  orderId: string;
  customerId: string;
  currency: string;
  outcome: 'REJECTED' | 'CREDITED' | 'VOIDED';
  note: string;
  /** The credit memo of a CREDITED outcome, else null. */
  creditMemoId: string | null;
  creditedCents: number;
  balanceCents: number;
  status: string;
}

/** Cash applied to invoices; `invoices` says where each invoice stands after it. */
export interface PaymentApplied {
  paymentId: string;
  customerId: string;
  currency: string;
  amountCents: number;
  unappliedCents: number;
  invoices: {
    invoiceId: string;
    orderId: string;
    appliedCents: number;
    balanceCents: number;
    status: string;
  }[];
}
