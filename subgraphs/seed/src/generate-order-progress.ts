import type { FinanceDB } from '@switchyard/finance/src/migrations';
import type {
  OrderInvoiceRow,
  OrderShipmentRow,
  OrderStatusHistoryRow,
} from '@switchyard/orders/src/migrations';
import { iso } from './clock';
import type { Tables } from './dataset';
import type { ShipmentRecord } from './generate-fulfilment';
import type { OrderPlan } from './generate-orders';

/**
 * What the orders subgraph learned of each seeded order's way along the chain, as its event handlers
 * would have recorded it: the status history (from the order's lifecycle timeline), the shipments that
 * left (ShipmentConfirmed, ShipmentDelivered), the units shipped per line, and the invoices with their
 * balances (InvoiceIssued, PaymentApplied). Business health reads these. Shipped quantities are set on
 * the order lines the order generator made (the same row objects).
 */
export function generateOrderProgress(
  plans: readonly OrderPlan[],
  shipments: readonly ShipmentRecord[],
  finance: Pick<Tables<FinanceDB>, 'invoices' | 'payment_applications'>,
): {
  order_status_history: OrderStatusHistoryRow[];
  order_shipments: OrderShipmentRow[];
  order_invoices: OrderInvoiceRow[];
} {
  const order_shipments: OrderShipmentRow[] = [];
  for (const { shipment, lines, plan } of shipments) {
    if (shipment.shipped_at === null) continue;
    order_shipments.push({
      shipment_id: shipment.id,
      order_id: shipment.order_id,
      shipped_at: shipment.shipped_at,
      delivered_at: shipment.delivered_at,
    });
    for (const line of lines)
      plan.lines.find((l) => l.line_number === line.order_line_number)!.shipped_quantity +=
        line.quantity;
  }

  const applied = new Map<string, number>();
  for (const a of finance.payment_applications)
    applied.set(a.invoice_id, (applied.get(a.invoice_id) ?? 0) + a.amount_cents);
  const order_invoices = finance.invoices.map((invoice): OrderInvoiceRow => ({
    invoice_id: invoice.id,
    order_id: invoice.order_id,
    shipment_id: invoice.shipment_id,
    total_cents: invoice.total_cents,
    balance_cents:
      invoice.status === 'VOID' ? 0 : invoice.total_cents - (applied.get(invoice.id) ?? 0),
    status: invoice.status,
    issued_at: invoice.issued_at,
  }));

  return { order_status_history: plans.flatMap(statusHistory), order_shipments, order_invoices };
}

/** The statuses the order entered, at the instants its timeline gives, with the command or event that moved it. */
function statusHistory({ order, timeline }: OrderPlan): OrderStatusHistoryRow[] {
  const entered: [status: string, at: number | null, cause: string][] = [];
  const heldAtCapture = order.status === 'ON_HOLD' || timeline.holdReleasedAt !== null;
  if (heldAtCapture) entered.push(['ON_HOLD', timeline.placedAt, 'placeOrder']);
  entered.push(['ACCEPTED', timeline.acceptedAt, heldAtCapture ? 'releaseHold' : 'placeOrder']);
  if (order.status === 'BACKORDERED')
    entered.push(['BACKORDERED', timeline.allocatedAt, 'OrderBackordered']);
  else entered.push(['ALLOCATED', timeline.allocatedAt, 'InventoryAllocated']);
  const first = (values: (number | null | undefined)[]) => {
    const known = values.filter((v): v is number => v != null);
    return known.length ? Math.min(...known) : null;
  };
  const last = (values: (number | null | undefined)[]) => {
    const known = values.filter((v): v is number => v != null);
    return known.length ? Math.max(...known) : null;
  };
  const shippedAt = first(
    timeline.shipments.map((s) => s.milestones.find((m) => m.code === 'SHIPPED')?.at),
  );
  entered.push(['SHIPPED', shippedAt, 'ShipmentConfirmed']);
  entered.push(['INVOICED', first(timeline.shipments.map((s) => s.invoicedAt)), 'InvoiceIssued']);
  const paidAt = last(timeline.shipments.map((s) => s.paidAt));
  entered.push(['PAID', paidAt, 'PaymentApplied']);
  const deliveredAt = last(
    timeline.shipments.map((s) => s.milestones.find((m) => m.code === 'DELIVERED')?.at),
  );
  entered.push([
    'CLOSED',
    timeline.closedAt,
    deliveredAt !== null && paidAt !== null && deliveredAt > paidAt
      ? 'ShipmentDelivered'
      : 'PaymentApplied',
  ]);
  entered.push(['CANCELLED', timeline.cancelledAt, 'cancelOrder']);
  return entered
    .filter(([, at]) => at !== null)
    .map(([status, at, cause]) => ({
      order_id: order.id,
      status,
      at: iso(at!),
      cause,
      actor: 'seed',
      note: status === 'CANCELLED' ? 'Cancelled at the customer’s request' : null,
      correlation_id: null,
    }));
}
