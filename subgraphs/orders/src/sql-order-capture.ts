import {
  appendToOutbox,
  type IdSequence,
  invalidStateTransition,
  notFound,
  type OrderCancelled,
  type OrderHeld,
  OrderToCashEvent,
  redactedText,
  sequenceNumberOf,
  takeGaplessIds,
} from '@switchyard/kit';
import { PostgresAdapter, type Kysely } from 'kysely';
import type { OrdersDB } from './migrations';
import { orderAcceptedPayload } from './order-events';
import { CANCELLABLE_STATUSES } from './order-status-rules';
import { shipToColumns, toHold, toOrder, toOrderLine } from './sql-row-mapping';
import type {
  CommandContext,
  HoldDraft,
  IdempotentPlacement,
  OrderStatus,
  OrderStore,
  OrderTerms,
} from './store';

/** Gapless (one more than the largest): the order number people quote follows the order's id. */
const ORDER_IDS: IdSequence = { table: 'orders', prefix: 'ORD', width: 6 };
const HOLD_IDS: IdSequence = { table: 'holds', prefix: 'HLD', width: 6 };
/** ORD-000123 is SO-100123 (as the seed numbers them). */
const orderNumberOf = (orderId: string) => `SO-${100000 + sequenceNumberOf(orderId)}`;

/** Another request holds the idempotency key: this transaction is rolled back and that request's order answered. */
class KeyTaken extends Error {}

/**
 * Order capture in SQL: placing, cancelling and releasing, each in one transaction with its
 * status-history row and the event it announces (outbox). The order is read locked (`for update` on
 * PostgreSQL; SQLite runs one writer at a time), so two commands on one order take turns.
 */
export function createSqlOrderCapture(
  db: Kysely<OrdersDB>,
): Pick<OrderStore, 'idempotentPlacement' | 'placeOrder' | 'cancelOrder' | 'releaseHolds'> {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  const placementOf = async (
    executor: Kysely<OrdersDB>,
    callerId: string,
    key: string,
  ): Promise<IdempotentPlacement | null> => {
    const row = await executor
      .selectFrom('order_idempotency_keys')
      .select(['order_id', 'fingerprint', 'accepted'])
      .where('caller_id', '=', callerId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row
      ? {
          orderId: row.order_id,
          fingerprint: row.fingerprint,
          accepted: Number(row.accepted) === 1,
        }
      : null;
  };

  async function lockedOrder(trx: Kysely<OrdersDB>, orderId: string) {
    let query = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
    if (locking) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('Order', orderId);
    return row;
  }

  async function linesOf(trx: Kysely<OrdersDB>, orderId: string, currency: string) {
    const rows = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_number')
      .execute();
    return rows.map((row) => toOrderLine({ ...row, currency }));
  }

  async function insertHolds(
    trx: Kysely<OrdersDB>,
    orderId: string,
    holds: readonly HoldDraft[],
    placedAt: string,
  ) {
    if (holds.length === 0) return;
    const ids = await takeGaplessIds(trx, HOLD_IDS, holds.length);
    await trx
      .insertInto('holds')
      .values(
        holds.map((h, i) => ({
          id: ids[i],
          order_id: orderId,
          reason: h.reason,
          detail: redactedText(h.detail),
          detail_facts: JSON.stringify(h.detail),
          placed_at: placedAt,
          released_at: null,
          released_by: null,
          dependency: h.dependency ?? null,
          release_note: null,
        })),
      )
      .execute();
  }

  async function enterStatus(
    trx: Kysely<OrdersDB>,
    orderId: string,
    status: OrderStatus,
    at: string,
    cause: string,
    command: CommandContext,
    note: string | null = null,
  ) {
    await trx
      .insertInto('order_status_history')
      .values({
        order_id: orderId,
        status,
        at,
        cause,
        actor: command.callerId,
        note,
        correlation_id: command.correlationId,
      })
      .onConflict((oc) => oc.columns(['order_id', 'status']).doNothing())
      .execute();
  }

  async function applyTerms(
    trx: Kysely<OrdersDB>,
    orderId: string,
    terms: OrderTerms,
    requestedAddressId: string,
  ) {
    await trx
      .updateTable('orders')
      .set({
        ...shipToColumns(terms.shipTo, requestedAddressId || null),
        currency: terms.currency,
        subtotal_cents: terms.subtotalCents,
        tax_cents: terms.taxCents,
        total_cents: terms.totalCents,
      })
      .where('id', '=', orderId)
      .execute();
    for (const line of terms.lines) {
      await trx
        .updateTable('order_lines')
        .set({
          product_id: line.productId,
          unit_price_cents: line.unitPriceCents,
          extended_cents: line.extendedCents,
          pricing_rule: line.pricingRule,
        })
        .where('order_id', '=', orderId)
        .where('line_number', '=', line.lineNumber)
        .execute();
    }
  }

  return {
    idempotentPlacement: (callerId, key) => placementOf(db, callerId, key),

    async placeOrder(order, key, command) {
      const accepted = order.holds.length === 0;
      try {
        const placement = await db.transaction().execute(async (trx) => {
          const [id] = await takeGaplessIds(trx, ORDER_IDS, 1);
          const status: OrderStatus = accepted ? 'ACCEPTED' : 'ON_HOLD';
          const row = {
            id,
            number: orderNumberOf(id),
            customer_id: order.customerId,
            status,
            channel: order.channel,
            po_number: order.poNumber,
            ...shipToColumns(order.shipTo, order.requestedShipToAddressId),
            currency: order.currency,
            subtotal_cents: order.subtotalCents,
            tax_cents: order.taxCents,
            total_cents: order.totalCents,
            placed_at: order.placedAt,
            updated_at: order.placedAt,
            // The key is unique per caller (order_idempotency_keys); this global column keeps only the seed's keys.
            idempotency_key: null,
            allow_backorder: order.allowBackorder ? 1 : 0,
            allocated_at: null,
            backordered_at: null,
            reservation_id: order.reservationId ?? null,
          };
          await trx.insertInto('orders').values(row).execute();
          await trx
            .insertInto('order_lines')
            .values(
              order.lines.map((l) => ({
                order_id: id,
                line_number: l.lineNumber,
                product_id: l.productId,
                sku: l.sku,
                quantity: l.quantity,
                unit_price_cents: l.unitPriceCents,
                pricing_rule: l.pricingRule,
                extended_cents: l.extendedCents,
                expected_unit_price_cents: l.expectedUnitPriceCents,
                shipped_quantity: 0,
              })),
            )
            .execute();
          await insertHolds(trx, id, order.holds, order.placedAt);
          const keyed = await trx
            .insertInto('order_idempotency_keys')
            .values({
              caller_id: key.callerId,
              idempotency_key: key.key,
              fingerprint: key.fingerprint,
              order_id: id,
              accepted: accepted ? 1 : 0,
              created_at: order.placedAt,
            })
            .onConflict((oc) => oc.columns(['caller_id', 'idempotency_key']).doNothing())
            .executeTakeFirst();
          if (Number(keyed.numInsertedOrUpdatedRows ?? 0n) === 0) throw new KeyTaken();
          await enterStatus(trx, id, status, order.placedAt, 'placeOrder', command);
          if (accepted) {
            const written = toOrder(row);
            const payload = orderAcceptedPayload(
              written,
              await linesOf(trx, id, order.currency),
              order.placedAt,
            );
            await appendToOutbox(trx, {
              source: 'orders',
              type: OrderToCashEvent.OrderAccepted,
              aggregateId: id,
              payload,
              correlationId: command.correlationId,
              occurredAt: order.placedAt,
            });
          } else {
            const payload: OrderHeld = {
              orderId: id,
              customerId: order.customerId,
              channel: order.channel,
              // Events travel and are stored far from the caller's scopes: what anyone may read.
              reasons: order.holds.map((h) => ({
                reason: h.reason,
                detail: redactedText(h.detail),
              })),
              ...(order.reservationId ? { reservationId: order.reservationId } : {}),
            };
            await appendToOutbox(trx, {
              source: 'orders',
              type: OrderToCashEvent.OrderHeld,
              aggregateId: id,
              payload,
              correlationId: command.correlationId,
              occurredAt: order.placedAt,
            });
          }
          return { orderId: id, fingerprint: key.fingerprint, accepted };
        });
        return { written: true, placement };
      } catch (error) {
        if (!(error instanceof KeyTaken)) throw error;
        // A concurrent request with the same key committed first: its order is the answer.
        return { written: false, placement: (await placementOf(db, key.callerId, key.key))! };
      }
    },

    cancelOrder(orderId, reason, command) {
      return db.transaction().execute(async (trx) => {
        const row = await lockedOrder(trx, orderId);
        const from = row.status as OrderStatus;
        if (!CANCELLABLE_STATUSES.has(from)) {
          throw invalidStateTransition(
            'Order',
            orderId,
            from,
            'CANCELLED',
            `Order ${orderId} is ${from}: only orders that have not shipped (ON_HOLD, ACCEPTED, ALLOCATED, BACKORDERED) can be cancelled`,
          );
        }
        const now = new Date().toISOString();
        await trx
          .updateTable('orders')
          .set({ status: 'CANCELLED', updated_at: now })
          .where('id', '=', orderId)
          .execute();
        await enterStatus(trx, orderId, 'CANCELLED', now, 'cancelOrder', command, reason);
        const payload: OrderCancelled = {
          orderId,
          customerId: row.customer_id,
          previousStatus: from,
          reason,
          ...(row.reservation_id ? { reservationId: row.reservation_id } : {}),
        };
        await appendToOutbox(trx, {
          source: 'orders',
          type: OrderToCashEvent.OrderCancelled,
          aggregateId: orderId,
          payload,
          correlationId: command.correlationId,
          occurredAt: now,
        });
        return toOrder({ ...row, status: 'CANCELLED', updated_at: now });
      });
    },

    releaseHolds(orderId, release, command) {
      return db.transaction().execute(async (trx) => {
        const row = await lockedOrder(trx, orderId);
        if (row.status !== 'ON_HOLD') {
          throw invalidStateTransition(
            'Order',
            orderId,
            row.status,
            'ACCEPTED',
            `Order ${orderId} is ${row.status}: only ON_HOLD orders have holds to release`,
          );
        }
        const holds = (
          await trx
            .selectFrom('holds')
            .selectAll()
            .where('order_id', '=', orderId)
            .orderBy('id')
            .execute()
        ).map(toHold);
        const open = holds.filter((h) => h.releasedAt === null);
        const chosen = release.holdIds
          ? release.holdIds.map((id) => {
              const hold = holds.find((h) => h.id === id);
              if (!hold) throw notFound('Hold', id);
              if (hold.releasedAt !== null)
                throw invalidStateTransition(
                  'Hold',
                  id,
                  'RELEASED',
                  'RELEASED',
                  `Hold ${id} was released at ${hold.releasedAt} by ${hold.releasedBy}`,
                );
              return hold;
            })
          : open;
        const waitsForDependency = chosen.some((h) => h.reason === 'DEPENDENCY_UNAVAILABLE');
        if (waitsForDependency && !release.revalidation)
          throw new Error(
            `releasing a DEPENDENCY_UNAVAILABLE hold of ${orderId} needs the checks run again`,
          );
        if (release.revalidation && release.revalidation.expectedUpdatedAt !== row.updated_at) {
          throw invalidStateTransition(
            'Order',
            orderId,
            row.status,
            'ACCEPTED',
            `Order ${orderId} changed while its checks ran again; release its holds again`,
          );
        }

        const now = new Date().toISOString();
        const releasing = new Map(chosen.map((h) => [h.id, release.note]));
        let newHolds: HoldDraft[] = [];
        if (release.revalidation) {
          await applyTerms(trx, orderId, release.revalidation.terms, row.ship_to_address_id);
          await trx
            .updateTable('orders')
            .set({ reservation_id: release.revalidation.reservationId })
            .where('id', '=', orderId)
            .execute();
          // Every dependency answered now: the holds waiting for one are settled by the checks themselves.
          for (const hold of open.filter((h) => h.reason === 'DEPENDENCY_UNAVAILABLE'))
            releasing.set(hold.id, release.note ?? 'checked again: every dependency answered');
          // Only what the first checks could not see is new; reasons already held were weighed by a person.
          const heldReasons = new Set(holds.map((h) => h.reason));
          newHolds = release.revalidation.holds.filter(
            (h) => h.reason !== 'DEPENDENCY_UNAVAILABLE' && !heldReasons.has(h.reason),
          );
        }
        for (const [holdId, note] of releasing) {
          await trx
            .updateTable('holds')
            .set({ released_at: now, released_by: command.callerId, release_note: note })
            .where('id', '=', holdId)
            .execute();
        }
        await insertHolds(trx, orderId, newHolds, now);
        const stillOpen = open.filter((h) => !releasing.has(h.id)).length + newHolds.length;
        await trx
          .updateTable('orders')
          .set({ updated_at: now, ...(stillOpen === 0 ? { status: 'ACCEPTED' } : {}) })
          .where('id', '=', orderId)
          .execute();
        const order = toOrder(
          await trx
            .selectFrom('orders')
            .selectAll()
            .where('id', '=', orderId)
            .executeTakeFirstOrThrow(),
        );
        if (stillOpen === 0) {
          const payload = orderAcceptedPayload(
            order,
            await linesOf(trx, orderId, order.currency),
            now,
          );
          await enterStatus(trx, orderId, 'ACCEPTED', now, 'releaseHold', command, release.note);
          await appendToOutbox(trx, {
            source: 'orders',
            type: OrderToCashEvent.OrderAccepted,
            aggregateId: orderId,
            payload,
            correlationId: command.correlationId,
            occurredAt: now,
          });
        }
        return order;
      });
    },
  };
}
