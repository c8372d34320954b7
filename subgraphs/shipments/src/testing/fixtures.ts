import type { Kysely } from 'kysely';
import type { MilestoneRow, ShipmentLineRow, ShipmentRow, ShipmentsDB } from '../migrations';

/**
 * A small, exact world for the tests: 3 carriers, 30 shipments of 15 orders (two each, the second
 * planned earlier than the first), statuses cycling PLANNED..CANCELLED, 2 lines per shipment and
 * milestones inserted newest first (so ordering by time is proven, not inherited from insertion).
 */
export const STATUSES = [
  'PLANNED',
  'PICKED',
  'PACKED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
] as const;
export const CARRIERS = [
  { id: 'CAR-UPS', code: 'UPS', name: 'United Parcel Service', scac: 'UPSN', mode: 'PARCEL' },
  { id: 'CAR-FDX', code: 'FDX', name: 'FedEx', scac: 'FDXG', mode: 'PARCEL' },
  { id: 'CAR-ODFL', code: 'ODFL', name: 'Old Dominion Freight Line', scac: 'ODFL', mode: 'LTL' },
];

export const shipmentId = (i: number) => `SHP-${String(i).padStart(6, '0')}`;
export const orderId = (n: number) => `ORD-${String(n).padStart(6, '0')}`;
const day = (d: number, time: string) => `2026-03-${String(d).padStart(2, '0')}T${time}.000Z`;

/** Shipment i (1..30) belongs to order ceil(i/2) and customer ((order - 1) % 5) + 1. */
export function shipmentRow(i: number): ShipmentRow {
  const order = Math.ceil(i / 2);
  const status = STATUSES[(i - 1) % STATUSES.length];
  const carrier = CARRIERS[(i - 1) % 3];
  const shipped = status === 'SHIPPED' || status === 'DELIVERED';
  return {
    id: shipmentId(i),
    order_id: orderId(order),
    customer_id: `CUS-${String(((order - 1) % 5) + 1).padStart(4, '0')}`,
    warehouse_id: i % 2 ? 'WH-ATL' : 'WH-DAL',
    carrier_id: carrier.id,
    service_level: carrier.mode === 'LTL' ? 'LTL' : i % 2 ? 'GROUND' : 'TWO_DAY',
    tracking_number: shipped ? `1Z${String(i).padStart(8, '0')}` : null,
    status,
    planned_at: day(order + 1, i % 2 ? '10:00:00' : '08:00:00'),
    shipped_at: shipped ? day(order + 2, '15:00:00') : null,
    delivered_at: status === 'DELIVERED' ? day(order + 4, '11:30:00') : null,
  };
}

function linesOf(row: ShipmentRow, i: number): ShipmentLineRow[] {
  return [
    {
      shipment_id: row.id,
      line_number: 1,
      order_line_number: 1,
      product_id: 'PRD-00001',
      quantity: i,
    },
    {
      shipment_id: row.id,
      line_number: 2,
      order_line_number: 3,
      product_id: `PRD-0000${(i % 5) + 1}`,
      quantity: 2 * i,
    },
  ];
}

/** One milestone per step reached (CANCELLED stops after PLANNED), newest first; DELIVERED adds IN_TRANSIT. */
function milestonesOf(row: ShipmentRow): MilestoneRow[] {
  const planned = Date.parse(row.planned_at);
  const hours = (h: number) => new Date(planned + h * 3_600_000).toISOString();
  const steps: Omit<MilestoneRow, 'id' | 'shipment_id'>[] = [
    { code: 'PLANNED', at: row.planned_at, location: row.warehouse_id, note: null },
  ];
  const reached =
    row.status === 'CANCELLED' ? 0 : STATUSES.indexOf(row.status as (typeof STATUSES)[number]);
  if (reached >= 1)
    steps.push({ code: 'PICKED', at: hours(1), location: row.warehouse_id, note: null });
  if (reached >= 2)
    steps.push({ code: 'PACKED', at: hours(2), location: row.warehouse_id, note: 'pallet 1 of 1' });
  if (reached >= 3)
    steps.push({ code: 'SHIPPED', at: row.shipped_at!, location: row.warehouse_id, note: null });
  if (reached >= 4) {
    steps.push({
      code: 'IN_TRANSIT',
      at: new Date(Date.parse(row.shipped_at!) + 86_400_000).toISOString(),
      location: 'Memphis, TN',
      note: null,
    });
    steps.push({
      code: 'DELIVERED',
      at: row.delivered_at!,
      location: 'Dallas, TX',
      note: 'signed by R. Dock',
    });
  }
  // ids count down as time goes up: ordering by id would come out backwards.
  return steps
    .reverse()
    .map((step, n) => ({ ...step, id: `${row.id}-M${n + 1}`, shipment_id: row.id }));
}

export async function insertFixtures(db: Kysely<ShipmentsDB>): Promise<void> {
  await db.insertInto('carriers').values(CARRIERS).execute();
  // Inserted in reverse id order, so id order in results comes from ORDER BY, not from insertion.
  for (let i = 30; i >= 1; i--) {
    const row = shipmentRow(i);
    await db.insertInto('shipments').values(row).execute();
    await db.insertInto('shipment_lines').values(linesOf(row, i)).execute();
    await db.insertInto('milestones').values(milestonesOf(row)).execute();
  }
}
