/**
 * Who owns each row the graph answers with, read from the subgraphs' own databases (the oracle of
 * the authorization property), and which of those rows a development consumer may see, by the row
 * rules the README states: internal and portal consumers every row; a distributor its customers' accounts,
 * orders, invoices, payments and shipments; a 3pl its carriers' shipments (nothing else: an order,
 * an account or an invoice carries no carrier); an ecommerce store the orders of the ECOMMERCE channel.
 */
import type { RunningGraph } from '../testing/graph-harness';

/** A row's owners: its customer account, and for a shipment its carrier, for an order its channel. */
export interface RowOwner {
  customerId: string;
  carrierId?: string;
  channel?: string;
}

/** Row types by name → row id → owner. */
export type RowOwners = ReadonlyMap<string, ReadonlyMap<string, RowOwner>>;

/** The consumer as its row rules need it (a development consumer of the governance config). */
export interface RowViewer {
  kind: string;
  tenant: { customers: string[]; carriers: string[] } | null;
}

export async function rowOwnersOf(graph: RunningGraph): Promise<RowOwners> {
  const db = (name: string) => graph.subgraphs[name].database.db;
  const customers = await db('customers').selectFrom('customers').select(['id']).execute();
  const orders = await db('orders')
    .selectFrom('orders')
    .select(['id', 'customer_id', 'channel'])
    .execute();
  const invoices = await db('finance')
    .selectFrom('invoices')
    .select(['id', 'customer_id'])
    .execute();
  const payments = await db('finance')
    .selectFrom('payments')
    .select(['id', 'customer_id'])
    .execute();
  const shipments = await db('shipments')
    .selectFrom('shipments')
    .select(['id', 'customer_id', 'carrier_id'])
    .execute();
  return new Map([
    ['Customer', new Map(customers.map((row) => [row.id, { customerId: row.id }]))],
    [
      'Order',
      new Map(orders.map((row) => [row.id, { customerId: row.customer_id, channel: row.channel }])),
    ],
    ['Invoice', new Map(invoices.map((row) => [row.id, { customerId: row.customer_id }]))],
    ['Payment', new Map(payments.map((row) => [row.id, { customerId: row.customer_id }]))],
    [
      'Shipment',
      new Map(
        shipments.map((row) => [
          row.id,
          { customerId: row.customer_id, carrierId: row.carrier_id },
        ]),
      ),
    ],
  ]);
}

/** Whether `viewer` may see the row of `type` owned by `owner`. */
export function mayView(viewer: RowViewer, type: string, owner: RowOwner): boolean {
  switch (viewer.kind) {
    case 'internal':
    case 'portal':
      return true;
    case 'distributor':
      return viewer.tenant?.customers.includes(owner.customerId) ?? false;
    case '3pl':
      return type === 'Shipment' && (viewer.tenant?.carriers.includes(owner.carrierId!) ?? false);
    case 'ecommerce':
      return (
        type === 'Order' &&
        owner.channel === 'ECOMMERCE' &&
        (viewer.tenant === null || viewer.tenant.customers.includes(owner.customerId))
      );
    default:
      return false;
  }
}
