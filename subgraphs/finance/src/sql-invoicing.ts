import {
  appendToOutbox,
  consumeOnce,
  OrderToCashEvent,
  sequenceNumberOf,
  takeGaplessIds,
  type IdSequence,
  type InvoiceIssued,
} from '@switchyard/kit';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { priceInvoice } from './invoice-pricing';
import { endReservationOf } from './sql-credit-reservations';
import type { CancelledOrderDB, FinanceDB, InvoiceRow } from './migrations';
import { toInvoice } from './sql-row-mapping';
import type { FinanceStore } from './store';

const DAY_MS = 86_400_000;
/** Gapless (one more than the largest): the invoice number follows the id, and invoice numbers must not skip. */
const INVOICE_IDS: IdSequence = { table: 'invoices', prefix: 'INV', width: 6 };

/**
 * The event-driven side of the SQL store: the order ledger (OrderAccepted, OrderCancelled) and the
 * invoices issued from it (ShipmentConfirmed). Each method is one transaction that starts by recording
 * the delivery (consumeOnce), so a redelivered event is a no-op and a failure leaves nothing behind.
 * OrderAccepted and OrderCancelled have a consumer group each, so either may be consumed first: a
 * cancellation is remembered (cancelled_orders), and an acceptance consumed after it adds nothing to
 * exposure; on PostgreSQL both take the order's advisory lock, so they never run interleaved.
 */
export function createSqlInvoicing(
  db: Kysely<FinanceDB>,
): Pick<FinanceStore, 'recordOpenOrder' | 'forgetCancelledOrder' | 'invoiceShipment'> {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  const lockOrder = async (trx: Kysely<FinanceDB>, orderId: string) => {
    if (locking)
      await sql`select pg_advisory_xact_lock(hashtext(${`finance.order:${orderId}`}))`.execute(trx);
  };
  const cancelledOrders = (trx: Kysely<FinanceDB>) => trx.withTables<CancelledOrderDB>();

  return {
    recordOpenOrder(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
        await lockOrder(trx, order.orderId);
        // The order is the natural key: the same acceptance announced again under another event id changes nothing.
        const known = await trx
          .selectFrom('order_ledger')
          .select('order_id')
          .where('order_id', '=', order.orderId)
          .executeTakeFirst();
        if (known) return false;
        if (order.lines.length === 0)
          throw new Error(`order ${order.orderId} was accepted without lines`);
        const cancelled = await cancelledOrders(trx)
          .selectFrom('cancelled_orders')
          .select('order_id')
          .where('order_id', '=', order.orderId)
          .executeTakeFirst();
        await trx
          .insertInto('order_ledger')
          .values({
            order_id: order.orderId,
            order_number: order.orderNumber,
            customer_id: order.customerId,
            // Cancelled before its acceptance reached finance: on the ledger (a shipment of it is refused), out of exposure.
            status: cancelled ? 'CANCELLED' : 'ACCEPTED',
            currency: order.currency,
            ship_to_region: order.shipTo.region,
            subtotal_cents: order.subtotalCents,
            tax_cents: order.taxCents,
            total_cents: order.totalCents,
            accepted_at: order.acceptedAt,
          })
          .execute();
        await trx
          .insertInto('order_ledger_lines')
          .values(
            order.lines.map((line) => ({
              order_id: order.orderId,
              line_number: line.lineNumber,
              product_id: line.productId,
              sku: line.sku,
              quantity: line.quantity,
              unit_price_cents: line.unitPriceCents,
              extended_cents: line.extendedCents,
            })),
          )
          .execute();
        if (cancelled) {
          // Its cancellation released the reservation already (when it carried its id); this one, if another, goes too.
          await endReservationOf(trx, order, 'RELEASED');
          return false;
        }
        await trx
          .insertInto('open_orders')
          .values({
            order_id: order.orderId,
            customer_id: order.customerId,
            uninvoiced_cents: order.totalCents,
            currency: order.currency,
          })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
        await endReservationOf(trx, order, 'CONVERTED');
        return true;
      });
    },

    forgetCancelledOrder(order, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
        await lockOrder(trx, order.orderId);
        await cancelledOrders(trx)
          .insertInto('cancelled_orders')
          .values({ order_id: order.orderId, cancelled_at: new Date().toISOString() })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
        // Orders are cancelled before they ship, so nothing of it was invoiced: all of it leaves exposure.
        await trx
          .updateTable('order_ledger')
          .set({ status: 'CANCELLED' })
          .where('order_id', '=', order.orderId)
          .execute();
        await trx.deleteFrom('open_orders').where('order_id', '=', order.orderId).execute();
        // Cancelled before its acceptance reached finance: the credit it reserved is given back.
        await endReservationOf(trx, order, 'RELEASED');
        return true;
      });
    },

    invoiceShipment(shipment, terms, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return null;
        // Numbered first: on PostgreSQL that waits for any invoice being written concurrently, so the check below sees it.
        const [id] = await takeGaplessIds(trx, INVOICE_IDS, 1);
        // One invoice per shipment (invoices.shipment_id is unique): a ShipmentConfirmed announced again changes nothing.
        const invoiced = await trx
          .selectFrom('invoices')
          .select('id')
          .where('shipment_id', '=', shipment.shipmentId)
          .executeTakeFirst();
        if (invoiced) return null;
        const order = await trx
          .selectFrom('order_ledger')
          .selectAll()
          .where('order_id', '=', shipment.orderId)
          .executeTakeFirst();
        if (!order)
          throw new Error(
            `order ${shipment.orderId} is unknown to finance (no OrderAccepted recorded): cannot invoice shipment ${shipment.shipmentId}`,
          );
        if (order.status === 'CANCELLED')
          throw new Error(
            `order ${shipment.orderId} was cancelled: shipment ${shipment.shipmentId} is not invoiced`,
          );
        const rate = await trx
          .selectFrom('tax_rates')
          .select('rate_bps')
          .where('region', '=', order.ship_to_region)
          .executeTakeFirst();
        if (!rate) {
          throw new Error(
            `no sales tax rate for region ${order.ship_to_region}: set it with setTaxRate, then replay to invoice shipment ${shipment.shipmentId}`,
          );
        }
        const orderLines = await trx
          .selectFrom('order_ledger_lines')
          .selectAll()
          .where('order_id', '=', order.order_id)
          .execute();
        const priced = priceInvoice(
          order.order_id,
          orderLines.map((l) => ({
            lineNumber: l.line_number,
            productId: l.product_id,
            sku: l.sku,
            unitPriceCents: Number(l.unit_price_cents),
          })),
          shipment.lines,
          rate.rate_bps,
        );

        const issuedAt = new Date().toISOString();
        const row: InvoiceRow = {
          id,
          number: `IN-${200_000 + sequenceNumberOf(id)}`,
          customer_id: order.customer_id,
          order_id: order.order_id,
          shipment_id: shipment.shipmentId,
          status: 'OPEN',
          currency: order.currency,
          subtotal_cents: priced.subtotalCents,
          tax_region: order.ship_to_region,
          tax_rate_bps: rate.rate_bps,
          tax_cents: priced.taxCents,
          total_cents: priced.totalCents,
          issued_at: issuedAt,
          due_at: new Date(Date.parse(issuedAt) + terms.days * DAY_MS).toISOString(),
          shipped_at: shipment.shippedAt,
          disputed_at: null,
          dispute_reason: null,
        };
        await trx.insertInto('invoices').values(row).execute();
        await trx
          .insertInto('invoice_lines')
          .values(
            priced.lines.map((line) => ({
              invoice_id: id,
              line_number: line.lineNumber,
              order_line_number: line.orderLineNumber,
              product_id: line.productId,
              sku: line.sku,
              quantity: line.quantity,
              unit_price_cents: line.unitPriceCents,
              extended_cents: line.extendedCents,
            })),
          )
          .execute();
        await lowerUninvoiced(trx, order.order_id, Number(order.total_cents), orderLines);

        const payload: InvoiceIssued = {
          invoiceId: id,
          invoiceNumber: row.number,
          orderId: row.order_id,
          shipmentId: row.shipment_id,
          customerId: row.customer_id,
          currency: row.currency,
          subtotalCents: row.subtotal_cents,
          taxCents: row.tax_cents,
          totalCents: row.total_cents,
          issuedAt,
        };
        await appendToOutbox(trx, {
          source: 'finance',
          type: OrderToCashEvent.InvoiceIssued,
          aggregateId: id,
          payload,
          correlationId: delivery.correlationId,
        });
        return toInvoice(row);
      });
    },
  };
}

/**
 * What the order still adds to exposure once this invoice is written: nothing when every ordered unit is
 * invoiced (tax rounded per invoice may differ by cents from the order's), else its total less its invoices'.
 */
async function lowerUninvoiced(
  trx: Kysely<FinanceDB>,
  orderId: string,
  orderTotalCents: number,
  orderLines: readonly { line_number: number; quantity: number }[],
) {
  const invoiced = await trx
    .selectFrom('invoice_lines')
    .innerJoin('invoices', 'invoices.id', 'invoice_lines.invoice_id')
    .select([
      'invoice_lines.order_line_number as line',
      (eb) => eb.fn.sum<number>('invoice_lines.quantity').as('quantity'),
    ])
    .where('invoices.order_id', '=', orderId)
    .where('invoices.status', '!=', 'VOID')
    .groupBy('invoice_lines.order_line_number')
    .execute();
  const invoicedQuantity = new Map(invoiced.map((r) => [r.line, Number(r.quantity)]));
  if (orderLines.every((line) => (invoicedQuantity.get(line.line_number) ?? 0) >= line.quantity)) {
    await trx.deleteFrom('open_orders').where('order_id', '=', orderId).execute();
    return;
  }
  const billed = await trx
    .selectFrom('invoices')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total_cents'), eb.lit(0)).as('cents'))
    .where('order_id', '=', orderId)
    .where('status', '!=', 'VOID')
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('open_orders')
    .set({ uninvoiced_cents: Math.max(0, orderTotalCents - Number(billed.cents)) })
    .where('order_id', '=', orderId)
    .execute();
}
