import type { CustomerRow } from '@switchyard/customers/src/migrations';
import type {
  FinanceDB,
  InvoiceLineRow,
  InvoiceRow,
  OrderLedgerLineRow,
  OrderLedgerRow,
  PaymentApplicationRow,
  PaymentRow,
} from '@switchyard/finance/src/migrations';
import { applyBasisPoints } from '@switchyard/kit';
import { ANCHOR_MS, DAY_MS, HOUR_MS, iso } from './clock';
import type { Tables } from './dataset';
import { PAYMENT_TERMS_DAYS } from './generate-customers';
import type { ShipmentRecord } from './generate-fulfilment';
import type { OrderPlan } from './generate-orders';
import { sequentialId } from './ids';
import type { Random } from './random';
import { SALES_TAX_BPS } from './us-geography';

/** Orders counted in a customer's credit exposure until they are invoiced. */
const OPEN_ORDER_STATUSES = new Set(['ACCEPTED', 'ALLOCATED', 'BACKORDERED', 'SHIPPED']);

/** What customers dispute, in turn (no random draw, so the rest of the receivables stay as they were). */
const DISPUTE_REASONS = [
  'Quantity billed exceeds quantity received',
  'Price does not match the contract price',
  'Goods damaged in transit',
  'Duplicate of an invoice already paid',
] as const;

interface InvoiceRecord {
  invoice: InvoiceRow;
  /** When it was paid in full (PAID and CLOSED orders). */
  paidAt: number | null;
}

/** A payment before it gets its id (ids follow the date payments were received). */
interface PaymentDraft {
  customerId: string;
  amount: number;
  receivedAt: number;
  applications: { invoiceId: string; amount: number }[];
}

/**
 * Accounts receivable: one invoice per shipment of an invoiced, paid or closed order, priced at the
 * order line's unit price plus the ship-to region's tax; payments that settle paid orders' invoices
 * (one payment may settle several invoices of a customer), partial payments on some open invoices,
 * a little unapplied cash; the open-orders projection of orders not invoiced yet; and the ledger of every
 * accepted order (lines at their prices, ship-to region), as finance's OrderAccepted handler records it.
 */
export function generateReceivables(
  random: Random,
  customers: readonly CustomerRow[],
  plans: readonly OrderPlan[],
  shipments: readonly ShipmentRecord[],
): Tables<FinanceDB> {
  const orders = plans.map((plan) => plan.order);
  const tax_rates = Object.entries(SALES_TAX_BPS).map(([region, rate_bps]) => ({
    region,
    rate_bps,
  }));
  const invoice_lines: InvoiceLineRow[] = [];
  const invoices: InvoiceRecord[] = [];
  for (const record of shipments) {
    if (record.timeline.invoicedAt === null) continue;
    const invoiced = invoiceFor(random, invoices.length + 1, record);
    invoices.push({ invoice: invoiced.invoice, paidAt: record.timeline.paidAt });
    invoice_lines.push(...invoiced.lines);
  }

  const methods = new Map(customers.map((c) => [c.id, preferredMethod(random, c)]));
  const drafts = [
    ...settlements(random, invoices),
    ...partialPayments(random, invoices),
    ...cashOnAccount(random, customers),
  ];
  drafts.sort((a, b) => a.receivedAt - b.receivedAt || a.customerId.localeCompare(b.customerId));
  const payments: PaymentRow[] = [];
  const payment_applications: PaymentApplicationRow[] = [];
  drafts.forEach((draft, i) => {
    const method = methods.get(draft.customerId)!;
    const payment: PaymentRow = {
      id: sequentialId('PAY', i + 1, 6),
      customer_id: draft.customerId,
      method,
      reference: paymentReference(random, method, draft.receivedAt),
      amount_cents: draft.amount,
      currency: 'USD',
      received_at: iso(draft.receivedAt),
    };
    payments.push(payment);
    for (const application of draft.applications) {
      payment_applications.push({
        id: sequentialId('APP', payment_applications.length + 1, 6),
        payment_id: payment.id,
        invoice_id: application.invoiceId,
        amount_cents: application.amount,
        // cash is applied when it is posted, the day it arrives
        applied_at: payment.received_at,
      });
    }
  });

  const open_orders = orders
    .filter((order) => OPEN_ORDER_STATUSES.has(order.status))
    .map((order) => ({
      order_id: order.id,
      customer_id: order.customer_id,
      uninvoiced_cents: order.total_cents,
      currency: order.currency,
    }));

  const { order_ledger, order_ledger_lines } = orderLedger(plans);
  return {
    tax_rates,
    invoices: invoices.map((r) => r.invoice),
    invoice_lines,
    payments,
    payment_applications,
    open_orders,
    order_ledger,
    order_ledger_lines,
    tax_rate_changes: tax_rates.map(({ region, rate_bps }) => ({
      id: `TRC-${region}`,
      region,
      previous_rate_bps: null,
      rate_bps,
      // Each region's rate was set once, before any seeded order: every seeded invoice is taxed at it.
      changed_at: iso(ANCHOR_MS - 365 * DAY_MS),
      changed_by: 'seed',
    })),
  };
}

/** Every order that was accepted (all but those still on hold at capture), with its lines as priced. */
function orderLedger(plans: readonly OrderPlan[]): {
  order_ledger: OrderLedgerRow[];
  order_ledger_lines: OrderLedgerLineRow[];
} {
  const accepted = plans.filter((plan) => plan.timeline.acceptedAt !== null);
  return {
    order_ledger: accepted.map(({ order, timeline }) => ({
      order_id: order.id,
      order_number: order.number,
      customer_id: order.customer_id,
      status: order.status === 'CANCELLED' ? 'CANCELLED' : 'ACCEPTED',
      currency: order.currency,
      ship_to_region: order.ship_to_region,
      subtotal_cents: order.subtotal_cents,
      tax_cents: order.tax_cents,
      total_cents: order.total_cents,
      accepted_at: iso(timeline.acceptedAt!),
    })),
    order_ledger_lines: accepted.flatMap(({ lines }) =>
      lines.map((line) => {
        // Only lines placed while catalog was unreachable lack a product, and such orders are never accepted.
        if (line.product_id === null)
          throw new Error(
            `accepted order ${line.order_id} has line ${line.line_number} without a product`,
          );
        return {
          order_id: line.order_id,
          line_number: line.line_number,
          product_id: line.product_id,
          sku: line.sku,
          quantity: line.quantity,
          unit_price_cents: line.unit_price_cents,
          extended_cents: line.extended_cents,
        };
      }),
    ),
  };
}

/** A disputed invoice was contested some days after issue (a third of its age, at most two weeks), before the anchor. */
function disputedAt(issuedAt: number): number {
  return issuedAt + Math.min(14 * DAY_MS, (ANCHOR_MS - HOUR_MS - issuedAt) / 3);
}

function invoiceFor(
  random: Random,
  n: number,
  { shipment, lines, plan, timeline }: ShipmentRecord,
): { invoice: InvoiceRow; lines: InvoiceLineRow[] } {
  const id = sequentialId('INV', n, 6);
  const orderLines = new Map(plan.lines.map((line) => [line.line_number, line]));
  const invoiceLines = lines.map((shipped, i) => {
    const ordered = orderLines.get(shipped.order_line_number)!;
    return {
      invoice_id: id,
      line_number: i + 1,
      order_line_number: shipped.order_line_number,
      product_id: shipped.product_id,
      sku: ordered.sku,
      quantity: shipped.quantity,
      unit_price_cents: ordered.unit_price_cents,
      extended_cents: ordered.unit_price_cents * shipped.quantity,
    };
  });
  const subtotal = invoiceLines.reduce((sum, line) => sum + line.extended_cents, 0);
  const region = plan.order.ship_to_region;
  const rate = SALES_TAX_BPS[region];
  const tax = applyBasisPoints(subtotal, rate);
  const issuedAt = timeline.invoicedAt!;
  const paid = plan.order.status === 'PAID' || plan.order.status === 'CLOSED';
  const status = paid
    ? 'PAID'
    : random.weighted([
        ['OPEN', 70],
        ['PARTIALLY_PAID', 20],
        ['DISPUTED', 10],
      ]);
  const shippedAt = timeline.milestones.find((m) => m.code === 'SHIPPED')!.at;
  return {
    invoice: {
      id,
      number: `IN-${200000 + n}`,
      customer_id: plan.order.customer_id,
      order_id: plan.order.id,
      shipment_id: shipment.id,
      status,
      currency: 'USD',
      subtotal_cents: subtotal,
      tax_region: region,
      tax_rate_bps: rate,
      tax_cents: tax,
      total_cents: subtotal + tax,
      issued_at: iso(issuedAt),
      due_at: iso(issuedAt + PAYMENT_TERMS_DAYS[plan.customer.payment_terms] * DAY_MS),
      shipped_at: iso(shippedAt),
      disputed_at: status === 'DISPUTED' ? iso(disputedAt(issuedAt)) : null,
      dispute_reason: status === 'DISPUTED' ? DISPUTE_REASONS[n % DISPUTE_REASONS.length] : null,
    },
    lines: invoiceLines,
  };
}

/**
 * Paid invoices are settled in full. Invoices of one customer paid at the same moment (its weekly
 * payment run) share one payment; now and then a customer sends a little more than it owes.
 */
function settlements(random: Random, invoices: readonly InvoiceRecord[]): PaymentDraft[] {
  const runs = new Map<string, PaymentDraft>();
  for (const { invoice, paidAt } of invoices) {
    if (invoice.status !== 'PAID') continue;
    const key = `${invoice.customer_id}|${paidAt}`;
    const run = runs.get(key) ?? {
      customerId: invoice.customer_id,
      amount: 0,
      receivedAt: paidAt!,
      applications: [],
    };
    run.amount += invoice.total_cents;
    run.applications.push({ invoiceId: invoice.id, amount: invoice.total_cents });
    runs.set(key, run);
  }
  const payments = [...runs.values()];
  for (const payment of payments) {
    if (random.chance(0.06))
      payment.amount += Math.max(100, Math.round(payment.amount * random.between(0.005, 0.03)));
  }
  return payments;
}

/** Partially paid invoices got one payment of 20-70% of their total since they were issued. */
function partialPayments(random: Random, invoices: readonly InvoiceRecord[]): PaymentDraft[] {
  return invoices
    .filter(({ invoice }) => invoice.status === 'PARTIALLY_PAID')
    .map(({ invoice }) => {
      const issuedAt = Date.parse(invoice.issued_at);
      const amount = Math.max(
        1,
        Math.min(
          invoice.total_cents - 1,
          Math.round(invoice.total_cents * random.between(0.2, 0.7)),
        ),
      );
      return {
        customerId: invoice.customer_id,
        amount,
        receivedAt: issuedAt + (ANCHOR_MS - HOUR_MS - issuedAt) * random.between(0.2, 0.8),
        applications: [{ invoiceId: invoice.id, amount }],
      };
    });
}

/** A few active customers sent money that is not applied to any invoice yet (unapplied cash). */
function cashOnAccount(random: Random, customers: readonly CustomerRow[]): PaymentDraft[] {
  return customers
    .filter((c) => c.status === 'ACTIVE' && random.chance(0.04))
    .map((c) => ({
      customerId: c.id,
      amount: random.int(100, 5000) * 100,
      receivedAt: ANCHOR_MS - random.between(1, 30) * DAY_MS,
      applications: [],
    }));
}

function preferredMethod(random: Random, customer: CustomerRow): string {
  return customer.segment === 'RETAIL'
    ? random.weighted([
        ['CARD', 50],
        ['ACH', 30],
        ['CHECK', 20],
      ])
    : random.weighted([
        ['ACH', 45],
        ['CHECK', 30],
        ['WIRE', 15],
        ['CARD', 10],
      ]);
}

function paymentReference(random: Random, method: string, receivedAt: number): string {
  const day = iso(receivedAt).slice(0, 10).replaceAll('-', '');
  switch (method) {
    case 'ACH':
      return `ACH ${day} TRACE ${random.digits(15)}`;
    case 'WIRE':
      return `FED REF ${day}${random.digits(8)}`;
    case 'CHECK':
      return `CHECK ${random.int(1001, 99999)}`;
    default:
      return `CARD **** ${random.digits(4)} AUTH ${random.digits(6)}`;
  }
}
