import { sql, type Kysely } from 'kysely';
import type { FinanceDB, InvoiceLineRow, InvoiceRow, PaymentApplicationRow, PaymentRow } from './migrations';
import { createSqlReceivables } from './sql-receivables';
import {
  OPEN_INVOICE_STATUSES,
  type FinanceStore,
  type Invoice,
  type InvoiceFilter,
  type InvoiceLine,
  type Payment,
  type PaymentApplication,
  type PaymentFilter,
} from './store';

export function createSqlFinanceStore(db: Kysely<FinanceDB>): FinanceStore {
  // issued_at and received_at are ISO-8601 UTC strings of fixed shape, so string order is time order.
  const invoicesWhere = (filter: InvoiceFilter) => {
    let query = db.selectFrom('invoices');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
    if (filter.issuedAfter) query = query.where('issued_at', '>=', filter.issuedAfter);
    if (filter.issuedBefore) query = query.where('issued_at', '<', filter.issuedBefore);
    return query;
  };
  const paymentsWhere = (filter: PaymentFilter) => {
    let query = db.selectFrom('payments');
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.method) query = query.where('method', '=', filter.method);
    if (filter.receivedAfter) query = query.where('received_at', '>=', filter.receivedAfter);
    if (filter.receivedBefore) query = query.where('received_at', '<', filter.receivedBefore);
    if (filter.withUnappliedCash) {
      query = query.where(
        sql<boolean>`payments.amount_cents > coalesce((select sum(a.amount_cents) from payment_applications a where a.payment_id = payments.id), 0)`,
      );
    }
    return query;
  };

  return {
    ...createSqlReceivables(db, OPEN_INVOICE_STATUSES),

    async invoicesByIds(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('invoices').selectAll().where('id', 'in', [...ids]).execute()).map(toInvoice);
    },
    async invoicesByNumbers(numbers) {
      if (numbers.length === 0) return [];
      return (await db.selectFrom('invoices').selectAll().where('number', 'in', [...numbers]).execute()).map(toInvoice);
    },
    async invoicesByOrderIds(orderIds) {
      if (orderIds.length === 0) return [];
      return (await db.selectFrom('invoices').selectAll().where('order_id', 'in', [...orderIds]).orderBy('id').execute()).map(toInvoice);
    },
    async invoicesByShipmentIds(shipmentIds) {
      if (shipmentIds.length === 0) return [];
      return (await db.selectFrom('invoices').selectAll().where('shipment_id', 'in', [...shipmentIds]).execute()).map(toInvoice);
    },
    async listInvoices(filter, page) {
      let query = invoicesWhere(filter).selectAll();
      if (page.afterKey) query = query.where('id', '<', page.afterKey);
      return (await query.orderBy('id', 'desc').limit(page.limit + 1).execute()).map(toInvoice);
    },
    async countInvoices(filter) {
      const row = await invoicesWhere(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async invoicesPerCustomer(customerIds, filter, page) {
      if (customerIds.length === 0) return [];
      // A window function numbers each customer's invoices newest first, so one statement reads a page per customer.
      let ranked = invoicesWhere(filter)
        .where('customer_id', 'in', [...customerIds])
        .selectAll()
        .select((eb) => eb.fn.agg<number>('row_number').over((over) => over.partitionBy('customer_id').orderBy('id', 'desc')).as('position'));
      if (page.afterKey) ranked = ranked.where('id', '<', page.afterKey);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .selectAll()
        .where('position', '<=', page.limit + 1)
        .orderBy('customer_id')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toInvoice);
    },
    async countInvoicesPerCustomer(customerIds, filter) {
      if (customerIds.length === 0) return new Map();
      const rows = await invoicesWhere(filter)
        .where('customer_id', 'in', [...customerIds])
        .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n')])
        .groupBy('customer_id')
        .execute();
      return new Map(rows.map((row) => [row.customer_id, Number(row.n)]));
    },
    async linesByInvoiceIds(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await db
        .selectFrom('invoice_lines')
        .innerJoin('invoices', 'invoices.id', 'invoice_lines.invoice_id')
        .selectAll('invoice_lines')
        .select('invoices.currency')
        .where('invoice_lines.invoice_id', 'in', [...invoiceIds])
        .orderBy('invoice_lines.invoice_id')
        .orderBy('invoice_lines.line_number')
        .execute();
      return rows.map(toInvoiceLine);
    },

    async paymentsByIds(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('payments').selectAll().where('id', 'in', [...ids]).execute()).map(toPayment);
    },
    async listPayments(filter, page) {
      let query = paymentsWhere(filter).selectAll();
      if (page.afterKey) query = query.where('id', '<', page.afterKey);
      return (await query.orderBy('id', 'desc').limit(page.limit + 1).execute()).map(toPayment);
    },
    async countPayments(filter) {
      const row = await paymentsWhere(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async paymentsPerCustomer(customerIds, filter, page) {
      if (customerIds.length === 0) return [];
      let ranked = paymentsWhere(filter)
        .where('customer_id', 'in', [...customerIds])
        .selectAll()
        .select((eb) => eb.fn.agg<number>('row_number').over((over) => over.partitionBy('customer_id').orderBy('id', 'desc')).as('position'));
      if (page.afterKey) ranked = ranked.where('id', '<', page.afterKey);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .selectAll()
        .where('position', '<=', page.limit + 1)
        .orderBy('customer_id')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toPayment);
    },
    async countPaymentsPerCustomer(customerIds, filter) {
      if (customerIds.length === 0) return new Map();
      const rows = await paymentsWhere(filter)
        .where('customer_id', 'in', [...customerIds])
        .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n')])
        .groupBy('customer_id')
        .execute();
      return new Map(rows.map((row) => [row.customer_id, Number(row.n)]));
    },

    async applicationsByInvoiceIds(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      return (await applications().where('payment_applications.invoice_id', 'in', [...invoiceIds]).execute()).map(toApplication);
    },
    async applicationsByPaymentIds(paymentIds) {
      if (paymentIds.length === 0) return [];
      return (await applications().where('payment_applications.payment_id', 'in', [...paymentIds]).execute()).map(toApplication);
    },

    async listTaxRates() {
      const rows = await db.selectFrom('tax_rates').selectAll().orderBy('region').execute();
      return rows.map((row) => ({ region: row.region, rateBps: row.rate_bps }));
    },
  };

  function applications() {
    return db
      .selectFrom('payment_applications')
      .innerJoin('payments', 'payments.id', 'payment_applications.payment_id')
      .selectAll('payment_applications')
      .select('payments.currency')
      .orderBy('payment_applications.applied_at')
      .orderBy('payment_applications.id');
  }
}

const toInvoice = (row: InvoiceRow): Invoice => ({
  id: row.id,
  number: row.number,
  customerId: row.customer_id,
  orderId: row.order_id,
  shipmentId: row.shipment_id,
  status: row.status as Invoice['status'],
  currency: row.currency,
  subtotalCents: Number(row.subtotal_cents),
  taxRegion: row.tax_region,
  taxRateBps: row.tax_rate_bps,
  taxCents: Number(row.tax_cents),
  totalCents: Number(row.total_cents),
  issuedAt: row.issued_at,
  dueAt: row.due_at,
});

const toInvoiceLine = (row: InvoiceLineRow & { currency: string }): InvoiceLine => ({
  invoiceId: row.invoice_id,
  lineNumber: row.line_number,
  orderLineNumber: row.order_line_number,
  productId: row.product_id,
  sku: row.sku,
  quantity: row.quantity,
  unitPriceCents: Number(row.unit_price_cents),
  extendedCents: Number(row.extended_cents),
  currency: row.currency,
});

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  customerId: row.customer_id,
  method: row.method as Payment['method'],
  reference: row.reference,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  receivedAt: row.received_at,
});

const toApplication = (row: PaymentApplicationRow & { currency: string }): PaymentApplication => ({
  id: row.id,
  paymentId: row.payment_id,
  invoiceId: row.invoice_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  appliedAt: row.applied_at,
});
