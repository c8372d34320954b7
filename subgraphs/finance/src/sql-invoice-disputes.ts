import { appendToOutbox, invalidStateTransition, notFound, OrderToCashEvent, type InvoiceDisputed } from '@switchyard/kit';
import { PostgresAdapter, type Kysely } from 'kysely';
import type { FinanceDB } from './migrations';
import { toInvoice } from './sql-row-mapping';
import type { FinanceStore, InvoiceStatus } from './store';

/** Only an invoice still owed and not already contested can be disputed. */
const DISPUTABLE: readonly InvoiceStatus[] = ['OPEN', 'PARTIALLY_PAID'];

export function createSqlInvoiceDisputes(db: Kysely<FinanceDB>): Pick<FinanceStore, 'disputeInvoice'> {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    disputeInvoice(invoiceId, reason, command) {
      return db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId);
        if (locking) query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) throw notFound('Invoice', invoiceId);
        if (!DISPUTABLE.includes(row.status as InvoiceStatus)) {
          throw invalidStateTransition('Invoice', row.id, row.status, 'DISPUTED', `invoice ${row.number} (${row.id}) is ${row.status}: only OPEN or PARTIALLY_PAID invoices can be disputed`);
        }
        const disputed = { ...row, status: 'DISPUTED', disputed_at: new Date().toISOString(), dispute_reason: reason };
        await trx
          .updateTable('invoices')
          .set({ status: disputed.status, disputed_at: disputed.disputed_at, dispute_reason: reason })
          .where('id', '=', invoiceId)
          .execute();
        const payload: InvoiceDisputed = { invoiceId: row.id, orderId: row.order_id, customerId: row.customer_id, reason };
        await appendToOutbox(trx, { source: 'finance', type: OrderToCashEvent.InvoiceDisputed, aggregateId: row.id, payload, correlationId: command.correlationId });
        return toInvoice(disputed);
      });
    },
  };
}
