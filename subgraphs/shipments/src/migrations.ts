import type { Kysely, Migration } from 'kysely';

/** WMS/TMS execution: carriers, shipments of orders, their lines and their milestones. */
export const migrations: Record<string, Migration> = {
  '0001_shipments': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('carriers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scac', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('shipments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull())
        .addColumn('carrier_id', 'text', (c) => c.notNull().references('carriers.id'))
        .addColumn('service_level', 'text', (c) => c.notNull())
        .addColumn('tracking_number', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('planned_at', 'text', (c) => c.notNull())
        .addColumn('shipped_at', 'text')
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema.createIndex('shipments_order').on('shipments').column('order_id').execute();
      await db.schema
        .createIndex('shipments_carrier')
        .on('shipments')
        .columns(['carrier_id', 'id'])
        .execute();
      await db.schema
        .createIndex('shipments_customer')
        .on('shipments')
        .columns(['customer_id', 'id'])
        .execute();
      // Root lookups by tracking number and the status / ship-date filters of `shipments(...)`.
      await db.schema
        .createIndex('shipments_tracking_number')
        .on('shipments')
        .column('tracking_number')
        .execute();
      await db.schema
        .createIndex('shipments_status')
        .on('shipments')
        .columns(['status', 'id'])
        .execute();
      await db.schema
        .createIndex('shipments_shipped_at')
        .on('shipments')
        .column('shipped_at')
        .execute();
      await db.schema
        .createTable('shipment_lines')
        .addColumn('shipment_id', 'text', (c) => c.notNull().references('shipments.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('order_line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('shipment_lines_pk', ['shipment_id', 'line_number'])
        .execute();
      await db.schema
        .createTable('milestones')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('shipment_id', 'text', (c) => c.notNull().references('shipments.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createIndex('milestones_shipment')
        .on('milestones')
        .columns(['shipment_id', 'at'])
        .execute();
    },
  },
  '0002_shipment_commands': {
    async up(db: Kysely<any>) {
      // The planner's natural key: `<order>|<warehouse>` while the shipment is not cancelled (cancelling
      // clears it), so one order never gets two live shipments from one warehouse however often
      // InventoryAllocated arrives. Null on shipments the planner did not make (seeded splits).
      await db.schema.alterTable('shipments').addColumn('plan_key', 'text').execute();
      await db.schema
        .createIndex('shipments_plan_key')
        .unique()
        .on('shipments')
        .column('plan_key')
        .execute();
      // A tracking number names one shipment (confirmShipment refuses a taken one); several NULLs are allowed.
      await db.schema.dropIndex('shipments_tracking_number').execute();
      await db.schema
        .createIndex('shipments_tracking_number')
        .unique()
        .on('shipments')
        .column('tracking_number')
        .execute();
      // Orders cancelled, remembered so an InventoryAllocated processed after its OrderCancelled plans nothing.
      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('cancelled_at', 'text', (c) => c.notNull())
        .execute();
      // The last number handed out per id prefix (the kit's takeIds, sequential-ids.ts).
      await db.schema
        .createTable('id_sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_value', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

export interface CarrierRow {
  id: string;
  code: string;
  name: string;
  scac: string;
  /** PARCEL, LTL, FTL */
  mode: string;
}
export interface ShipmentRow {
  id: string;
  order_id: string;
  customer_id: string;
  warehouse_id: string;
  carrier_id: string;
  /** GROUND, TWO_DAY, OVERNIGHT, LTL */
  service_level: string;
  tracking_number: string | null;
  /** PLANNED, PICKED, PACKED, SHIPPED, DELIVERED, CANCELLED */
  status: string;
  planned_at: string;
  shipped_at: string | null;
  delivered_at: string | null;
  /** `<order>|<warehouse>` on live shipments the planner made (the natural key); absent on seeded ones. */
  plan_key?: string | null;
}
export interface ShipmentLineRow {
  shipment_id: string;
  line_number: number;
  order_line_number: number;
  product_id: string;
  quantity: number;
}
export interface MilestoneRow {
  id: string;
  shipment_id: string;
  /** PLANNED, PICKED, PACKED, SHIPPED, IN_TRANSIT, DELIVERED */
  code: string;
  at: string;
  location: string;
  note: string | null;
}
export interface CancelledOrderRow {
  order_id: string;
  cancelled_at: string;
}
export interface IdSequenceRow {
  name: string;
  last_value: number;
}
/** The execution records (what a WMS/TMS holds, and what the seed fills). */
export interface ShipmentsDB {
  carriers: CarrierRow;
  shipments: ShipmentRow;
  shipment_lines: ShipmentLineRow;
  milestones: MilestoneRow;
}
/** The event handlers' and commands' own bookkeeping, next to the records (reached with `db.withTables<ShipmentsBookkeeping>()`). */
export type ShipmentsBookkeeping = {
  cancelled_orders: CancelledOrderRow;
  id_sequences: IdSequenceRow;
};
