import {
  appendToOutbox,
  notFound,
  OrderToCashEvent,
  takeGaplessIds,
  type IdSequence,
  type PaymentApplied,
} from '@switchyard/kit';
import { PostgresAdapter, type Kysely } from 'kysely';
import { applyCash } from './cash-application';
import type { FinanceDB, PaymentRow } from './migrations';
import { invoiceBalanceSql } from './sql-invoice-balance';
import { toInvoice, toPayment } from './sql-row-mapping';
import type { CashApplication, CommandContext, FinanceStore, Payment } from './store';

/** Gapless (one more than the largest), like invoices: receipts and their applications are numbered without gaps. */
const PAYMENT_IDS: IdSequence = { table: 'payments', prefix: 'PAY', width: 6 };
const APPLICATION_IDS: IdSequence = { table: 'payment_applications', prefix: 'APP', width: 6 };

/**
 * Cash application in SQL: the payment, its applications, the invoices' new statuses and PaymentApplied,
 * in one transaction. The invoices (and the payment, when applying its unapplied cash) are read locked
 * (`for update` on PostgreSQL; SQLite runs one writer at a time), so two payments cannot both apply the
 * same balance.
 */
export function createSqlCashApplication(
  db: Kysely<FinanceDB>,
): Pick<FinanceStore, 'recordPayment' | 'applyUnappliedCash'> {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  async function applyToInvoices(
    trx: Kysely<FinanceDB>,
    payment: Payment,
    applications: readonly CashApplication[],
    availableCents: number,
    argument: string,
    command: CommandContext,
  ) {
    let query = trx
      .selectFrom('invoices')
      .selectAll('invoices')
      .select(invoiceBalanceSql().as('balance_cents'))
      .where(
        'id',
        'in',
        applications.map((a) => a.invoiceId),
      )
      // One lock order for every command, so two payments over the same invoices wait rather than deadlock.
      .orderBy('id');
    if (locking) query = query.forUpdate();
    const rows = await query.execute();
    const invoices = new Map(
      rows.map((row) => [
        row.id,
        { invoice: toInvoice(row), balanceCents: Number(row.balance_cents) },
      ]),
    );
    const applied = applyCash(
      { customerId: payment.customerId, currency: payment.currency, availableCents },
      applications,
      invoices,
      argument,
    );

    const appliedAt = new Date().toISOString();
    const ids = await takeGaplessIds(trx, APPLICATION_IDS, applied.length);
    await trx
      .insertInto('payment_applications')
      .values(
        applied.map((a, i) => ({
          id: ids[i],
          payment_id: payment.id,
          invoice_id: a.invoice.id,
          amount_cents: a.appliedCents,
          applied_at: appliedAt,
        })),
      )
      .execute();
    for (const a of applied) {
      if (a.status !== a.invoice.status)
        await trx
          .updateTable('invoices')
          .set({ status: a.status })
          .where('id', '=', a.invoice.id)
          .execute();
    }
    const payload: PaymentApplied = {
      paymentId: payment.id,
      customerId: payment.customerId,
      currency: payment.currency,
      amountCents: payment.amountCents,
      unappliedCents: availableCents - applied.reduce((sum, a) => sum + a.appliedCents, 0),
      invoices: applied.map((a) => ({
        invoiceId: a.invoice.id,
        orderId: a.invoice.orderId,
        appliedCents: a.appliedCents,
        balanceCents: a.balanceCents,
        status: a.status,
      })),
    };
    await appendToOutbox(trx, {
      source: 'finance',
      type: OrderToCashEvent.PaymentApplied,
      aggregateId: payment.id,
      payload,
      correlationId: command.correlationId,
    });
  }

  return {
    recordPayment(input, command) {
      return db.transaction().execute(async (trx) => {
        const row: PaymentRow = {
          id: (await takeGaplessIds(trx, PAYMENT_IDS, 1))[0],
          customer_id: input.customerId,
          method: input.method,
          reference: input.reference,
          amount_cents: input.amountCents,
          currency: input.currency,
          received_at: input.receivedAt,
        };
        await trx.insertInto('payments').values(row).execute();
        const payment = toPayment(row);
        // Cash received without applications stays unapplied: no invoice changed, so no event.
        if (input.applications.length > 0)
          await applyToInvoices(
            trx,
            payment,
            input.applications,
            payment.amountCents,
            'input.applications',
            command,
          );
        return payment;
      });
    },

    applyUnappliedCash(paymentId, applications, command) {
      return db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('payments').selectAll().where('id', '=', paymentId);
        if (locking) query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) throw notFound('Payment', paymentId);
        const payment = toPayment(row);
        const applied = await trx
          .selectFrom('payment_applications')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_cents'), eb.lit(0)).as('cents'))
          .where('payment_id', '=', paymentId)
          .executeTakeFirstOrThrow();
        await applyToInvoices(
          trx,
          payment,
          applications,
          payment.amountCents - Number(applied.cents),
          'applications',
          command,
        );
        return payment;
      });
    },
  };
}
