import {
  createInProcessTransport,
  openSubgraph,
  OrderToCashEvent,
  type EventTransport,
  type RunningSubgraph,
} from '@switchyard/kit';
import { querySubgraph, testEvent } from '@switchyard/kit/testing';
import { customersSubgraph } from '@switchyard/customers';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { INTERNAL, line, orderAccepted, shipmentConfirmed } from './testing/events';

/**
 * Finance's handlers run by the kit's event runtime (in-process transport, real customers subgraph over
 * HTTP): events published by "orders" and "shipments" become a ledger entry and an invoice; a
 * ShipmentConfirmed to a region without a tax rate fails its retries, waits in the exception queue, and
 * invoices once an operator sets the rate and replays it.
 */
let transport: EventTransport;
let finance: RunningSubgraph<FinanceDB, FinanceStore>;
let customers: RunningSubgraph<any, any>;

beforeAll(async () => {
  transport = createInProcessTransport();
  customers = await openSubgraph(customersSubgraph, { dataDir: ':memory:', events: transport });
  await customers.database.db
    .insertInto('customers')
    .values({
      id: 'CUS-0400',
      account_number: 'A400',
      name: 'Poison Ltd',
      status: 'ACTIVE',
      segment: 'WHOLESALE',
      payment_terms: 'NET15',
      credit_limit_cents: 1,
      currency: 'USD',
      created_at: '2026-01-01T00:00:00.000Z',
    })
    .execute();
  const address = await customers.server.listen({ host: '127.0.0.1', port: 0 });
  finance = await openSubgraph(financeSubgraph, {
    dataDir: ':memory:',
    events: transport,
    serviceUrls: new Map([['customers', `${address}/graphql`]]),
    eventOptions: { maxAttempts: 2, retryBackoffMs: 5, relayIntervalMs: 20 },
  });
  await insertFixtures(finance.database.db);
});

afterAll(async () => {
  await finance.close();
  await customers.close();
  await transport.close();
});

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const operate = (document: string) =>
  querySubgraph(
    finance.server,
    document,
    {},
    {},
    { ...INTERNAL, scopes: ['finance:write', 'events:operate'] },
  );
const EXCEPTIONS = `{ financeEventExceptions(status: OPEN) { edges { node { id handler eventType aggregateId correlationId error attempts status } } } }`;

test('a poison ShipmentConfirmed lands in the exception queue, and after setTaxRate its replay issues the invoice once', async () => {
  const order = orderAccepted('ORD-700001', 'CUS-0400', 'MT', [line(1, 3, 1000)], 0);
  const shipment = shipmentConfirmed('SHP-700001', order, [[1, 3]]);
  const shipped = testEvent(
    OrderToCashEvent.ShipmentConfirmed,
    'SHP-700001',
    shipment,
    'corr-poison',
  );
  await transport.publish([
    testEvent(OrderToCashEvent.OrderAccepted, order.orderId, order),
    shipped,
  ]);

  const queued = await eventually(
    () => operate(EXCEPTIONS),
    (r) => r.data?.financeEventExceptions.edges.length > 0,
  );
  const [exception] = queued.data.financeEventExceptions.edges.map((e: any) => e.node);
  expect(exception).toMatchObject({
    handler: 'finance.invoice-shipment',
    eventType: 'ShipmentConfirmed',
    aggregateId: 'SHP-700001',
    correlationId: 'corr-poison',
    attempts: 2,
    status: 'OPEN',
  });
  expect(exception.error).toContain('no sales tax rate for region MT');
  const health =
    await operate(`{ _entities(representations: [{ __typename: "BusinessHealth", from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" }]) {
    ... on BusinessHealth { financeExceptionQueues { handler open } } } }`);
  expect(health.data._entities[0].financeExceptionQueues).toEqual([
    { handler: 'finance.forget-cancelled-order', open: 0 },
    { handler: 'finance.invoice-shipment', open: 1 },
    { handler: 'finance.record-open-order', open: 0 },
    { handler: 'finance.release-held-order-credit', open: 0 },
  ]);
  expect(await finance.store.invoicesByShipmentIds(['SHP-700001'])).toEqual([]);

  // replaying before the fix fails again and stays OPEN
  const early = await operate(
    `mutation { replayFinanceEventException(id: "${exception.id}") { status attempts error } }`,
  );
  expect(early.data.replayFinanceEventException).toMatchObject({ status: 'OPEN', attempts: 3 });

  await operate(`mutation { setTaxRate(region: "MT", rateBasisPoints: 0) { region } }`);
  const replayed = await operate(
    `mutation { replayFinanceEventException(id: "${exception.id}") { status resolvedBy } }`,
  );
  expect(replayed.data.replayFinanceEventException).toEqual({
    status: 'REPLAYED',
    resolvedBy: 'dev-finance-ops',
  });
  const invoices = await finance.store.invoicesByShipmentIds(['SHP-700001']);
  expect(invoices).toHaveLength(1);
  expect(invoices[0]).toMatchObject({
    customerId: 'CUS-0400',
    taxRegion: 'MT',
    subtotalCents: 3000,
    taxCents: 0,
    totalCents: 3000,
  });
  // NET15, from the customers subgraph
  expect(Date.parse(invoices[0].dueAt) - Date.parse(invoices[0].issuedAt)).toBe(15 * 86_400_000);

  // the same ShipmentConfirmed delivered again changes nothing
  await transport.publish([shipped]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await finance.store.invoicesByShipmentIds(['SHP-700001'])).toHaveLength(1);
  expect((await operate(EXCEPTIONS)).data.financeEventExceptions.edges).toEqual([]);
});
