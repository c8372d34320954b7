import type { AllocationRow } from '@switchyard/inventory/src/migrations';
import type {
  MilestoneRow,
  ShipmentLineRow,
  ShipmentRow,
  ShipmentsDB,
} from '@switchyard/shipments/src/migrations';
import { CARRIERS, chooseCarrier, type CarrierProfile } from './carriers';
import { iso } from './clock';
import type { Tables } from './dataset';
import type { OrderPlan, SeededOrderLine } from './generate-orders';
import { sequentialId } from './ids';
import { SHIPPED_STATUSES, type MilestoneCode, type ShipmentTimeline } from './order-lifecycle';
import type { Random } from './random';

/** A shipment with the order it belongs to, for invoicing. */
export interface ShipmentRecord {
  shipment: ShipmentRow;
  lines: ShipmentLineRow[];
  plan: OrderPlan;
  timeline: ShipmentTimeline;
}

/** The allocation status an order's lines have, by order status; none before allocation. */
function allocationStatus(plan: OrderPlan): string | null {
  if (plan.timeline.allocatedAt === null) return null;
  const status = plan.order.status as
    (typeof SHIPPED_STATUSES)[number] | 'ALLOCATED' | 'BACKORDERED' | 'CANCELLED';
  if (SHIPPED_STATUSES.includes(status)) return 'SHIPPED';
  return status === 'CANCELLED' ? 'RELEASED' : status;
}

/**
 * The warehouse side of each order: one allocation per line from the order's warehouse, and the
 * shipments with their lines and milestones. Shipments of an order together carry every ordered unit.
 */
export function generateFulfilment(random: Random, plans: readonly OrderPlan[]) {
  const allocations: AllocationRow[] = [];
  const tables: Tables<ShipmentsDB> = {
    carriers: Object.values(CARRIERS).map((c) => c.row),
    shipments: [],
    shipment_lines: [],
    milestones: [],
  };
  const records: ShipmentRecord[] = [];

  for (const plan of plans) {
    const status = allocationStatus(plan);
    if (status) {
      for (const line of plan.lines) {
        allocations.push({
          id: sequentialId('ALC', allocations.length + 1, 6),
          order_id: plan.order.id,
          line_number: line.line_number,
          product_id: line.product_id,
          warehouse_id: plan.warehouse.id,
          quantity: line.quantity,
          status,
          created_at: iso(plan.timeline.allocatedAt!),
        });
      }
    }
    if (!plan.timeline.shipments.length) continue;
    const { carrier, serviceLevel } = chooseCarrier(random, plan.freight);
    const parts = splitLines(random, plan.lines, plan.timeline.shipments.length);
    plan.timeline.shipments.forEach((timeline, k) => {
      const n = tables.shipments.length + 1;
      const shipment = shipmentRow(random, n, plan, timeline, carrier, serviceLevel);
      const lines = parts[k].map((part, i) => ({
        shipment_id: shipment.id,
        line_number: i + 1,
        ...part,
      }));
      tables.shipments.push(shipment);
      tables.shipment_lines.push(...lines);
      tables.milestones.push(
        ...milestoneRows(random, tables.milestones.length, shipment, plan, timeline, carrier),
      );
      records.push({ shipment, lines, plan, timeline });
    });
  }
  return { allocations, tables, records };
}

function shipmentRow(
  random: Random,
  n: number,
  plan: OrderPlan,
  timeline: ShipmentTimeline,
  carrier: CarrierProfile,
  serviceLevel: string,
): ShipmentRow {
  const at = (code: MilestoneCode) => timeline.milestones.find((m) => m.code === code)?.at ?? null;
  const last = timeline.milestones[timeline.milestones.length - 1].code;
  const shippedAt = at('SHIPPED');
  const deliveredAt = at('DELIVERED');
  return {
    id: sequentialId('SHP', n, 6),
    order_id: plan.order.id,
    customer_id: plan.order.customer_id,
    warehouse_id: plan.warehouse.id,
    carrier_id: carrier.row.id,
    service_level: serviceLevel,
    tracking_number: shippedAt !== null ? carrier.trackingNumber(random, n) : null,
    status: last === 'IN_TRANSIT' ? 'SHIPPED' : last,
    planned_at: iso(at('PLANNED')!),
    shipped_at: shippedAt !== null ? iso(shippedAt) : null,
    delivered_at: deliveredAt !== null ? iso(deliveredAt) : null,
  };
}

type ShipmentLinePart = Omit<ShipmentLineRow, 'shipment_id' | 'line_number'>;

/** Splits an order's lines over `count` shipments: whole lines when there are several, else the quantity of the one line. */
function splitLines(
  random: Random,
  lines: readonly SeededOrderLine[],
  count: number,
): ShipmentLinePart[][] {
  const part = (line: SeededOrderLine, quantity: number): ShipmentLinePart => ({
    order_line_number: line.line_number,
    product_id: line.product_id,
    quantity,
  });
  if (count === 1) return [lines.map((line) => part(line, line.quantity))];
  if (lines.length === 1) {
    const first = random.int(1, lines[0].quantity - 1);
    return [[part(lines[0], first)], [part(lines[0], lines[0].quantity - first)]];
  }
  const firstCount = random.int(1, lines.length - 1);
  return [
    lines.slice(0, firstCount).map((l) => part(l, l.quantity)),
    lines.slice(firstCount).map((l) => part(l, l.quantity)),
  ];
}

function milestoneRows(
  random: Random,
  existing: number,
  shipment: ShipmentRow,
  plan: OrderPlan,
  timeline: ShipmentTimeline,
  carrier: CarrierProfile,
): MilestoneRow[] {
  const origin = `${plan.warehouse.city}, ${plan.warehouse.region}`;
  const destination = `${plan.order.ship_to_city}, ${plan.order.ship_to_region}`;
  const packages = plan.freight
    ? `${random.int(1, 6)} pallets, ${random.int(300, 4000)} lb`
    : `${random.int(1, 8)} cartons, ${random.int(5, 140)} lb`;
  const notes: Record<MilestoneCode, string | null> = {
    PLANNED: `Released to pick wave ${random.int(1, 40)}`,
    PICKED: null,
    PACKED: packages,
    SHIPPED: `Tendered to ${carrier.row.name}${shipment.tracking_number ? `, tracking ${shipment.tracking_number}` : ''}`,
    IN_TRANSIT: 'Arrived at carrier facility',
    DELIVERED: random.chance(0.7)
      ? `Signed for by ${random.faker.person.lastName().toUpperCase()}`
      : 'Left at receiving dock',
  };
  return timeline.milestones.map((m, i) => ({
    id: sequentialId('MLS', existing + i + 1, 7),
    shipment_id: shipment.id,
    code: m.code,
    at: iso(m.at),
    location:
      m.code === 'IN_TRANSIT'
        ? random.pick(carrier.hubs)
        : m.code === 'DELIVERED'
          ? destination
          : origin,
    note: notes[m.code],
  }));
}
