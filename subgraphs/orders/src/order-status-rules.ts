import type { OrderStatus } from './store';

/** The statuses an order may be cancelled from: before anything left a warehouse. */
export const CANCELLABLE_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'ON_HOLD',
  'ACCEPTED',
  'ALLOCATED',
  'BACKORDERED',
]);

/** Statuses in which an order is finished as far as order aging is concerned. */
export const SETTLED_STATUSES: readonly OrderStatus[] = ['PAID', 'CLOSED', 'CANCELLED'];

/**
 * How far along the chain each status is. Events may arrive out of order (separate consumer groups,
 * replays from the exception queue): an order only ever moves to a status of higher rank.
 * BACKORDERED ranks below ALLOCATED: stock that arrives later allocates a backordered order.
 */
const RANK: Record<Exclude<OrderStatus, 'CANCELLED'>, number> = {
  ON_HOLD: 0,
  ACCEPTED: 1,
  BACKORDERED: 2,
  ALLOCATED: 3,
  SHIPPED: 4,
  INVOICED: 5,
  PAID: 6,
  CLOSED: 7,
};

/** Chain order, for reading a history whose entries share an instant; CANCELLED last. */
export const statusRank = (status: OrderStatus): number =>
  status === 'CANCELLED' ? 8 : RANK[status];

/** What the order knows of the chain downstream of it (from inventory, shipments and finance events). */
export interface OrderFacts {
  status: OrderStatus;
  allocated: boolean;
  backordered: boolean;
  lines: readonly { quantity: number; shippedQuantity: number }[];
  shipments: readonly {
    shipmentId: string;
    shippedAt: string | null;
    deliveredAt: string | null;
  }[];
  invoices: readonly { shipmentId: string | null; balanceCents: number }[];
}

/**
 * The status the facts justify, and the statuses the order enters on the way (each whose condition
 * holds, in chain order). PAID: every unit shipped, every shipment invoiced, every invoice paid.
 * CLOSED: paid in full and every shipment delivered, whichever comes last.
 * ON_HOLD and CANCELLED orders do not follow the chain: they stay as they are.
 */
export function progressOf(facts: OrderFacts): { status: OrderStatus; entered: OrderStatus[] } {
  const current = facts.status;
  if (current === 'ON_HOLD' || current === 'CANCELLED') return { status: current, entered: [] };
  const shipped = facts.shipments.filter((s) => s.shippedAt !== null);
  const invoicedShipments = new Set(facts.invoices.map((i) => i.shipmentId));
  const paidInFull =
    facts.lines.length > 0 &&
    facts.lines.every((l) => l.shippedQuantity >= l.quantity) &&
    facts.invoices.length > 0 &&
    shipped.every((s) => invoicedShipments.has(s.shipmentId)) &&
    facts.invoices.every((i) => i.balanceCents <= 0);
  const holds: Record<Exclude<OrderStatus, 'CANCELLED' | 'ON_HOLD' | 'ACCEPTED'>, boolean> = {
    BACKORDERED: facts.backordered,
    ALLOCATED: facts.allocated,
    SHIPPED: shipped.length > 0,
    INVOICED: facts.invoices.length > 0,
    PAID: paidInFull,
    CLOSED: paidInFull && shipped.length > 0 && shipped.every((s) => s.deliveredAt !== null),
  };
  const entered = (Object.keys(holds) as (keyof typeof holds)[])
    .filter((status) => holds[status] && RANK[status] > RANK[current])
    .sort((a, b) => RANK[a] - RANK[b]);
  return { status: entered.length ? entered[entered.length - 1] : current, entered };
}
