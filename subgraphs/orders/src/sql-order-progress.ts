import { consumeOnce } from '@switchyard/kit';
import { PostgresAdapter, type Kysely } from 'kysely';
import type { OrderRow, OrdersDB } from './migrations';
import { progressOf } from './order-status-rules';
import type { EventDelivery, OrderStatus, OrderStore } from './store';

type Progress = Pick<
  OrderStore,
  | 'recordAllocation'
  | 'recordBackorder'
  | 'recordShipment'
  | 'recordDelivery'
  | 'recordInvoice'
  | 'recordPayment'
  | 'recordDisputeResolution'
>;

/**
 * The order following the chain in SQL. Each event is one transaction: consumeOnce first (a redelivered
 * event changes nothing), then the fact it announces is recorded on the order (natural keys: a shipment,
 * an invoice is recorded once whatever event id carries it), then the status the facts justify is
 * entered, only ever forward (events may arrive out of order), with a status-history row each.
 * An event about an order this subgraph does not have, or one never accepted, is an anomaly: it throws,
 * so that it lands in the exception queue for an operator.
 */
export function createSqlOrderProgress(db: Kysely<OrdersDB>): Progress {
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;

  async function acceptedOrder(
    trx: Kysely<OrdersDB>,
    orderId: string,
    cause: string,
  ): Promise<OrderRow> {
    let query = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
    if (locking) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row)
      throw new Error(`${cause} names order ${orderId}, which the orders subgraph does not have`);
    if (row.status === 'ON_HOLD')
      throw new Error(`${cause} names order ${orderId}, which is ON_HOLD: it was never accepted`);
    return row;
  }

  /** Enters the statuses the order's facts now justify. */
  async function advance(
    trx: Kysely<OrdersDB>,
    order: OrderRow,
    cause: string,
    at: string,
    delivery: EventDelivery,
  ) {
    const [lines, shipments, invoices] = await Promise.all([
      trx
        .selectFrom('order_lines')
        .select(['quantity', 'shipped_quantity'])
        .where('order_id', '=', order.id)
        .execute(),
      trx
        .selectFrom('order_shipments')
        .select(['shipment_id', 'shipped_at', 'delivered_at'])
        .where('order_id', '=', order.id)
        .execute(),
      trx
        .selectFrom('order_invoices')
        .select(['shipment_id', 'balance_cents'])
        .where('order_id', '=', order.id)
        .execute(),
    ]);
    const fresh = await trx
      .selectFrom('orders')
      .select(['status', 'allocated_at', 'backordered_at', 'updated_at'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    const { status, entered } = progressOf({
      status: fresh.status as OrderStatus,
      allocated: fresh.allocated_at !== null,
      backordered: fresh.backordered_at !== null,
      lines: lines.map((l) => ({
        quantity: l.quantity,
        shippedQuantity: Number(l.shipped_quantity),
      })),
      shipments: shipments.map((s) => ({
        shipmentId: s.shipment_id,
        shippedAt: s.shipped_at,
        deliveredAt: s.delivered_at,
      })),
      invoices: invoices.map((i) => ({
        shipmentId: i.shipment_id,
        balanceCents: Number(i.balance_cents),
      })),
    });
    if (entered.length === 0) return;
    await trx
      .updateTable('orders')
      .set({ status, updated_at: at > fresh.updated_at ? at : fresh.updated_at })
      .where('id', '=', order.id)
      .execute();
    await trx
      .insertInto('order_status_history')
      .values(
        entered.map((s) => ({
          order_id: order.id,
          status: s,
          at,
          cause,
          actor: delivery.handler,
          note: null,
          correlation_id: delivery.correlationId,
        })),
      )
      .onConflict((oc) => oc.columns(['order_id', 'status']).doNothing())
      .execute();
  }

  /** Where an invoice of the order stands now; it must have been seen issued. */
  async function lowerBalance(
    trx: Kysely<OrdersDB>,
    cause: string,
    orderId: string,
    invoice: { invoiceId: string; balanceCents: number; status: string },
  ) {
    const known = await trx
      .selectFrom('order_invoices')
      .select(['order_id', 'balance_cents'])
      .where('invoice_id', '=', invoice.invoiceId)
      .executeTakeFirst();
    if (!known || known.order_id !== orderId) {
      throw new Error(
        `${cause} names invoice ${invoice.invoiceId} of order ${orderId}, which the orders subgraph has not seen issued (InvoiceIssued not processed?)`,
      );
    }
    // Balances only go down (cash and credits are never taken back here): an older event replayed late cannot raise one.
    if (invoice.balanceCents <= Number(known.balance_cents)) {
      await trx
        .updateTable('order_invoices')
        .set({ balance_cents: invoice.balanceCents, status: invoice.status })
        .where('invoice_id', '=', invoice.invoiceId)
        .execute();
    }
  }

  /** One event about one order: consumeOnce, record the fact, advance. */
  function follow(
    delivery: EventDelivery,
    cause: string,
    orderId: string,
    at: string,
    record: (trx: Kysely<OrdersDB>, order: OrderRow) => Promise<void>,
  ) {
    return db.transaction().execute(async (trx) => {
      if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
      const order = await acceptedOrder(trx, orderId, cause);
      await record(trx, order);
      await advance(trx, order, cause, at, delivery);
      return true;
    });
  }

  return {
    recordAllocation(event, delivery) {
      return follow(
        delivery,
        'InventoryAllocated',
        event.orderId,
        delivery.occurredAt,
        async (trx, order) => {
          if (order.allocated_at === null)
            await trx
              .updateTable('orders')
              .set({ allocated_at: delivery.occurredAt })
              .where('id', '=', order.id)
              .execute();
        },
      );
    },

    recordBackorder(event, delivery) {
      return follow(
        delivery,
        'OrderBackordered',
        event.orderId,
        delivery.occurredAt,
        async (trx, order) => {
          if (order.backordered_at === null)
            await trx
              .updateTable('orders')
              .set({ backordered_at: delivery.occurredAt })
              .where('id', '=', order.id)
              .execute();
        },
      );
    },

    recordShipment(event, delivery) {
      return follow(
        delivery,
        'ShipmentConfirmed',
        event.orderId,
        event.shippedAt,
        async (trx, order) => {
          const known = await trx
            .selectFrom('order_shipments')
            .selectAll()
            .where('shipment_id', '=', event.shipmentId)
            .executeTakeFirst();
          if (known && known.order_id !== order.id)
            throw new Error(
              `ShipmentConfirmed says shipment ${event.shipmentId} is of order ${order.id}, the orders subgraph has it for ${known.order_id}`,
            );
          // The shipment is the natural key: confirmed once, its units count once.
          if (known?.shipped_at) return;
          if (known)
            await trx
              .updateTable('order_shipments')
              .set({ shipped_at: event.shippedAt })
              .where('shipment_id', '=', event.shipmentId)
              .execute();
          else
            await trx
              .insertInto('order_shipments')
              .values({
                shipment_id: event.shipmentId,
                order_id: order.id,
                shipped_at: event.shippedAt,
                delivered_at: null,
              })
              .execute();
          for (const line of event.lines) {
            const updated = await trx
              .updateTable('order_lines')
              .set((eb) => ({ shipped_quantity: eb('shipped_quantity', '+', line.quantity) }))
              .where('order_id', '=', order.id)
              .where('line_number', '=', line.orderLineNumber)
              .executeTakeFirst();
            if (Number(updated.numUpdatedRows) === 0)
              throw new Error(
                `ShipmentConfirmed ships line ${line.orderLineNumber} of order ${order.id}, which has no such line`,
              );
          }
        },
      );
    },

    recordDelivery(event, delivery) {
      return follow(
        delivery,
        'ShipmentDelivered',
        event.orderId,
        event.deliveredAt,
        async (trx, order) => {
          const known = await trx
            .selectFrom('order_shipments')
            .selectAll()
            .where('shipment_id', '=', event.shipmentId)
            .executeTakeFirst();
          if (known && known.order_id !== order.id)
            throw new Error(
              `ShipmentDelivered says shipment ${event.shipmentId} is of order ${order.id}, the orders subgraph has it for ${known.order_id}`,
            );
          if (known?.delivered_at) return;
          // Delivered before its confirmation was processed (separate consumers): kept, and counted once it is.
          if (known)
            await trx
              .updateTable('order_shipments')
              .set({ delivered_at: event.deliveredAt })
              .where('shipment_id', '=', event.shipmentId)
              .execute();
          else
            await trx
              .insertInto('order_shipments')
              .values({
                shipment_id: event.shipmentId,
                order_id: order.id,
                shipped_at: null,
                delivered_at: event.deliveredAt,
              })
              .execute();
        },
      );
    },

    recordInvoice(event, delivery) {
      return follow(
        delivery,
        'InvoiceIssued',
        event.orderId,
        event.issuedAt,
        async (trx, order) => {
          await trx
            .insertInto('order_invoices')
            .values({
              invoice_id: event.invoiceId,
              order_id: order.id,
              shipment_id: event.shipmentId,
              total_cents: event.totalCents,
              balance_cents: event.totalCents,
              status: 'OPEN',
              issued_at: event.issuedAt,
            })
            .onConflict((oc) => oc.column('invoice_id').doNothing())
            .execute();
        },
      );
    },

    recordPayment(event, delivery) {
      return db.transaction().execute(async (trx) => {
        if (!(await consumeOnce(trx, delivery.handler, delivery.eventId))) return false;
        // One payment may settle invoices of several orders: each is locked in id order, so concurrent payments wait rather than deadlock.
        const orderIds = [...new Set(event.invoices.map((i) => i.orderId))].sort();
        for (const orderId of orderIds) {
          const order = await acceptedOrder(trx, orderId, 'PaymentApplied');
          for (const applied of event.invoices.filter((i) => i.orderId === orderId)) {
            await lowerBalance(trx, 'PaymentApplied', orderId, applied);
          }
          await advance(trx, order, 'PaymentApplied', delivery.occurredAt, delivery);
        }
        return true;
      });
    },

    recordDisputeResolution(event, delivery) {
      return follow(delivery, 'InvoiceDisputeResolved', event.orderId, delivery.occurredAt, (trx) =>
        lowerBalance(trx, 'InvoiceDisputeResolved', event.orderId, event),
      );
    },
  };
}
