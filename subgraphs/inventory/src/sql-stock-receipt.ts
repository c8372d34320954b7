import {
  appendToOutbox,
  badUserInput,
  ErrorCode,
  type IdSequence,
  type InventoryAllocated,
  OrderToCashEvent,
  takeIds,
} from '@switchyard/kit';
import { GraphQLError } from 'graphql';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { planAllocation, type LinePick } from './allocation-plan';
import type {
  AllocationRow,
  InventoryBookkeeping,
  InventoryDB,
  StockReceiptLineRow,
  StockReceiptRow,
} from './migrations';
import { sortedByStockKey } from './sql-allocation';
import type { InventoryStore, StockReceipt, StockReceiptRequest } from './store';

const RECEIPT_IDS: IdSequence = { table: 'stock_receipts', prefix: 'RCV', width: 6 };

/**
 * Stock arriving at a warehouse, and the backordered orders it lets move: one transaction adds the
 * units to on hand, allocates the orders waiting for a received product (oldest backorder first, each
 * whole or not at all, by the rule of allocation-plan.ts against what is left after the orders before
 * it) and writes InventoryAllocated for each, so orders and shipments follow from their own handlers.
 *
 * An order that still cannot be served whole keeps waiting and takes nothing: the units go to the
 * younger orders that can be served (holding them for the oldest would leave stock idle on the shelf).
 * Orders backordered before migration 0003 (the seed's) carry no customer or SKU in inventory, so
 * InventoryAllocated cannot be written for them: they keep waiting.
 *
 * On PostgreSQL the locks follow the order the event handlers take them (sql-allocation.ts): the
 * reference first (two deliveries of one receipt run one after the other), then each candidate order
 * in id order, then the stock rows FOR UPDATE in (product, warehouse) order, before anything is changed.
 */
export function createSqlStockReceipt(
  records: Kysely<InventoryDB>,
): Pick<InventoryStore, 'receiveStock'> {
  const db = records.withTables<InventoryBookkeeping>();
  const locking = db.getExecutor().adapter instanceof PostgresAdapter;
  type Trx = Kysely<InventoryDB & InventoryBookkeeping>;
  const advisoryLock = async (trx: Trx, key: string) => {
    if (locking) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  };

  async function storedReceipt(trx: Trx, row: StockReceiptRow): Promise<StockReceipt> {
    const lines = await trx
      .selectFrom('stock_receipt_lines')
      .selectAll()
      .where('receipt_id', '=', row.id)
      .orderBy('line_number')
      .execute();
    return toReceipt(row, lines);
  }

  return {
    receiveStock(request, command) {
      return db.transaction().execute(async (trx) => {
        await advisoryLock(trx, `inventory.receipt:${request.reference}`);
        const known = await trx
          .selectFrom('stock_receipts')
          .selectAll()
          .where('reference', '=', request.reference)
          .executeTakeFirst();
        if (known) {
          const receipt = await storedReceipt(trx, known);
          if (!sameReceipt(receipt, request)) {
            throw new GraphQLError(
              `reference ${request.reference} was received already (${receipt.id}) with another warehouse or other lines`,
              {
                extensions: {
                  code: ErrorCode.IDEMPOTENCY_KEY_REUSED,
                  argument: 'reference',
                  receiptId: receipt.id,
                },
              },
            );
          }
          return { receipt, replayed: true };
        }

        const warehouses = await trx
          .selectFrom('warehouses')
          .select(['id', 'code'])
          .orderBy('code')
          .execute();
        if (!warehouses.some((w) => w.id === request.warehouseId))
          throw badUserInput(
            `warehouseId: there is no warehouse ${request.warehouseId}`,
            'warehouseId',
          );
        const receivedProducts = request.lines.map((l) => l.productId);
        const stocked = new Set(
          (
            await trx
              .selectFrom('stock_levels')
              .select('product_id')
              .distinct()
              .where('product_id', 'in', receivedProducts)
              .execute()
          ).map((r) => r.product_id),
        );
        const unknown = request.lines.findIndex((l) => !stocked.has(l.productId));
        if (unknown >= 0) {
          throw badUserInput(
            `lines[${unknown}].productId: inventory stocks no product ${request.lines[unknown].productId} in any warehouse`,
            `lines[${unknown}].productId`,
          );
        }

        // The orders waiting for a received product, locked before their rows are read again.
        const candidates = (
          await trx
            .selectFrom('allocations')
            .select('order_id')
            .distinct()
            .where('status', '=', 'BACKORDERED')
            .where('product_id', 'in', receivedProducts)
            .where('customer_id', 'is not', null)
            .execute()
        )
          .map((r) => r.order_id)
          .sort(cmp);
        for (const orderId of candidates) await advisoryLock(trx, `inventory.order:${orderId}`);
        let waitingQuery = trx
          .selectFrom('allocations')
          .selectAll()
          .where('status', '=', 'BACKORDERED')
          .where('order_id', 'in', candidates)
          .orderBy('order_id')
          .orderBy('line_number');
        if (locking) waitingQuery = waitingQuery.forUpdate();
        const waiting = groupByOrder(candidates.length ? await waitingQuery.execute() : []);

        const products = [
          ...new Set([
            ...receivedProducts,
            ...[...waiting.values()].flat().map((r) => r.product_id),
          ]),
        ].sort(cmp);
        let stockQuery = trx
          .selectFrom('stock_levels')
          .selectAll()
          .where('product_id', 'in', products)
          .orderBy('product_id')
          .orderBy('warehouse_id');
        if (locking) stockQuery = stockQuery.forUpdate();
        const stock = await stockQuery.execute();

        for (const line of [...request.lines].sort((a, b) => cmp(a.productId, b.productId))) {
          await trx
            .insertInto('stock_levels')
            .values({
              product_id: line.productId,
              warehouse_id: request.warehouseId,
              on_hand: line.quantity,
              allocated: 0,
              reorder_point: 0,
            })
            .onConflict((oc) =>
              oc
                .columns(['product_id', 'warehouse_id'])
                .doUpdateSet({ on_hand: sql<number>`stock_levels.on_hand + ${line.quantity}` }),
            )
            .execute();
        }

        // What each warehouse has available once the receipt is on the shelf; each allocated order takes its share.
        const available = new Map(warehouses.map((w) => [w.id, new Map<string, number>()]));
        for (const s of stock)
          available
            .get(s.warehouse_id)
            ?.set(s.product_id, s.on_hand - s.allocated - (s.reserved ?? 0));
        for (const line of request.lines) {
          const atWarehouse = available.get(request.warehouseId)!;
          atWarehouse.set(line.productId, (atWarehouse.get(line.productId) ?? 0) + line.quantity);
        }

        const allocated: { orderId: string; rows: AllocationRow[]; picks: LinePick[] }[] = [];
        for (const [orderId, rows] of oldestFirst(waiting)) {
          if (rows.some((r) => !r.customer_id)) continue;
          const lines = rows.map((r) => ({
            lineNumber: r.line_number,
            productId: r.product_id,
            sku: r.sku ?? r.product_id,
            quantity: r.quantity,
          }));
          const plan = planAllocation(
            lines,
            warehouses.map((w) => ({
              warehouseId: w.id,
              warehouseCode: w.code,
              available: available.get(w.id)!,
            })),
          );
          if (plan.kind !== 'ALLOCATED') continue;
          for (const pick of plan.picks) {
            const left = available.get(pick.warehouseId)!;
            left.set(
              pick.line.productId,
              (left.get(pick.line.productId) ?? 0) - pick.line.quantity,
            );
          }
          allocated.push({ orderId, rows, picks: plan.picks });
        }

        const reservations = allocated.flatMap(({ rows, picks }) =>
          picks.map((pick) => ({
            row: rows.find((r) => r.line_number === pick.line.lineNumber)!,
            product_id: pick.line.productId,
            warehouse_id: pick.warehouseId,
          })),
        );
        for (const { row, product_id, warehouse_id } of sortedByStockKey(reservations)) {
          const reserved = await trx
            .updateTable('stock_levels')
            .set({ allocated: sql<number>`allocated + ${row.quantity}` })
            .where('product_id', '=', product_id)
            .where('warehouse_id', '=', warehouse_id)
            .where(sql<boolean>`on_hand - allocated - reserved >= ${row.quantity}`)
            .executeTakeFirst();
          if (Number(reserved.numUpdatedRows) !== 1)
            throw new Error(
              `${product_id} in ${warehouse_id} has fewer than ${row.quantity} units available for order ${row.order_id} (changed concurrently)`,
            );
          // The backordered allocation keeps its id and initial status; it now reserves where the rule chose.
          await trx
            .updateTable('allocations')
            .set({ status: 'ALLOCATED', warehouse_id })
            .where('id', '=', row.id)
            .where('status', '=', 'BACKORDERED')
            .execute();
        }

        for (const { orderId, rows, picks } of allocated) {
          const payload: InventoryAllocated = {
            orderId,
            customerId: rows[0].customer_id!,
            allocations: picks.map((pick) => {
              const row = rows.find((r) => r.line_number === pick.line.lineNumber)!;
              return {
                allocationId: row.id,
                lineNumber: row.line_number,
                productId: row.product_id,
                sku: pick.line.sku,
                quantity: row.quantity,
                warehouseId: pick.warehouseId,
              };
            }),
          };
          await appendToOutbox(trx, {
            source: 'inventory',
            type: OrderToCashEvent.InventoryAllocated,
            aggregateId: orderId,
            payload,
            correlationId: command.correlationId,
          });
        }

        const [id] = await takeIds(trx, RECEIPT_IDS, 1);
        const receiptRow: StockReceiptRow = {
          id,
          reference: request.reference,
          warehouse_id: request.warehouseId,
          received_at: new Date().toISOString(),
          orders_allocated: JSON.stringify(allocated.map((a) => a.orderId)),
        };
        const lineRows: StockReceiptLineRow[] = request.lines.map((l, i) => ({
          receipt_id: id,
          line_number: i + 1,
          product_id: l.productId,
          quantity: l.quantity,
        }));
        await trx.insertInto('stock_receipts').values(receiptRow).execute();
        await trx.insertInto('stock_receipt_lines').values(lineRows).execute();
        return { receipt: toReceipt(receiptRow, lineRows), replayed: false };
      });
    },
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function groupByOrder(rows: readonly AllocationRow[]): Map<string, AllocationRow[]> {
  const groups = new Map<string, AllocationRow[]>();
  for (const row of rows) groups.set(row.order_id, [...(groups.get(row.order_id) ?? []), row]);
  return groups;
}

/** First in, first served: by when the order was backordered, then by order id. */
function oldestFirst(waiting: ReadonlyMap<string, AllocationRow[]>): [string, AllocationRow[]][] {
  const since = (rows: AllocationRow[]) =>
    rows.reduce((min, r) => (r.created_at < min ? r.created_at : min), rows[0].created_at);
  return [...waiting].sort(([a, ra], [b, rb]) => cmp(since(ra), since(rb)) || cmp(a, b));
}

function toReceipt(row: StockReceiptRow, lines: readonly StockReceiptLineRow[]): StockReceipt {
  return {
    id: row.id,
    reference: row.reference,
    warehouseId: row.warehouse_id,
    lines: [...lines]
      .sort((a, b) => a.line_number - b.line_number)
      .map((l) => ({ productId: l.product_id, quantity: Number(l.quantity) })),
    receivedAt: row.received_at,
    ordersAllocated: JSON.parse(row.orders_allocated) as string[],
  };
}

/** The same receipt sent again: same warehouse, same products in the same quantities, in the same order. */
function sameReceipt(receipt: StockReceipt, request: StockReceiptRequest): boolean {
  return (
    receipt.warehouseId === request.warehouseId &&
    receipt.lines.length === request.lines.length &&
    receipt.lines.every(
      (l, i) =>
        l.productId === request.lines[i].productId && l.quantity === request.lines[i].quantity,
    )
  );
}
