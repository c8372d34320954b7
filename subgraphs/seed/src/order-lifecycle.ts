import { ANCHOR_MS, HOUR_MS } from './clock';
import type { Random } from './random';

export const ORDER_STATUSES = [
  'ON_HOLD',
  'ACCEPTED',
  'ALLOCATED',
  'BACKORDERED',
  'SHIPPED',
  'INVOICED',
  'PAID',
  'CLOSED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const MILESTONE_CODES = [
  'PLANNED',
  'PICKED',
  'PACKED',
  'SHIPPED',
  'IN_TRANSIT',
  'DELIVERED',
] as const;
export type MilestoneCode = (typeof MILESTONE_CODES)[number];

/** The statuses in which an order's goods have left the warehouse. */
export const SHIPPED_STATUSES: readonly OrderStatus[] = ['SHIPPED', 'INVOICED', 'PAID', 'CLOSED'];

/** When one shipment of an order went through each step; only the steps it reached. */
export interface ShipmentTimeline {
  /** In lifecycle order, with increasing times (ms). */
  milestones: { code: MilestoneCode; at: number }[];
  /** When its invoice was issued (INVOICED, PAID and CLOSED orders). */
  invoicedAt: number | null;
  /** When the customer's payment of that invoice arrived (PAID and CLOSED orders). */
  paidAt: number | null;
}

/** When an order went through each step of order-to-cash (ms since the epoch), up to its status. */
export interface OrderTimeline {
  placedAt: number;
  /** Set when the order was held at capture and released later. */
  holdReleasedAt: number | null;
  acceptedAt: number | null;
  allocatedAt: number | null;
  cancelledAt: number | null;
  closedAt: number | null;
  shipments: ShipmentTimeline[];
  updatedAt: number;
}

export interface LifecycleOptions {
  status: OrderStatus;
  placedAt: number;
  /** The order was held at capture and released before acceptance. */
  releasedHold: boolean;
  /** Shipments of SHIPPED-or-later orders (1 or 2). */
  shipmentCount: number;
  /** LTL freight takes longer to deliver than parcel. */
  freight: boolean;
  /** Days from invoice to due date; 0 for cash on delivery. */
  termsDays: number;
  /** Moves a payment date to the customer's next payment run, when it pays in runs. */
  paymentRun: (at: number) => number;
  /** For ALLOCATED orders: how far the shipment being prepared got, or null when none is planned yet. */
  preparedTo: 'PLANNED' | 'PICKED' | 'PACKED' | null;
}

/** Hours from the previous milestone to this one: [min, max]. */
const MILESTONE_GAP_HOURS: Record<MilestoneCode, readonly [number, number]> = {
  PLANNED: [1, 12],
  PICKED: [1, 10],
  PACKED: [0.5, 4],
  SHIPPED: [1, 20],
  IN_TRANSIT: [3, 14],
  DELIVERED: [24, 96],
};
const FREIGHT_DELIVERY_HOURS = [48, 168] as const;
/** Nothing in the dataset happens in the last half hour before the anchor. */
const MARGIN_MS = HOUR_MS / 2;

/**
 * Plans an order's history with realistic gaps between steps, then compresses it when the order is
 * too young for those gaps, so that every step of its status happened, in order, before the anchor.
 * Steps past the status that may or may not have happened yet (in transit, delivered) are kept only
 * when they fall before the anchor.
 */
export function planTimeline(random: Random, options: LifecycleOptions): OrderTimeline {
  const { status, placedAt } = options;
  const window = ANCHOR_MS - MARGIN_MS - placedAt;
  const hours = (range: readonly [number, number]) => random.between(range[0], range[1]) * HOUR_MS;
  const timeline: OrderTimeline = {
    placedAt,
    holdReleasedAt: null,
    acceptedAt: null,
    allocatedAt: null,
    cancelledAt: null,
    closedAt: null,
    shipments: [],
    updatedAt: placedAt,
  };
  if (status === 'ON_HOLD') return timeline;

  // Offsets from placement (ms), compressed together below when needed.
  let t = 0;
  const holdReleased = options.releasedHold ? (t += hours([2, 48])) : null;
  const accepted = (t += hours([0.05, 2]));
  const allocates = status !== 'ACCEPTED' && (status !== 'CANCELLED' || random.chance(0.5));
  const allocated = allocates ? (t += hours([0.5, 8])) : null;
  const cancelled = status === 'CANCELLED' ? t + hours([1, 72]) : null;

  const shipmentCount = SHIPPED_STATUSES.includes(status)
    ? options.shipmentCount
    : status === 'ALLOCATED' && options.preparedTo
      ? 1
      : 0;
  const lastStage = status === 'ALLOCATED' ? options.preparedTo! : 'DELIVERED';
  const shipments = Array.from({ length: shipmentCount }, (_, k) => {
    let at = allocated! + (k > 0 ? hours([18, 72]) : 0);
    const stages: { code: MilestoneCode; at: number }[] = [];
    for (const code of MILESTONE_CODES.slice(0, MILESTONE_CODES.indexOf(lastStage) + 1)) {
      at += hours(
        code === 'DELIVERED' && options.freight
          ? FREIGHT_DELIVERY_HOURS
          : MILESTONE_GAP_HOURS[code],
      );
      stages.push({ code, at });
    }
    const shipped = stages.find((s) => s.code === 'SHIPPED')?.at;
    return { stages, invoiced: shipped !== undefined ? shipped + hours([2, 36]) : null };
  });

  const stageAt = (code: MilestoneCode) =>
    Math.max(0, ...shipments.map((s) => s.stages.find((m) => m.code === code)?.at ?? 0));
  const required: Record<OrderStatus, number> = {
    ON_HOLD: 0,
    ACCEPTED: accepted,
    ALLOCATED: Math.max(allocated ?? 0, ...shipments.map((s) => s.stages[s.stages.length - 1].at)),
    BACKORDERED: allocated ?? 0,
    SHIPPED: stageAt('SHIPPED'),
    INVOICED: Math.max(...shipments.map((s) => s.invoiced ?? 0)),
    PAID: Math.max(...shipments.map((s) => s.invoiced ?? 0)),
    CLOSED: Math.max(stageAt('DELIVERED'), ...shipments.map((s) => s.invoiced ?? 0)),
    CANCELLED: cancelled ?? 0,
  };
  // A young order's history ends some time before the anchor; paid and closed orders also leave
  // room after fulfilment for the payment to arrive.
  const budget =
    window * random.between(0.6, 0.95) * (status === 'PAID' || status === 'CLOSED' ? 0.6 : 1);
  const squeeze = required[status] > budget ? budget / required[status] : 1;
  const at = (offset: number | null) => (offset === null ? null : placedAt + offset * squeeze);

  timeline.holdReleasedAt = at(holdReleased);
  timeline.acceptedAt = at(accepted);
  timeline.allocatedAt = at(allocated);
  timeline.cancelledAt = at(cancelled);
  timeline.shipments = shipments.map((s) => ({
    milestones: s.stages
      .map((m) => ({ code: m.code, at: at(m.at)! }))
      .filter((m) => m.at <= placedAt + window),
    invoicedAt:
      status === 'INVOICED' || status === 'PAID' || status === 'CLOSED' ? at(s.invoiced) : null,
    paidAt: null,
  }));

  if (status === 'PAID' || status === 'CLOSED') {
    // Closed orders keep a little time after the last payment for the close itself.
    const limit = placedAt + window * (status === 'CLOSED' ? 0.85 : 1);
    for (const shipment of timeline.shipments) {
      const invoiced = shipment.invoicedAt!;
      const usual =
        invoiced +
        (options.termsDays
          ? options.termsDays * random.between(0.6, 1.25) * 24
          : random.between(0, 48)) *
          HOUR_MS;
      const paid =
        usual <= limit ? usual : invoiced + (limit - invoiced) * random.between(0.4, 0.95);
      const inRun = options.paymentRun(paid);
      shipment.paidAt = inRun <= limit ? inRun : paid;
    }
  }
  if (status === 'CLOSED') {
    const settled = Math.max(
      ...timeline.shipments.flatMap((s) => [s.paidAt!, ...s.milestones.map((m) => m.at)]),
    );
    timeline.closedAt =
      settled +
      Math.min(hours([24, 240]), (placedAt + window - settled) * random.between(0.3, 0.9));
  }
  timeline.updatedAt = updatedAt(status, timeline);
  return timeline;
}

/** When the order's own status last changed. */
function updatedAt(status: OrderStatus, t: OrderTimeline): number {
  const latest = (values: (number | null)[]) => Math.max(...values.map((v) => v ?? t.placedAt));
  switch (status) {
    case 'ON_HOLD':
      return t.placedAt;
    case 'ACCEPTED':
      return t.acceptedAt!;
    case 'ALLOCATED':
    case 'BACKORDERED':
      return t.allocatedAt!;
    case 'SHIPPED':
      return latest(
        t.shipments.map((s) => s.milestones.find((m) => m.code === 'SHIPPED')?.at ?? null),
      );
    case 'INVOICED':
      return latest(t.shipments.map((s) => s.invoicedAt));
    case 'PAID':
      return latest(t.shipments.map((s) => s.paidAt));
    case 'CLOSED':
      return t.closedAt!;
    case 'CANCELLED':
      return t.cancelledAt!;
  }
}
