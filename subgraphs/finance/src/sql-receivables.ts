import { sql, type Kysely } from 'kysely';
import type { FinanceDB } from './migrations';
import { invoiceBalanceSql } from './sql-invoice-balance';
import type { FinanceStore, InvoiceStatus } from './store';

/** The per-customer aggregates of the SQL store: one grouped statement answers any number of customers. */
export function createSqlReceivables(
  db: Kysely<FinanceDB>,
  openStatuses: readonly InvoiceStatus[],
): Pick<FinanceStore, 'agedReceivables' | 'uninvoicedOrders'> {
  return {
    async agedReceivables(customerIds, cutoffs) {
      if (customerIds.length === 0) return [];
      const openInvoices = db
        .selectFrom('invoices')
        .select(['customer_id', 'currency', 'due_at', invoiceBalanceSql().as('balance_cents')])
        .where('customer_id', 'in', [...customerIds])
        .where('status', 'in', [...openStatuses])
        .as('open_invoices');
      // due_at is an ISO-8601 UTC string of fixed shape, so comparing it with the cutoffs compares instants.
      const bucket = (condition: ReturnType<typeof sql>) =>
        sql<number>`coalesce(sum(case when ${condition} then balance_cents else 0 end), 0)`;
      const rows = await db
        .selectFrom(openInvoices)
        .select([
          'customer_id',
          'currency',
          bucket(sql`due_at >= ${cutoffs.current}`).as('current_cents'),
          bucket(sql`due_at < ${cutoffs.current} and due_at >= ${cutoffs.days1To30}`).as(
            'days_1_30_cents',
          ),
          bucket(sql`due_at < ${cutoffs.days1To30} and due_at >= ${cutoffs.days31To60}`).as(
            'days_31_60_cents',
          ),
          bucket(sql`due_at < ${cutoffs.days31To60} and due_at >= ${cutoffs.days61To90}`).as(
            'days_61_90_cents',
          ),
          bucket(sql`due_at < ${cutoffs.days61To90}`).as('over_90_cents'),
        ])
        .groupBy(['customer_id', 'currency'])
        .orderBy('customer_id')
        .orderBy('currency')
        .execute();
      // PostgreSQL sums BIGINT into NUMERIC, which arrives as a string.
      return rows.map((row) => ({
        customerId: row.customer_id,
        currency: row.currency,
        currentCents: Number(row.current_cents),
        days1To30Cents: Number(row.days_1_30_cents),
        days31To60Cents: Number(row.days_31_60_cents),
        days61To90Cents: Number(row.days_61_90_cents),
        over90Cents: Number(row.over_90_cents),
      }));
    },

    async uninvoicedOrders(customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('open_orders')
        .select((eb) => [
          'customer_id',
          'currency',
          eb.fn.sum<number>('uninvoiced_cents').as('uninvoiced_cents'),
        ])
        .where('customer_id', 'in', [...customerIds])
        .groupBy(['customer_id', 'currency'])
        .orderBy('customer_id')
        .orderBy('currency')
        .execute();
      return rows.map((row) => ({
        customerId: row.customer_id,
        currency: row.currency,
        uninvoicedCents: Number(row.uninvoiced_cents),
      }));
    },
  };
}
