import type { Kysely, Migration } from 'kysely';

/**
 * ERP finance / accounts receivable: invoices and their lines, payments and their applications
 * to invoices, tax rates (and their changes), the projection of open (not yet invoiced) orders that credit
 * exposure needs, and the ledger of accepted orders (lines and prices) that invoices are priced from.
 */
export const migrations: Record<string, Migration> = {
  '0001_receivables': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tax_rates')
        .addColumn('region', 'text', (c) => c.primaryKey())
        .addColumn('rate_bps', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('invoices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('shipment_id', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
        .addColumn('tax_region', 'text', (c) => c.notNull())
        .addColumn('tax_rate_bps', 'integer', (c) => c.notNull())
        .addColumn('tax_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('invoices_customer')
        .on('invoices')
        .columns(['customer_id', 'id'])
        .execute();
      await db.schema.createIndex('invoices_order').on('invoices').column('order_id').execute();
      await db.schema
        .createIndex('invoices_status')
        .on('invoices')
        .columns(['status', 'id'])
        .execute();
      await db.schema
        .createTable('invoice_lines')
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('order_line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('extended_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('invoice_lines_pk', ['invoice_id', 'line_number'])
        .execute();
      await db.schema
        .createTable('payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('payments_customer')
        .on('payments')
        .columns(['customer_id', 'id'])
        .execute();
      await db.schema
        .createTable('payment_applications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('applications_payment')
        .on('payment_applications')
        .column('payment_id')
        .execute();
      await db.schema
        .createIndex('applications_invoice')
        .on('payment_applications')
        .column('invoice_id')
        .execute();
      await db.schema
        .createTable('open_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('uninvoiced_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('open_orders_customer')
        .on('open_orders')
        .column('customer_id')
        .execute();
    },
  },
  '0002_order_to_cash': {
    async up(db: Kysely<any>) {
      // Nullable: invoices written before the event chain have no shipment instant or dispute (the seed derives them).
      await db.schema.alterTable('invoices').addColumn('shipped_at', 'text').execute();
      await db.schema.alterTable('invoices').addColumn('disputed_at', 'text').execute();
      await db.schema.alterTable('invoices').addColumn('dispute_reason', 'text').execute();
      await db.schema.createIndex('invoices_issued').on('invoices').column('issued_at').execute();
      await db.schema
        .createIndex('invoices_disputed')
        .on('invoices')
        .column('disputed_at')
        .execute();
      await db.schema
        .createIndex('payments_received')
        .on('payments')
        .column('received_at')
        .execute();
      await db.schema
        .createTable('order_ledger')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('order_number', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('ship_to_region', 'text', (c) => c.notNull())
        .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
        .addColumn('tax_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('accepted_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('order_ledger_lines')
        .addColumn('order_id', 'text', (c) => c.notNull().references('order_ledger.order_id'))
        .addColumn('line_number', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('extended_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_ledger_lines_pk', ['order_id', 'line_number'])
        .execute();
      await db.schema
        .createTable('tax_rate_changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('previous_rate_bps', 'integer')
        .addColumn('rate_bps', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('tax_rate_changes_region')
        .on('tax_rate_changes')
        .columns(['region', 'changed_at'])
        .execute();
    },
  },
  '0003_dispute_resolution': {
    async up(db: Kysely<any>) {
      // A credit lowers what is owed without touching the invoice: total stays what was billed, balance = total - paid - credited.
      await db.schema
        .createTable('credit_memos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('issued_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('credit_memos_invoice')
        .on('credit_memos')
        .column('invoice_id')
        .execute();
      // One row per settled dispute (an invoice may be disputed again after a REJECTED outcome).
      await db.schema
        .createTable('dispute_resolutions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('dispute_reason', 'text')
        .addColumn('credit_memo_id', 'text', (c) => c.references('credit_memos.id'))
        .addColumn('resolved_at', 'text', (c) => c.notNull())
        .addColumn('resolved_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dispute_resolutions_invoice')
        .on('dispute_resolutions')
        .column('invoice_id')
        .execute();
    },
  },
  '0004_credit_reservations': {
    async up(db: Kysely<any>) {
      // What placeOrder reserved against a customer's credit while its order was being placed: counted in
      // exposure while ACTIVE, until the accepted order (open_orders) replaces it or it is released.
      await db.schema
        .createTable('credit_reservations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema
        .createIndex('credit_reservations_customer')
        .on('credit_reservations')
        .columns(['customer_id', 'status'])
        .execute();
      await db.schema
        .createIndex('credit_reservations_status')
        .on('credit_reservations')
        .columns(['status', 'created_at'])
        .execute();
    },
  },
  '0005_cancelled_orders': {
    async up(db: Kysely<any>) {
      // Orders finance heard cancelled, even before their acceptance (each event has its own consumer
      // group, so OrderCancelled may be consumed first): a later OrderAccepted then adds nothing to exposure.
      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('cancelled_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export interface TaxRateRow {
  region: string;
  rate_bps: number;
}
export interface InvoiceRow {
  id: string;
  number: string;
  customer_id: string;
  order_id: string;
  shipment_id: string;
  /** OPEN, PARTIALLY_PAID, PAID, VOID, DISPUTED */
  status: string;
  currency: string;
  subtotal_cents: number;
  tax_region: string;
  tax_rate_bps: number;
  tax_cents: number;
  total_cents: number;
  issued_at: string;
  due_at: string;
  /** When the shipment it bills left the warehouse (from ShipmentConfirmed). */
  shipped_at: string | null;
  disputed_at: string | null;
  dispute_reason: string | null;
}
export interface InvoiceLineRow {
  invoice_id: string;
  line_number: number;
  order_line_number: number;
  product_id: string;
  sku: string;
  quantity: number;
  unit_price_cents: number;
  extended_cents: number;
}
export interface PaymentRow {
  id: string;
  customer_id: string;
  /** ACH, WIRE, CHECK, CARD */
  method: string;
  reference: string;
  amount_cents: number;
  currency: string;
  received_at: string;
}
export interface PaymentApplicationRow {
  id: string;
  payment_id: string;
  invoice_id: string;
  amount_cents: number;
  applied_at: string;
}
/** Accepted orders not yet (fully) invoiced: the order half of a customer's credit exposure. */
export interface OpenOrderRow {
  order_id: string;
  customer_id: string;
  uninvoiced_cents: number;
  currency: string;
}
/** The accepted orders finance invoices from: prices and ship-to region as accepted (OrderAccepted). */
export interface OrderLedgerRow {
  order_id: string;
  order_number: string;
  customer_id: string;
  /** ACCEPTED, or CANCELLED (OrderCancelled) */
  status: string;
  currency: string;
  ship_to_region: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  accepted_at: string;
}
export interface OrderLedgerLineRow {
  order_id: string;
  line_number: number;
  product_id: string;
  sku: string;
  quantity: number;
  unit_price_cents: number;
  extended_cents: number;
}
/** Each setTaxRate, with the rate it replaced, so the rate in force at any instant is known. */
export interface TaxRateChangeRow {
  id: string;
  region: string;
  /** null when the region had no rate before. */
  previous_rate_bps: number | null;
  rate_bps: number;
  changed_at: string;
  changed_by: string;
}
/** An amount taken off an invoice's balance (a dispute settled by credit); the invoice's total stays as billed. */
export interface CreditMemoRow {
  id: string;
  invoice_id: string;
  amount_cents: number;
  reason: string;
  issued_at: string;
  issued_by: string;
}
/** How a dispute was settled, with what the customer had contested. */
export interface DisputeResolutionRow {
  id: string;
  invoice_id: string;
  /** REJECTED, CREDITED, VOIDED */
  outcome: string;
  note: string;
  dispute_reason: string | null;
  credit_memo_id: string | null;
  resolved_at: string;
  resolved_by: string;
}
export interface FinanceDB {
  tax_rates: TaxRateRow;
  invoices: InvoiceRow;
  invoice_lines: InvoiceLineRow;
  payments: PaymentRow;
  payment_applications: PaymentApplicationRow;
  open_orders: OpenOrderRow;
  order_ledger: OrderLedgerRow;
  order_ledger_lines: OrderLedgerLineRow;
  tax_rate_changes: TaxRateChangeRow;
}
/** An amount of a customer's credit held for an order being placed (0004). */
export interface CreditReservationRow {
  /** The reservation id placeOrder chose (one per placement attempt; its events carry it). */
  id: string;
  customer_id: string;
  amount_cents: number;
  currency: string;
  /** ACTIVE; then CONVERTED (the accepted order replaced it), RELEASED (held, cancelled) or EXPIRED (orphan). */
  status: string;
  created_at: string;
  /** The order that converted or released it, once an event named it. */
  order_id: string | null;
  ended_at: string | null;
}
/** An order finance heard cancelled (0005), whether or not it had heard it accepted. */
export interface CancelledOrderRow {
  order_id: string;
  cancelled_at: string;
}
/** The cancelled orders (0005), kept out of FinanceDB as the seed writes none: `db.withTables<CancelledOrderDB>()`. */
export type CancelledOrderDB = { cancelled_orders: CancelledOrderRow };
/** The credit reservation table (0004), kept out of FinanceDB as the seed writes none: `db.withTables<CreditReservationDB>()`. */
export type CreditReservationDB = { credit_reservations: CreditReservationRow };
/**
 * The tables of settled disputes (0003). Kept out of FinanceDB, whose every table the seed's dataset
 * must list (it seeds no credits): the code that uses them reads `db.withTables<DisputeLedgerDB>()`.
 */
export type DisputeLedgerDB = {
  credit_memos: CreditMemoRow;
  dispute_resolutions: DisputeResolutionRow;
};
