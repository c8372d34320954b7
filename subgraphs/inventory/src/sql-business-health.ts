import { sql, type Kysely } from 'kysely';
import type { InventoryDB } from './migrations';
import type { InventoryStore } from './store';

/**
 * How an allocation was first made. Rows older than the initial_status column (and seeded ones) do not
 * say: one still BACKORDERED was backordered, any other (ALLOCATED, SHIPPED, RELEASED) is read as
 * reserved, which is what the seed's released allocations were before their orders were cancelled.
 */
const initialStatus = sql`coalesce(initial_status, case when status = 'BACKORDERED' then 'BACKORDERED' else 'ALLOCATED' end)`;

/** Inventory's business-health measures, computed from the allocation rows at query time (no counters). */
export function createSqlBusinessHealth(
  db: Kysely<InventoryDB>,
): Pick<InventoryStore, 'allocationHealth'> {
  return {
    async allocationHealth(window) {
      // One row per order line allocated in the window (a line shipped in parts has several rows).
      const { rows } = await sql<{
        lines: number;
        allocated_lines: number | null;
        backordered_orders: number;
      }>`
        select count(*) as lines,
               sum(reserved) as allocated_lines,
               count(distinct case when reserved = 0 then order_id end) as backordered_orders
        from (
          select order_id, line_number, max(case when ${initialStatus} = 'ALLOCATED' then 1 else 0 end) as reserved
          from allocations
          where created_at >= ${window.from} and created_at < ${window.to}
          group by order_id, line_number
        ) as order_lines`.execute(db);
      const row = rows[0];
      return {
        backorderedOrders: Number(row?.backordered_orders ?? 0),
        lines: Number(row?.lines ?? 0),
        allocatedLines: Number(row?.allocated_lines ?? 0),
      };
    },
  };
}
