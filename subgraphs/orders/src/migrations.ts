import { redactedText } from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';
import { legacyHoldText } from './hold-details';

/** ERP order management: sales orders, their lines and their holds; then order-to-cash (0002), reservations (0003), hold details as facts (0004). */
export const migrations: Record<string, Migration> = {
  '0001_sales_orders': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('po_number', 'text')
        .addColumn('ship_to_address_id', 'text', (c) => c.notNull())
        .addColumn('ship_to_name', 'text', (c) => c.notNull())
        .addColumn('ship_to_line1', 'text', (c) => c.notNull())
        .addColumn('ship_to_city', 'text', (c) => c.notNull())
        .addColumn('ship_to_region', 'text', (c) => c.notNull())
        .addColumn('ship_to_postal_code', 'text', (c) => c.notNull())
        .addColumn('ship_to_country', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
        .addColumn('tax_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .execute();
      await db.schema
        .createIndex('orders_customer')
        .on('orders')
        .columns(['customer_id', 'id'])
        .execute();
      await db.schema.createIndex('orders_status').on('orders').columns(['status', 'id']).execute();
      await db.schema.createIndex('orders_placed_at').on('orders').column('placed_at').execute();
      await db.schema
        .createTable('order_lines')
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('pricing_rule', 'text', (c) => c.notNull())
        .addColumn('extended_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_number'])
        .execute();
      await db.schema
        .createTable('holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        .execute();
      await db.schema.createIndex('holds_order').on('holds').column('order_id').execute();
    },
  },
  '0002_order_to_cash': {
    /**
     * Order capture and the order following the chain: what placeOrder was asked (allow_backorder, the
     * price the client expected), lines that may be unidentified (placed while catalog was unavailable:
     * product_id and pricing_rule null), the subgraph a DEPENDENCY_UNAVAILABLE hold waits for, the
     * idempotency keys, the status history, and what the order learned from inventory, shipments and finance.
     */
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('orders')
        .addColumn('allow_backorder', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('orders').addColumn('allocated_at', 'text').execute();
      await db.schema.alterTable('orders').addColumn('backordered_at', 'text').execute();
      await db.schema.alterTable('holds').addColumn('dependency', 'text').execute();
      await db.schema.alterTable('holds').addColumn('release_note', 'text').execute();
      await db.schema
        .alterTable('order_lines')
        .addColumn('expected_unit_price_cents', 'bigint')
        .execute();
      await db.schema
        .alterTable('order_lines')
        .addColumn('shipped_quantity', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await allowUnidentifiedLines(db);

      await db.schema
        .createTable('order_status_history')
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('correlation_id', 'text')
        // Transitions only move forward, so an order enters each status at most once.
        .addPrimaryKeyConstraint('order_status_history_pk', ['order_id', 'status'])
        .execute();
      await db.schema
        .createIndex('order_status_history_status_at')
        .on('order_status_history')
        .columns(['status', 'at'])
        .execute();
      // Orders written before the history existed start it at their current status.
      await sql`insert into order_status_history (order_id, status, at, cause, actor)
        select id, status, updated_at, 'migration', 'migration' from orders`.execute(db);

      await db.schema
        .createTable('order_shipments')
        .addColumn('shipment_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('shipped_at', 'text')
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema
        .createIndex('order_shipments_order')
        .on('order_shipments')
        .column('order_id')
        .execute();

      await db.schema
        .createTable('order_invoices')
        .addColumn('invoice_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('shipment_id', 'text')
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('balance_cents', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('order_invoices_order')
        .on('order_invoices')
        .column('order_id')
        .execute();

      await db.schema
        .createTable('order_idempotency_keys')
        .addColumn('caller_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('accepted', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_idempotency_keys_pk', ['caller_id', 'idempotency_key'])
        .execute();
    },
  },
  '0003_reservations': {
    /** The reservations (credit at finance, stock at inventory) the order's last checks made: its events name them. */
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('reservation_id', 'text').execute();
    },
  },
  '0004_classified_hold_details': {
    /**
     * A hold's detail as facts (detail_facts: kit ClassifiedText as JSON) rendered per reader, so a credit
     * figure reaches only a reader holding credit:read; `detail` keeps what anyone may read. Rows written
     * before are converted (legacyHoldText): a sentence order capture or the seed wrote gets its figures
     * classified, any other one is shown whole only to a reader holding every scope.
     */
    async up(db: Kysely<any>) {
      await db.schema.alterTable('holds').addColumn('detail_facts', 'text').execute();
      const rows: { id: string; reason: string; detail: string }[] = await db
        .selectFrom('holds')
        .select(['id', 'reason', 'detail'])
        .execute();
      for (const row of rows) {
        const facts = legacyHoldText(row.reason, row.detail);
        await db
          .updateTable('holds')
          .set({ detail: redactedText(facts), detail_facts: JSON.stringify(facts) })
          .where('id', '=', row.id)
          .execute();
      }
    },
  },
  '0005_shipment_carriers': {
    /**
     * The carrier of each shipment of an order, as ShipmentPlanned announced it (order-carriers.ts): a
     * 3pl sees the orders behind its carrier's shipments, and the order's row must say which carriers
     * those are without asking shipments on every read.
     */
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('shipment_carriers')
        .addColumn('shipment_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('carrier_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('shipment_carriers_order')
        .on('shipment_carriers')
        .columns(['order_id', 'carrier_id'])
        .execute();
      await db.schema
        .createIndex('shipment_carriers_carrier')
        .on('shipment_carriers')
        .columns(['carrier_id', 'order_id'])
        .execute();
    },
  },
};

/**
 * Lines placed while catalog was unavailable are not identified yet: product_id and pricing_rule become
 * nullable. PostgreSQL drops the constraint; SQLite cannot, so the table is rebuilt (nothing references it).
 */
async function allowUnidentifiedLines(db: Kysely<any>) {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table order_lines alter column product_id drop not null, alter column pricing_rule drop not null`.execute(
      db,
    );
    return;
  }
  await db.schema
    .createTable('order_lines_next')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'text')
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
    .addColumn('pricing_rule', 'text')
    .addColumn('extended_cents', 'bigint', (c) => c.notNull())
    .addColumn('expected_unit_price_cents', 'bigint')
    .addColumn('shipped_quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_number'])
    .execute();
  const columns = sql.raw(
    'order_id, line_number, product_id, sku, quantity, unit_price_cents, pricing_rule, extended_cents, expected_unit_price_cents, shipped_quantity',
  );
  await sql`insert into order_lines_next (${columns}) select ${columns} from order_lines`.execute(
    db,
  );
  await db.schema.dropTable('order_lines').execute();
  await db.schema.alterTable('order_lines_next').renameTo('order_lines').execute();
}

export interface OrderRow {
  id: string;
  number: string;
  customer_id: string;
  /** ON_HOLD, ACCEPTED, ALLOCATED, BACKORDERED, SHIPPED, INVOICED, PAID, CLOSED, CANCELLED */
  status: string;
  /** PORTAL, ECOMMERCE, EDI, SALES_REP, PHONE */
  channel: string;
  po_number: string | null;
  ship_to_address_id: string;
  ship_to_name: string;
  ship_to_line1: string;
  ship_to_city: string;
  ship_to_region: string;
  ship_to_postal_code: string;
  ship_to_country: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  placed_at: string;
  updated_at: string;
  idempotency_key: string | null;
  /** 1 when placeOrder was told to accept the order even without stock (no INVENTORY check). */
  allow_backorder: number;
  /** When inventory reserved stock for every line (InventoryAllocated), or announced a backorder. */
  allocated_at: string | null;
  backordered_at: string | null;
  /** The reservations its last checks made (0003); absent on seeded orders. */
  reservation_id?: string | null;
}
export interface OrderLineRow {
  order_id: string;
  line_number: number;
  /** null while the line is not identified (placed while catalog was unavailable). */
  product_id: string | null;
  sku: string;
  quantity: number;
  unit_price_cents: number;
  /** LIST, PRICE_LIST, CONTRACT, QUANTITY_BREAK; null while the line is not priced. */
  pricing_rule: string | null;
  extended_cents: number;
  /** The unit price the client showed when it placed the order, when it said. */
  expected_unit_price_cents: number | null;
  /** Units that left a warehouse (ShipmentConfirmed), over all of the order's shipments. */
  shipped_quantity: number;
}
export interface HoldRow {
  id: string;
  order_id: string;
  /** CREDIT, PRICING, INVENTORY, CUSTOMER_STATUS, DEPENDENCY_UNAVAILABLE */
  reason: string;
  /** What anyone may read of the detail (the facts rendered without any scope). */
  detail: string;
  /** The detail as facts (kit ClassifiedText, JSON), rendered per reader (0004); absent on rows written without them. */
  detail_facts?: string | null;
  placed_at: string;
  released_at: string | null;
  released_by: string | null;
  /** For DEPENDENCY_UNAVAILABLE: the subgraph that did not answer (its checks wait for the release). */
  dependency: string | null;
  release_note: string | null;
}
/** When the order entered each status, and what moved it (a command and its caller, or an event and its handler). */
export interface OrderStatusHistoryRow {
  order_id: string;
  status: string;
  at: string;
  /** placeOrder, releaseHold, cancelOrder, or the event type (InventoryAllocated...). */
  cause: string;
  /** The caller's id, or the handler's name. */
  actor: string;
  note: string | null;
  correlation_id: string | null;
}
/** The order's shipments as ShipmentConfirmed and ShipmentDelivered announced them. */
export interface OrderShipmentRow {
  shipment_id: string;
  order_id: string;
  shipped_at: string | null;
  delivered_at: string | null;
}
/** The carrier of each shipment of an order, as ShipmentPlanned announced it. */
export interface ShipmentCarrierRow {
  shipment_id: string;
  order_id: string;
  carrier_id: string;
}
/** The order's invoices as InvoiceIssued and PaymentApplied announced them. */
export interface OrderInvoiceRow {
  invoice_id: string;
  order_id: string;
  shipment_id: string | null;
  total_cents: number;
  balance_cents: number;
  /** Finance's invoice status: OPEN, PARTIALLY_PAID, PAID, DISPUTED, VOID. */
  status: string;
  issued_at: string;
}
/** placeOrder's idempotency keys, per caller: the request's fingerprint and the answer it got. */
export interface OrderIdempotencyKeyRow {
  caller_id: string;
  idempotency_key: string;
  /** sha256 of the canonical input. */
  fingerprint: string;
  order_id: string;
  /** 1 when the order was accepted when placed. */
  accepted: number;
  created_at: string;
}
export interface OrdersDB {
  orders: OrderRow;
  order_lines: OrderLineRow;
  holds: HoldRow;
  order_status_history: OrderStatusHistoryRow;
  order_shipments: OrderShipmentRow;
  order_invoices: OrderInvoiceRow;
  order_idempotency_keys: OrderIdempotencyKeyRow;
  shipment_carriers: ShipmentCarrierRow;
}
