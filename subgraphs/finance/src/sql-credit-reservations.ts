import { consumeOnce, type OrderAccepted } from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { CreditReservationDB, FinanceDB } from './migrations';
import { invoiceBalanceSql } from './sql-invoice-balance';
import { OPEN_INVOICE_STATUSES, type FinanceStore } from './store';

type ReservationDB = FinanceDB & CreditReservationDB;

/**
 * Credit reserved at order capture. A reservation is checked and written in one transaction that
 * first serializes the customer's reservations (one writer at a time on SQLite; a transaction-scoped
 * advisory lock per customer on PostgreSQL), and exposure is read in one statement, so two orders
 * placed at once never both fit into the same room. It then ends exactly once: CONVERTED when the
 * accepted order enters open_orders (in that transaction, so exposure neither drops nor doubles),
 * RELEASED when its order is held or cancelled or placeOrder gives it back, EXPIRED when housekeeping
 * finds it orphaned. Only ACTIVE reservations count in exposure.
 */
export function createSqlCreditReservations(
  records: Kysely<FinanceDB>,
): Pick<
  FinanceStore,
  | 'reserveCredit'
  | 'releaseCreditReservation'
  | 'releaseHeldOrderCredit'
  | 'expireCreditReservations'
  | 'reservedCredit'
> {
  const db = records.withTables<CreditReservationDB>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  return {
    reserveCredit(request) {
      return db.transaction().execute(async (trx) => {
        if (locking)
          await sql`select pg_advisory_xact_lock(hashtext(${`finance.credit:${request.customerId}`}))`.execute(
            trx,
          );
        const exposureCents = await exposureBesides(trx, request.customerId, request.reservationId);
        const existing = await trx
          .selectFrom('credit_reservations')
          .select('status')
          .where('id', '=', request.reservationId)
          .executeTakeFirst();
        // A retried call: the reservation it made stands (an order already converted it, or it is still held).
        if (existing && (existing.status === 'ACTIVE' || existing.status === 'CONVERTED'))
          return { reserved: true, exposureCents };
        const fits = exposureCents + request.amountCents <= request.creditLimitCents;
        if (!fits || request.checkOnly) return { reserved: fits, exposureCents };
        const now = new Date().toISOString();
        const row = {
          customer_id: request.customerId,
          amount_cents: request.amountCents,
          currency: request.currency,
          status: 'ACTIVE',
          created_at: now,
          order_id: null,
          ended_at: null,
        };
        // One that ended (released, expired) is taken up again by the same placement retried.
        if (existing)
          await trx
            .updateTable('credit_reservations')
            .set(row)
            .where('id', '=', request.reservationId)
            .execute();
        else
          await trx
            .insertInto('credit_reservations')
            .values({ id: request.reservationId, ...row })
            .execute();
        return { reserved: true, exposureCents };
      });
    },

    releaseCreditReservation(reservationId) {
      return db
        .transaction()
        .execute((trx) => endReservation(trx, reservationId, 'RELEASED', null));
    },

    releaseHeldOrderCredit(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
        if (!order.reservationId) return false;
        return endReservation(trx, order.reservationId, 'RELEASED', order.orderId);
      });
    },

    async expireCreditReservations(createdBefore) {
      const ended = await db
        .updateTable('credit_reservations')
        .set({ status: 'EXPIRED', ended_at: new Date().toISOString() })
        .where('status', '=', 'ACTIVE')
        .where('created_at', '<', createdBefore)
        .executeTakeFirst();
      return Number(ended.numUpdatedRows);
    },

    async reservedCredit(customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('credit_reservations')
        .select((eb) => ['customer_id', 'currency', eb.fn.sum<number>('amount_cents').as('cents')])
        .where('customer_id', 'in', [...customerIds])
        .where('status', '=', 'ACTIVE')
        .groupBy(['customer_id', 'currency'])
        .execute();
      return rows.map((r) => ({
        customerId: r.customer_id,
        currency: r.currency,
        reservedCents: Number(r.cents),
      }));
    },
  };
}

/**
 * What the customer's credit carries besides this reservation: open receivables, accepted orders not
 * yet invoiced and the other ACTIVE reservations, in one statement (one snapshot on PostgreSQL).
 */
async function exposureBesides(
  trx: Transaction<ReservationDB>,
  customerId: string,
  reservationId: string,
): Promise<number> {
  const open = sql.join(OPEN_INVOICE_STATUSES.map((s) => sql.lit(s)));
  const { rows } = await sql<{ receivable: number; uninvoiced: number; reserved: number }>`select
    (select coalesce(sum(${invoiceBalanceSql()}), 0) from invoices
      where invoices.customer_id = ${customerId} and invoices.status in (${open})) as receivable,
    (select coalesce(sum(uninvoiced_cents), 0) from open_orders where customer_id = ${customerId}) as uninvoiced,
    (select coalesce(sum(amount_cents), 0) from credit_reservations
      where customer_id = ${customerId} and status = 'ACTIVE' and id <> ${reservationId}) as reserved`.execute(
    trx,
  );
  // PostgreSQL sums BIGINT into NUMERIC, which arrives as a string.
  return Number(rows[0].receivable) + Number(rows[0].uninvoiced) + Number(rows[0].reserved);
}

/** ACTIVE → `status`, once; false when it had ended already (or never existed). */
export async function endReservation(
  trx: Kysely<ReservationDB> | Transaction<ReservationDB>,
  reservationId: string,
  status: 'CONVERTED' | 'RELEASED',
  orderId: string | null,
): Promise<boolean> {
  const ended = await trx
    .updateTable('credit_reservations')
    .set({ status, order_id: orderId, ended_at: new Date().toISOString() })
    .where('id', '=', reservationId)
    .where('status', '=', 'ACTIVE')
    .executeTakeFirst();
  return Number(ended.numUpdatedRows) === 1;
}

/**
 * Ends the reservation an order event carries, if any: CONVERTED by OrderAccepted (the open order,
 * written in the same transaction, replaces it), RELEASED by a cancellation.
 */
export const endReservationOf = (
  trx: Kysely<FinanceDB>,
  order: Pick<OrderAccepted, 'orderId' | 'reservationId'>,
  status: 'CONVERTED' | 'RELEASED',
) =>
  order.reservationId
    ? endReservation(
        trx.withTables<CreditReservationDB>(),
        order.reservationId,
        status,
        order.orderId,
      )
    : Promise.resolve(false);
