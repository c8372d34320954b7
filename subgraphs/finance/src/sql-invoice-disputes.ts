import {
  appendToOutbox,
  invalidStateTransition,
  notFound,
  OrderToCashEvent,
  takeGaplessIds,
  type IdSequence,
  type InvoiceDisputed,
  type InvoiceDisputeResolved,
} from '@switchyard/kit';
import { PostgresAdapter, type Kysely } from 'kysely';
import { settleDispute } from './dispute-resolution';
import type { DisputeLedgerDB, FinanceDB } from './migrations';
import { invoiceCreditedSql, invoicePaidSql } from './sql-invoice-balance';
import { toCreditMemo, toDisputeResolution, toInvoice } from './sql-row-mapping';
import type { FinanceStore, InvoiceStatus } from './store';

/** Gapless, like invoices: credit memos are accounting documents and must not skip numbers. */
const CREDIT_MEMO_IDS: IdSequence = { table: 'credit_memos', prefix: 'CM', width: 6 };
const RESOLUTION_IDS: IdSequence = { table: 'dispute_resolutions', prefix: 'DRS', width: 6 };

/** Only an invoice still owed and not already contested can be disputed. */
const DISPUTABLE: readonly InvoiceStatus[] = ['OPEN', 'PARTIALLY_PAID'];

export function createSqlInvoiceDisputes(
  db: Kysely<FinanceDB>,
): Pick<
  FinanceStore,
  | 'disputeInvoice'
  | 'resolveDispute'
  | 'invoiceSettlements'
  | 'creditMemosByInvoiceIds'
  | 'disputeResolutionsByInvoiceIds'
> {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  const ledger = db.withTables<DisputeLedgerDB>();
  return {
    disputeInvoice(invoiceId, reason, command) {
      return db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId);
        if (locking) query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) throw notFound('Invoice', invoiceId);
        if (!DISPUTABLE.includes(row.status as InvoiceStatus)) {
          throw invalidStateTransition(
            'Invoice',
            row.id,
            row.status,
            'DISPUTED',
            `invoice ${row.number} (${row.id}) is ${row.status}: only OPEN or PARTIALLY_PAID invoices can be disputed`,
          );
        }
        const disputed = {
          ...row,
          status: 'DISPUTED',
          disputed_at: new Date().toISOString(),
          dispute_reason: reason,
        };
        await trx
          .updateTable('invoices')
          .set({
            status: disputed.status,
            disputed_at: disputed.disputed_at,
            dispute_reason: reason,
          })
          .where('id', '=', invoiceId)
          .execute();
        const payload: InvoiceDisputed = {
          invoiceId: row.id,
          orderId: row.order_id,
          customerId: row.customer_id,
          reason,
        };
        await appendToOutbox(trx, {
          source: 'finance',
          type: OrderToCashEvent.InvoiceDisputed,
          aggregateId: row.id,
          payload,
          correlationId: command.correlationId,
        });
        return toInvoice(disputed);
      });
    },

    resolveDispute(resolution, command) {
      return ledger.transaction().execute(async (trx) => {
        // Locked (PostgreSQL; SQLite runs one writer at a time), so a payment or a second resolution waits for this one.
        let query = trx.selectFrom('invoices').selectAll().where('id', '=', resolution.invoiceId);
        if (locking) query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) throw notFound('Invoice', resolution.invoiceId);
        const amounts = await trx
          .selectFrom('invoices')
          .select([invoicePaidSql().as('paid'), invoiceCreditedSql().as('credited')])
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        const invoice = toInvoice(row);
        const settled = settleDispute(
          { invoice, paidCents: Number(amounts.paid), creditedCents: Number(amounts.credited) },
          resolution.outcome,
          resolution.creditCents,
        );

        const at = new Date().toISOString();
        let creditMemoId: string | null = null;
        if (settled.creditCents > 0) {
          [creditMemoId] = await takeGaplessIds(trx, CREDIT_MEMO_IDS, 1);
          await trx
            .insertInto('credit_memos')
            .values({
              id: creditMemoId,
              invoice_id: row.id,
              amount_cents: settled.creditCents,
              reason: resolution.note,
              issued_at: at,
              issued_by: command.callerId,
            })
            .execute();
        }
        const [resolutionId] = await takeGaplessIds(trx, RESOLUTION_IDS, 1);
        await trx
          .insertInto('dispute_resolutions')
          .values({
            id: resolutionId,
            invoice_id: row.id,
            outcome: resolution.outcome,
            note: resolution.note,
            dispute_reason: row.dispute_reason,
            credit_memo_id: creditMemoId,
            resolved_at: at,
            resolved_by: command.callerId,
          })
          .execute();
        await trx
          .updateTable('invoices')
          .set({ status: settled.status })
          .where('id', '=', row.id)
          .execute();
        const payload: InvoiceDisputeResolved = {
          invoiceId: row.id,
          orderId: row.order_id,
          customerId: row.customer_id,
          currency: row.currency,
          outcome: resolution.outcome,
          note: resolution.note,
          creditMemoId,
          creditedCents: settled.creditCents,
          balanceCents: settled.balanceCents,
          status: settled.status,
        };
        await appendToOutbox(trx, {
          source: 'finance',
          type: OrderToCashEvent.InvoiceDisputeResolved,
          aggregateId: row.id,
          payload,
          correlationId: command.correlationId,
        });
        return { ...invoice, status: settled.status };
      });
    },

    async invoiceSettlements(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await db
        .selectFrom('invoices')
        .select([
          'id',
          invoicePaidSql().as('paid_cents'),
          invoiceCreditedSql().as('credited_cents'),
        ])
        .where('id', 'in', [...invoiceIds])
        .execute();
      // PostgreSQL sums BIGINT into NUMERIC, which arrives as a string.
      return rows.map((row) => ({
        invoiceId: row.id,
        paidCents: Number(row.paid_cents),
        creditedCents: Number(row.credited_cents),
      }));
    },

    async creditMemosByInvoiceIds(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await ledger
        .selectFrom('credit_memos')
        .innerJoin('invoices', 'invoices.id', 'credit_memos.invoice_id')
        .selectAll('credit_memos')
        .select('invoices.currency')
        .where('credit_memos.invoice_id', 'in', [...invoiceIds])
        .orderBy('credit_memos.issued_at')
        .orderBy('credit_memos.id')
        .execute();
      return rows.map(toCreditMemo);
    },

    async disputeResolutionsByInvoiceIds(invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await ledger
        .selectFrom('dispute_resolutions')
        .selectAll()
        .where('invoice_id', 'in', [...invoiceIds])
        .orderBy('resolved_at')
        .orderBy('id')
        .execute();
      return rows.map(toDisputeResolution);
    },
  };
}
