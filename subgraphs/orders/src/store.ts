import type { PageRequest, RowScope } from '@switchyard/kit';

/**
 * ERP order management as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); an ERP connector implements the same interface.
 *
 * Every list of orders is read newest first: keyset on id descending (ids grow with time),
 * so `page.afterKey` means "orders with a smaller id".
 */
export interface OrderStore {
  ordersByIds(ids: readonly string[]): Promise<Order[]>;
  ordersByNumbers(numbers: readonly string[]): Promise<Order[]>;
  /** Up to `page.limit + 1` orders, newest first, after `page.afterKey`. */
  listOrders(filter: OrderFilter, page: PageRequest): Promise<Order[]>;
  countOrders(filter: OrderFilter): Promise<number>;
  /** Up to `page.limit + 1` orders of each customer (newest first), in one read for all of them. */
  ordersPerCustomer(customerIds: readonly string[], filter: OrderFilter, page: PageRequest): Promise<Order[]>;
  /** How many orders match `filter` for each customer; customers without any are absent. */
  countOrdersPerCustomer(customerIds: readonly string[], filter: OrderFilter): Promise<Map<string, number>>;
  /** The lines of these orders, by line number. */
  linesByOrderIds(orderIds: readonly string[]): Promise<OrderLine[]>;
  /** The holds of these orders, oldest first, released ones included. */
  holdsByOrderIds(orderIds: readonly string[]): Promise<Hold[]>;
}

export const ORDER_STATUSES = ['ON_HOLD', 'ACCEPTED', 'ALLOCATED', 'BACKORDERED', 'SHIPPED', 'INVOICED', 'PAID', 'CLOSED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_CHANNELS = ['PORTAL', 'ECOMMERCE', 'EDI', 'SALES_REP', 'PHONE'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export const PRICING_RULES = ['CONTRACT', 'QUANTITY_BREAK', 'PRICE_LIST', 'LIST'] as const;
export type PricingRule = (typeof PRICING_RULES)[number];

export const HOLD_REASONS = ['CREDIT', 'PRICING', 'INVENTORY', 'CUSTOMER_STATUS', 'DEPENDENCY_UNAVAILABLE'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** The ship-to address as it was when the order was placed (a copy: later edits of the customer's address do not change it). */
export interface ShipToAddress {
  addressId: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface Order {
  id: string;
  number: string;
  customerId: string;
  status: OrderStatus;
  channel: OrderChannel;
  poNumber: string | null;
  shipTo: ShipToAddress;
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  placedAt: string;
  updatedAt: string;
}

export interface OrderLine {
  orderId: string;
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  extendedCents: number;
  /** The order's currency (lines are priced in it). */
  currency: string;
  pricingRule: PricingRule;
}

export interface Hold {
  id: string;
  orderId: string;
  reason: HoldReason;
  detail: string;
  placedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

/** Filters combine with AND; an absent one does not filter. */
export interface OrderFilter {
  /** Any of these statuses. */
  statuses?: readonly OrderStatus[] | null;
  customerId?: string | null;
  channel?: OrderChannel | null;
  /** Placed at or after this instant (ISO-8601, inclusive). */
  placedAfter?: string | null;
  /** Placed before this instant (ISO-8601, exclusive). */
  placedBefore?: string | null;
  /** Only the orders the caller may see, by customer and channel (row-level security); absent or null: all. */
  scope?: RowScope;
}
