import type { ProductRow } from '@switchyard/catalog/src/migrations';
import type { AddressRow, CustomerRow, CustomersDB } from '@switchyard/customers/src/migrations';
import type { WarehouseRow } from '@switchyard/inventory/src/migrations';
import type {
  HoldRow,
  OrderIdempotencyKeyRow,
  OrderLineRow,
  OrderRow,
  OrdersDB,
} from '@switchyard/orders/src/migrations';
import { fingerprintOf } from '@switchyard/orders/src/place-order-request';
import { applyBasisPoints, redactedText } from '@switchyard/kit';
import { ANCHOR_MS, DAY_MS, HOUR_MS, iso } from './clock';
import type { Tables } from './dataset';
import { customerHabits } from './customer-habits';
import { ACME, PAYMENT_TERMS_DAYS } from './generate-customers';
import { describeHold, type HoldReason } from './hold-details';
import { sequentialId } from './ids';
import { planTimeline, type OrderStatus, type OrderTimeline } from './order-lifecycle';
import type { PricingBook } from './pricing-book';
import type { Random } from './random';
import { SALES_TAX_BPS } from './us-geography';

/** A seeded line is always identified and priced (only placeOrder, with catalog down, writes one that is not). */
export type SeededOrderLine = OrderLineRow & { product_id: string; pricing_rule: string };

/** An order with everything fulfilment and receivables need to continue its story. */
export interface OrderPlan {
  order: OrderRow;
  lines: SeededOrderLine[];
  customer: CustomerRow;
  warehouse: WarehouseRow;
  /** Ships by LTL freight rather than parcel. */
  freight: boolean;
  timeline: OrderTimeline;
}

export interface OrderContext {
  customers: Tables<CustomersDB>;
  /** The catalogue, most popular first (the generator's order is random, so index = popularity rank). */
  products: readonly ProductRow[];
  pricing: PricingBook;
  warehouseFor: (state: string) => WarehouseRow;
}

/** Orders are placed over this many days before the anchor. */
const HISTORY_DAYS = 180;

/** Older orders are further along: the status mix by age in days (upper bound inclusive). */
const STATUS_BY_AGE: readonly (readonly [number, readonly (readonly [OrderStatus, number])[]])[] = [
  [
    1,
    [
      ['ON_HOLD', 12],
      ['ACCEPTED', 38],
      ['ALLOCATED', 30],
      ['BACKORDERED', 5],
      ['SHIPPED', 10],
      ['CANCELLED', 5],
    ],
  ],
  [
    6,
    [
      ['ON_HOLD', 6],
      ['ACCEPTED', 6],
      ['ALLOCATED', 15],
      ['BACKORDERED', 10],
      ['SHIPPED', 45],
      ['INVOICED', 14],
      ['CANCELLED', 4],
    ],
  ],
  [
    30,
    [
      ['ON_HOLD', 2],
      ['ALLOCATED', 2],
      ['BACKORDERED', 5],
      ['SHIPPED', 8],
      ['INVOICED', 50],
      ['PAID', 22],
      ['CLOSED', 6],
      ['CANCELLED', 5],
    ],
  ],
  [
    60,
    [
      ['ON_HOLD', 1],
      ['BACKORDERED', 2],
      ['INVOICED', 32],
      ['PAID', 33],
      ['CLOSED', 27],
      ['CANCELLED', 5],
    ],
  ],
  [
    Infinity,
    [
      ['INVOICED', 7],
      ['PAID', 18],
      ['CLOSED', 70],
      ['CANCELLED', 5],
    ],
  ],
];

/** CUS-0001 always has an order in every status, at an age that suits it. */
const ACME_SHOWCASE: readonly (readonly [OrderStatus, number])[] = [
  ['ON_HOLD', 1],
  ['ACCEPTED', 0],
  ['ALLOCATED', 1],
  ['BACKORDERED', 3],
  ['SHIPPED', 4],
  ['INVOICED', 20],
  ['PAID', 45],
  ['CLOSED', 120],
  ['CANCELLED', 30],
];

const CHANNELS_BY_SEGMENT: Record<string, readonly (readonly [string, number])[]> = {
  WHOLESALE: [
    ['EDI', 35],
    ['PORTAL', 30],
    ['SALES_REP', 20],
    ['PHONE', 10],
    ['ECOMMERCE', 5],
  ],
  CONTRACTOR: [
    ['PORTAL', 30],
    ['SALES_REP', 25],
    ['PHONE', 25],
    ['ECOMMERCE', 15],
    ['EDI', 5],
  ],
  RETAIL: [
    ['ECOMMERCE', 60],
    ['PORTAL', 20],
    ['PHONE', 15],
    ['SALES_REP', 5],
  ],
  INSTITUTIONAL: [
    ['PORTAL', 35],
    ['EDI', 30],
    ['SALES_REP', 20],
    ['PHONE', 15],
  ],
};
/** Channels whose orders arrive through an API that sends an idempotency key. */
const KEYED_CHANNELS = new Set(['EDI', 'PORTAL', 'ECOMMERCE']);
const LINE_COUNTS = [
  [1, 20],
  [2, 20],
  [3, 18],
  [4, 14],
  [5, 10],
  [6, 8],
  [7, 5],
  [8, 5],
] as const;
/** Usual order quantity by unit of measure: [min, max, step]. */
const QUANTITY: Record<string, readonly [number, number, number]> = {
  EA: [1, 40, 1],
  BX: [1, 20, 1],
  CS: [1, 12, 1],
  PK: [1, 24, 1],
  FT: [50, 1500, 50],
  RL: [1, 10, 1],
};

interface OrderDraft {
  customer: CustomerRow;
  status: OrderStatus;
  ageDays: number;
  placedAt: number;
}

export function generateOrders(
  random: Random,
  count: number,
  context: OrderContext,
): { tables: Tables<OrdersDB>; plans: OrderPlan[] } {
  const drafts = draftOrders(random, count, context.customers.customers);
  // numbered in the order they were placed, like a real order sequence
  drafts.sort((a, b) => a.placedAt - b.placedAt);

  const shipTos = groupBy(
    context.customers.addresses.filter((a) => a.kind === 'SHIP_TO'),
    (a) => a.customer_id,
  );
  const habits = new Map(context.customers.customers.map((c) => [c.id, customerHabits(random, c)]));
  const staff = Array.from({ length: 6 }, () =>
    `${random.faker.person.firstName()[0]}.${random.faker.person.lastName()}`.toLowerCase(),
  );
  // The chain's tables (status history, shipments, invoices) are filled once fulfilment and receivables exist: generate-order-progress.ts.
  const tables: Tables<OrdersDB> = {
    orders: [],
    order_lines: [],
    holds: [],
    order_status_history: [],
    order_shipments: [],
    order_invoices: [],
    order_idempotency_keys: [],
    shipment_carriers: [],
  };
  const plans: OrderPlan[] = [];
  const productsById = new Map(context.products.map((p) => [p.id, p]));

  drafts.forEach((draft, index) => {
    const n = index + 1;
    const { customer, status, placedAt } = draft;
    const habit = habits.get(customer.id)!;
    const shipTo = pickShipTo(random, shipTos.get(customer.id)!);
    const channel = random.weighted(CHANNELS_BY_SEGMENT[customer.segment]);
    const orderId = sequentialId('ORD', n, 6);
    const lines = orderLines(random, orderId, draft, context, productsById);
    const subtotal = lines.reduce((sum, line) => sum + line.extended_cents, 0);
    const tax = applyBasisPoints(subtotal, SALES_TAX_BPS[shipTo.region]);
    const bulkyUnits = lines.filter((l) =>
      ['CS', 'FT', 'RL'].includes(productsById.get(l.product_id)!.unit_of_measure),
    ).length;
    const freight =
      subtotal > 250_000 || bulkyUnits >= 3 ? random.chance(0.8) : random.chance(0.05);
    const splits = lines.length > 1 || lines[0].quantity > 1;
    const releasedHold =
      status !== 'ON_HOLD' && random.chance(status === 'CANCELLED' ? 0.35 : 0.07);
    const timeline = planTimeline(random, {
      status,
      placedAt,
      releasedHold,
      shipmentCount: splits && random.chance(0.1) ? 2 : 1,
      freight,
      termsDays: PAYMENT_TERMS_DAYS[customer.payment_terms],
      paymentRun: habit.paymentRun,
      preparedTo:
        status === 'ALLOCATED'
          ? random.weighted([
              [null, 50],
              ['PLANNED', 20],
              ['PICKED', 15],
              ['PACKED', 15],
            ] as const)
          : null,
    });
    const order: OrderRow = {
      id: orderId,
      number: `SO-${100000 + n}`,
      customer_id: customer.id,
      status,
      channel,
      po_number:
        channel === 'EDI' || (channel !== 'ECOMMERCE' ? random.chance(0.85) : random.chance(0.15))
          ? habit.poNumber()
          : null,
      ship_to_address_id: shipTo.id,
      ship_to_name: shipTo.name,
      ship_to_line1: shipTo.line1,
      ship_to_city: shipTo.city,
      ship_to_region: shipTo.region,
      ship_to_postal_code: shipTo.postal_code,
      ship_to_country: shipTo.country,
      currency: 'USD',
      subtotal_cents: subtotal,
      tax_cents: tax,
      total_cents: subtotal + tax,
      placed_at: iso(placedAt),
      updated_at: iso(timeline.updatedAt),
      idempotency_key: KEYED_CHANNELS.has(channel) ? random.faker.string.uuid() : null,
      allow_backorder: 0,
      allocated_at:
        timeline.allocatedAt !== null && status !== 'BACKORDERED'
          ? iso(timeline.allocatedAt)
          : null,
      backordered_at:
        timeline.allocatedAt !== null && status === 'BACKORDERED'
          ? iso(timeline.allocatedAt)
          : null,
    };
    tables.orders.push(order);
    tables.order_lines.push(...lines);
    if (status === 'ON_HOLD' || releasedHold) {
      const reason = holdReason(random, customer, status);
      const detail = describeHold(random, reason, { order, lines, customer });
      tables.holds.push({
        id: sequentialId('HLD', tables.holds.length + 1, 6),
        order_id: orderId,
        reason,
        detail: redactedText(detail),
        detail_facts: JSON.stringify(detail),
        placed_at: iso(placedAt),
        released_at: releasedHold ? iso(timeline.holdReleasedAt!) : null,
        released_by: releasedHold ? random.pick(staff) : null,
        // describeHold's DEPENDENCY_UNAVAILABLE is finance not answering the credit check.
        dependency: reason === 'DEPENDENCY_UNAVAILABLE' ? 'finance' : null,
        release_note: null,
      } satisfies HoldRow);
    }
    if (order.idempotency_key)
      tables.order_idempotency_keys.push(
        idempotencyKeyOf(order, lines, status !== 'ON_HOLD' && !releasedHold),
      );
    plans.push({
      order,
      lines,
      customer,
      warehouse: context.warehouseFor(shipTo.region),
      freight,
      timeline,
    });
  });
  return { tables, plans };
}

/**
 * Who ordered when, and how far each order got. Order volume grows towards the anchor; big accounts
 * order more; inactive customers only have old, finished orders; a customer on hold has its open
 * orders on hold.
 */
function draftOrders(
  random: Random,
  count: number,
  customers: readonly CustomerRow[],
): OrderDraft[] {
  const drafts: OrderDraft[] = [];
  const acme = customers.find((c) => c.id === ACME.id)!;
  for (const [status, ageDays] of ACME_SHOWCASE)
    drafts.push({ customer: acme, status, ageDays, placedAt: placedAt(random, ageDays) });

  const weights = customers.map(
    (c) =>
      (c.id === ACME.id ? 5 : c.status === 'INACTIVE' ? 0.4 : 1) /
      Math.pow(0.08 + random.next(), 1.2),
  );
  const pickCustomer = cumulativePicker(random, customers, weights);
  while (drafts.length < count) {
    const customer = pickCustomer();
    let ageDays = Math.floor(HISTORY_DAYS * Math.pow(random.next(), 1.3));
    let status: OrderStatus;
    if (customer.status === 'INACTIVE') {
      ageDays = random.int(90, HISTORY_DAYS - 1);
      status = random.chance(0.85) ? 'CLOSED' : 'CANCELLED';
    } else {
      status = random.weighted(STATUS_BY_AGE.find(([maxAge]) => ageDays <= maxAge)![1]);
      if (
        customer.status === 'ON_HOLD' &&
        ['ACCEPTED', 'ALLOCATED', 'BACKORDERED'].includes(status)
      )
        status = 'ON_HOLD';
    }
    drafts.push({ customer, status, ageDays, placedAt: placedAt(random, ageDays) });
  }
  return drafts;
}

/** Some time during the US business day, `ageDays` whole days before the anchor's eve. */
function placedAt(random: Random, ageDays: number): number {
  return ANCHOR_MS - (ageDays + 1) * DAY_MS + random.between(13, 23) * HOUR_MS;
}

/** One to eight distinct products; popular products and the customer's contract products come up more often. */
function orderLines(
  random: Random,
  orderId: string,
  draft: OrderDraft,
  context: OrderContext,
  productsById: ReadonlyMap<string, ProductRow>,
): SeededOrderLine[] {
  const { products, pricing } = context;
  const contracted = pricing.contractProducts.get(draft.customer.id) ?? [];
  const chosen = new Set<string>();
  const lineCount = random.weighted(LINE_COUNTS);
  const at = iso(draft.placedAt);
  const lines: SeededOrderLine[] = [];
  for (let attempt = 0; lines.length < lineCount; attempt++) {
    // a tiny catalogue may run out of eligible products: then any product will do
    const fussy = attempt < lineCount * 20;
    const product =
      contracted.length && random.chance(0.35)
        ? productsById.get(random.pick(contracted))!
        : products[Math.floor(products.length * Math.pow(random.next(), 1.6))];
    // discontinued products only show up in older orders
    if (chosen.has(product.id) || (fussy && product.status !== 'ACTIVE' && draft.ageDays < 60))
      continue;
    chosen.add(product.id);
    const quantity = lineQuantity(random, product, pricing);
    const priced = pricing.price(draft.customer.id, product, quantity, at);
    lines.push({
      order_id: orderId,
      line_number: lines.length + 1,
      product_id: product.id,
      sku: product.sku,
      quantity,
      unit_price_cents: priced.unitPriceCents,
      pricing_rule: priced.rule,
      extended_cents: priced.extendedCents,
      expected_unit_price_cents: null,
      // Counted from the shipments that left (generate-order-progress.ts).
      shipped_quantity: 0,
    });
  }
  return lines;
}

function lineQuantity(random: Random, product: ProductRow, pricing: PricingBook): number {
  const breaks = pricing.breakQuantities(product.id);
  if (breaks.length && random.chance(0.35)) {
    const minimum = random.pick(breaks);
    return minimum + random.int(0, Math.ceil(minimum / 10));
  }
  const [min, max, step] = QUANTITY[product.unit_of_measure] ?? QUANTITY.EA;
  return random.int(min / step, max / step) * step;
}

/**
 * The consumer that sent a keyed order (development consumers where one fits: the web store, the sales
 * portal, ACME's EDI; another distributor's system otherwise), and the fingerprint of the request it sent
 * (every field explicit), so that the same request sent again with the key answers the seeded order.
 */
function idempotencyKeyOf(
  order: OrderRow,
  lines: readonly OrderLineRow[],
  accepted: boolean,
): OrderIdempotencyKeyRow {
  const caller =
    order.channel === 'ECOMMERCE'
      ? 'dev-web-store'
      : order.channel === 'PORTAL'
        ? 'dev-sales-portal'
        : order.customer_id === ACME.id
          ? 'dev-acme-distributor'
          : `edi:${order.customer_id}`;
  const fingerprint = fingerprintOf({
    customerId: order.customer_id,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, expectedUnitPriceCents: null })),
    shipToAddressId: order.ship_to_address_id,
    poNumber: order.po_number,
    channel: order.channel as Parameters<typeof fingerprintOf>[0]['channel'],
    allowBackorder: false,
  });
  return {
    caller_id: caller,
    idempotency_key: order.idempotency_key!,
    fingerprint,
    order_id: order.id,
    accepted: accepted ? 1 : 0,
    created_at: order.placed_at,
  };
}

function holdReason(random: Random, customer: CustomerRow, status: OrderStatus): HoldReason {
  if (status !== 'ON_HOLD')
    return random.weighted([
      ['CREDIT', 45],
      ['INVENTORY', 30],
      ['PRICING', 25],
    ]);
  if (customer.status === 'ON_HOLD')
    return random.weighted([
      ['CUSTOMER_STATUS', 60],
      ['CREDIT', 40],
    ]);
  return random.weighted([
    ['CREDIT', 40],
    ['INVENTORY', 30],
    ['PRICING', 25],
    ['DEPENDENCY_UNAVAILABLE', 5],
  ]);
}

function pickShipTo(random: Random, addresses: readonly AddressRow[]): AddressRow {
  const preferred = addresses.find((a) => a.is_default === 1) ?? addresses[0];
  return random.chance(0.6) ? preferred : random.pick(addresses);
}

function cumulativePicker<T>(
  random: Random,
  items: readonly T[],
  weights: readonly number[],
): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) cumulative.push((total += weight));
  return () => {
    const roll = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid] > roll) high = mid;
      else low = mid + 1;
    }
    return items[low];
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
