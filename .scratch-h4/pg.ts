import { openDatabase } from '@switchyard/kit';
import { sql } from 'kysely';
import { migrations } from '../subgraphs/finance/src/migrations';
import { createSqlFinanceStore } from '../subgraphs/finance/src/sql-store';
import { insertFixtures } from '../subgraphs/finance/src/test-fixtures';

async function main() {
  const schema = `h4_scratch_${Date.now()}`;
  const database = await openDatabase<any>({ name: 'finance', databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', databaseSchema: schema, migrations });
  const db = database.db;
  try {
    await sql`create table event_outbox (id serial primary key, event_id text unique not null, type text, source text, aggregate_id text, payload text, correlation_id text, occurred_at text, published_at text)`.execute(db);
    await sql`create table event_inbox (handler text not null, event_id text not null, processed_at text, primary key (handler, event_id))`.execute(db);
    await insertFixtures(db);
    const store = createSqlFinanceStore(db);
    const cmd = { correlationId: 'c', callerId: 'x' };
    const p = (inv: string, cents: number) => store.recordPayment({ customerId: 'CUS-0001', method: 'ACH', reference: 'r', amountCents: cents, currency: 'USD', receivedAt: new Date().toISOString(), applications: [{ invoiceId: inv, amountCents: cents }] }, cmd);
    const race = await Promise.allSettled([p('INV-000005', 10825), p('INV-000005', 10825)]);
    console.log(race.map((r) => r.status === 'fulfilled' ? r.value.id : (r.reason as any).extensions?.code ?? String(r.reason)));
    const many = await Promise.allSettled([p('INV-000007', 1000), p('INV-000002', 1000), p('INV-000003', 1000), p('INV-000007', 1000)]);
    console.log(many.map((r) => r.status === 'fulfilled' ? r.value.id : String(r.reason)));
    console.log(await store.unappliedCash('2030-01-01T00:00:00.000Z'));
    console.log((await store.invoiceChecks({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' })).length);
    console.log(await store.shipmentToInvoiceLagHours({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }));
    console.log(await store.countDisputedInvoices({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }));
    console.log(await store.disputeInvoice('INV-000002', 'why', cmd).then((i) => i.status));
    console.log(await store.setTaxRate('TX', 900, cmd), await store.taxRateChanges(['TX']));
    const order = { orderId: 'O1', orderNumber: 'SO1', customerId: 'CUS-0001', channel: 'X', currency: 'USD', shipTo: { addressId: 'a', name: 'n', line1: 'l', city: 'c', region: 'TX', postalCode: 'p', country: 'US' }, lines: [{ lineNumber: 1, productId: 'P', sku: 'S', quantity: 2, unitPriceCents: 500, extendedCents: 1000, pricingRule: 'LIST' }], subtotalCents: 1000, taxCents: 90, totalCents: 1090, placedAt: 'x', acceptedAt: 'y' };
    console.log(await store.recordOpenOrder(order, { handler: 'h', eventId: 'e1', correlationId: 'c' }));
    const ship = { shipmentId: 'S1', orderId: 'O1', customerId: 'CUS-0001', warehouseId: 'w', carrierId: 'c', trackingNumber: 't', shippedAt: new Date().toISOString(), lines: [{ orderLineNumber: 1, productId: 'P', quantity: 2 }] };
    const inv = await Promise.allSettled([1, 2, 3].map((k) => store.invoiceShipment(ship, { days: 30 }, { handler: 'inv', eventId: `ev${k}`, correlationId: 'c' })));
    console.log(inv.map((r) => r.status === 'fulfilled' ? r.value?.id ?? null : String(r.reason)));
    console.log(await store.uninvoicedOrders(['CUS-0001']));
  } finally {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await database.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
