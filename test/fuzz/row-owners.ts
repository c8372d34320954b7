/**
 * Who owns each row the graph answers with, read from the subgraphs' own databases (the oracle of
 * the authorization property), and which of those rows a development consumer may see, by the row
 * rules the README states: internal and portal consumers every row; a distributor its customers' accounts,
 * orders, invoices, payments and shipments; a 3pl its carriers' shipments and the orders they ship
 * (nothing else: an account or an invoice carries no carrier); an ecommerce store the orders of the
 * ECOMMERCE channel and the customers who order through it; a consumer acting for a signed-in end
 * user (an end-user token) that customer's rows only, within its tenant.
 */
import type { RunningGraph } from '../testing/graph-harness';

/**
 * A row's owners: its customer account, and for a shipment its carrier, for an order its channel and
 * the carriers of its shipments, for a customer the channels it orders through.
 */
export interface RowOwner {
  customerId: string;
  carrierId?: string;
  channel?: string;
  carrierIds?: string[];
  channels?: string[];
}

/** Row types by name → row id → owner. */
export type RowOwners = ReadonlyMap<string, ReadonlyMap<string, RowOwner>>;

/** The consumer as its row rules need it (a development consumer of the governance config). */
export interface RowViewer {
  kind: string;
  tenant: { customers: string[]; carriers: string[] } | null;
  /** The customer of the end user it acts for (an end-user token), if any. */
  endUserCustomerId?: string;
}

export async function rowOwnersOf(graph: RunningGraph): Promise<RowOwners> {
  const db = (name: string) => graph.subgraphs[name].database.db;
  const customers = await db('customers').selectFrom('customers').select(['id']).execute();
  const customerChannels = await db('customers')
    .selectFrom('customer_channels')
    .select(['customer_id', 'channel'])
    .execute();
  const shipmentCarriers = await db('orders')
    .selectFrom('shipment_carriers')
    .select(['order_id', 'carrier_id'])
    .execute();
  const valuesOf = <Row>(rows: Row[], key: (row: Row) => string, value: (row: Row) => string) => {
    const values = new Map<string, string[]>();
    for (const row of rows) values.set(key(row), [...(values.get(key(row)) ?? []), value(row)]);
    return (id: string) => [...new Set(values.get(id) ?? [])];
  };
  const channelsOf = valuesOf(
    customerChannels,
    (row: any) => row.customer_id,
    (row: any) => row.channel,
  );
  const carriersOf = valuesOf(
    shipmentCarriers,
    (row: any) => row.order_id,
    (row: any) => row.carrier_id,
  );
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
    [
      'Customer',
      new Map(
        customers.map((row) => [row.id, { customerId: row.id, channels: channelsOf(row.id) }]),
      ),
    ],
    [
      'Order',
      new Map(
        orders.map((row) => [
          row.id,
          { customerId: row.customer_id, channel: row.channel, carrierIds: carriersOf(row.id) },
        ]),
      ),
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
  if (viewer.endUserCustomerId !== undefined)
    return (
      viewer.kind !== '3pl' &&
      owner.customerId === viewer.endUserCustomerId &&
      (viewer.tenant === null || viewer.tenant.customers.includes(owner.customerId))
    );
  switch (viewer.kind) {
    case 'internal':
    case 'portal':
      return true;
    case 'distributor':
      return viewer.tenant?.customers.includes(owner.customerId) ?? false;
    case '3pl': {
      const carriers = viewer.tenant?.carriers ?? [];
      if (type === 'Shipment') return carriers.includes(owner.carrierId!);
      if (type === 'Order') return (owner.carrierIds ?? []).some((id) => carriers.includes(id));
      return false;
    }
    case 'ecommerce': {
      const ofTenant = viewer.tenant === null || viewer.tenant.customers.includes(owner.customerId);
      if (type === 'Order') return owner.channel === 'ECOMMERCE' && ofTenant;
      if (type === 'Customer') return (owner.channels ?? []).includes('ECOMMERCE') && ofTenant;
      return false;
    }
    default:
      return false;
  }
}
