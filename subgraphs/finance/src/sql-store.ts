import {
  countPerParent,
  countRows,
  newestPage,
  newestPagePerParent,
  rowScopeCondition,
  type RowScope,
} from '@switchyard/kit';
import { sql, type Kysely } from 'kysely';
import type { FinanceDB } from './migrations';
import { createSqlBusinessHealth } from './sql-business-health';
import { createSqlCashApplication } from './sql-cash-application';
import { createSqlCreditReservations } from './sql-credit-reservations';
import { createSqlInvoiceDisputes } from './sql-invoice-disputes';
import { createSqlInvoicing } from './sql-invoicing';
import { createSqlReceivables } from './sql-receivables';
import { toApplication, toInvoice, toInvoiceLine, toPayment } from './sql-row-mapping';
import { createSqlTaxRates } from './sql-tax-rates';
import {
  OPEN_INVOICE_STATUSES,
  type FinanceStore,
  type InvoiceFilter,
  type PaymentFilter,
} from './store';

export function createSqlFinanceStore(db: Kysely<FinanceDB>): FinanceStore {
  // Invoices and payments carry their customer, the only row dimension finance knows: a scope by carrier or channel sees none.
  const scopedInvoices = (scope: RowScope | undefined) => {
    const inScope = rowScopeCondition(scope, { customerIds: 'customer_id' });
    return inScope ? db.selectFrom('invoices').where(inScope) : db.selectFrom('invoices');
  };
  // issued_at and received_at are ISO-8601 UTC strings of fixed shape, so string order is time order.
  const invoicesWhere = (filter: InvoiceFilter) => {
    let query = scopedInvoices(filter.scope);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
    if (filter.issuedAfter) query = query.where('issued_at', '>=', filter.issuedAfter);
    if (filter.issuedBefore) query = query.where('issued_at', '<', filter.issuedBefore);
    return query;
  };
  const paymentsWhere = (filter: PaymentFilter) => {
    let query = db.selectFrom('payments');
    const inScope = rowScopeCondition(filter.scope, { customerIds: 'customer_id' });
    if (inScope) query = query.where(inScope);
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
    ...createSqlTaxRates(db),
    ...createSqlInvoicing(db),
    ...createSqlCreditReservations(db),
    ...createSqlCashApplication(db),
    ...createSqlInvoiceDisputes(db),
    ...createSqlBusinessHealth(db),

    async invoicesByIds(ids) {
      if (ids.length === 0) return [];
      return (
        await db
          .selectFrom('invoices')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).map(toInvoice);
    },
    async invoicesByNumbers(numbers) {
      if (numbers.length === 0) return [];
      return (
        await db
          .selectFrom('invoices')
          .selectAll()
          .where('number', 'in', [...numbers])
          .execute()
      ).map(toInvoice);
    },
    async invoicesByOrderIds(orderIds, scope) {
      if (orderIds.length === 0) return [];
      return (
        await scopedInvoices(scope)
          .selectAll()
          .where('order_id', 'in', [...orderIds])
          .orderBy('id')
          .execute()
      ).map(toInvoice);
    },
    async invoicesByShipmentIds(shipmentIds, scope) {
      if (shipmentIds.length === 0) return [];
      return (
        await scopedInvoices(scope)
          .selectAll()
          .where('shipment_id', 'in', [...shipmentIds])
          .execute()
      ).map(toInvoice);
    },
    async listInvoices(filter, page) {
      return (await newestPage(invoicesWhere(filter), page)).map(toInvoice);
    },
    countInvoices(filter) {
      return countRows(invoicesWhere(filter));
    },
    async invoicesPerCustomer(customerIds, filter, page) {
      return (
        await newestPagePerParent(db, invoicesWhere(filter), 'customer_id', customerIds, page)
      ).map(toInvoice);
    },
    countInvoicesPerCustomer(customerIds, filter) {
      return countPerParent(invoicesWhere(filter), 'customer_id', customerIds);
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
      return (
        await db
          .selectFrom('payments')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).map(toPayment);
    },
    async listPayments(filter, page) {
      return (await newestPage(paymentsWhere(filter), page)).map(toPayment);
    },
    countPayments(filter) {
      return countRows(paymentsWhere(filter));
    },
    async paymentsPerCustomer(customerIds, filter, page) {
      return (
        await newestPagePerParent(db, paymentsWhere(filter), 'customer_id', customerIds, page)
      ).map(toPayment);
    },
    countPaymentsPerCustomer(customerIds, filter) {
      return countPerParent(paymentsWhere(filter), 'customer_id', customerIds);
    },

    async applicationsByInvoiceIds(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      return (
        await applications()
          .where('payment_applications.invoice_id', 'in', [...invoiceIds])
          .execute()
      ).map(toApplication);
    },
    async applicationsByPaymentIds(paymentIds) {
      if (paymentIds.length === 0) return [];
      return (
        await applications()
          .where('payment_applications.payment_id', 'in', [...paymentIds])
          .execute()
      ).map(toApplication);
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
