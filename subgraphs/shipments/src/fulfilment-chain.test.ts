import { randomUUID } from 'node:crypto';
import {
  type CallerIdentity,
  createInProcessTransport,
  type EventTransport,
  openSubgraph,
  type OrderAccepted,
  OrderToCashEvent,
  type RunningSubgraph,
} from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { inventorySubgraph } from '@switchyard/inventory';
import { insertFixtures as insertInventory } from '@switchyard/inventory/src/testing/fixtures';
import { shipmentsSubgraph } from './index';
import { insertFixtures as insertShipments } from './testing/fixtures';
import { WAREHOUSE } from './testing/events';

/**
 * Inventory and shipments on one in-process transport, through the kit's relay and consumers (not by
 * calling handlers): an accepted order is allocated, planned, picked, packed and shipped, and the
 * shipment consumes the stock; a poison event waits in the exception queue until an operator acts.
 */
let transport: EventTransport;
let inventory: RunningSubgraph<any, any>;
let shipments: RunningSubgraph<any, any>;
const eventOptions = { relayIntervalMs: 20, maxAttempts: 2, retryBackoffMs: 10 };
const OPERATOR: Omit<CallerIdentity, 'exp'> = {
  id: 'dev-platform-admin',
  kind: 'internal',
  scopes: ['events:operate'],
  tenant: null,
};

beforeAll(async () => {
  transport = createInProcessTransport({ redeliverDelayMs: 20 });
  inventory = await openSubgraph(inventorySubgraph, {
    dataDir: ':memory:',
    events: transport,
    eventOptions,
  });
  shipments = await openSubgraph(shipmentsSubgraph, {
    dataDir: ':memory:',
    events: transport,
    eventOptions,
  });
  await insertInventory(inventory.database.db);
  await insertShipments(shipments.database.db);
});

afterAll(async () => {
  await shipments.close();
  await inventory.close();
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
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const order = (orderId: string): OrderAccepted => ({
  orderId,
  orderNumber: `SO-${orderId}`,
  customerId: 'CUS-0001',
  channel: 'ECOMMERCE',
  currency: 'USD',
  shipTo: {
    addressId: 'ADR-1',
    name: 'Dock',
    line1: '1 Main St',
    city: 'Dallas',
    region: 'TX',
    postalCode: '75001',
    country: 'US',
  },
  lines: [
    {
      lineNumber: 1,
      productId: 'PRD-00012',
      sku: 'SKU-12',
      quantity: 8,
      unitPriceCents: 500,
      extendedCents: 4000,
      pricingRule: 'LIST',
    },
  ],
  subtotalCents: 4000,
  taxCents: 0,
  totalCents: 4000,
  placedAt: new Date().toISOString(),
  acceptedAt: new Date().toISOString(),
});

const stockOf = () =>
  inventory.database.db
    .selectFrom('stock_levels')
    .select(['on_hand', 'allocated'])
    .where('product_id', '=', 'PRD-00012')
    .where('warehouse_id', '=', 'WH-ATL')
    .executeTakeFirstOrThrow();

test('an accepted order is allocated, planned, shipped, and its stock consumed, carrying the correlation id', async () => {
  await transport.publish([
    {
      id: randomUUID(),
      type: OrderToCashEvent.OrderAccepted,
      source: 'orders',
      aggregateId: 'ORD-900001',
      payload: order('ORD-900001'),
      correlationId: 'corr-chain',
      occurredAt: new Date().toISOString(),
    },
  ]);
  const [planned] = await eventually(
    () => shipments.store.shipmentsByOrderIds(['ORD-900001']),
    (rows: any[]) => rows.length === 1,
  );
  expect(planned).toMatchObject({ warehouseId: 'WH-ATL', status: 'PLANNED', carrierId: 'CAR-UPS' });
  expect(await stockOf()).toEqual({ on_hand: 112, allocated: 20 });

  const run = (document: string) =>
    querySubgraph(shipments.server, document, {}, { 'x-correlation-id': 'corr-chain' }, WAREHOUSE);
  expect(
    (
      await run(
        `mutation { recordMilestone(shipmentId: "${planned.id}", code: PICKED, location: "ATL") { status } }`,
      )
    ).errors,
  ).toBeUndefined();
  expect(
    (
      await run(
        `mutation { recordMilestone(shipmentId: "${planned.id}", code: PACKED, location: "ATL") { status } }`,
      )
    ).errors,
  ).toBeUndefined();
  expect(
    (
      await run(
        `mutation { confirmShipment(shipmentId: "${planned.id}", trackingNumber: "1ZCHAIN0001") { status } }`,
      )
    ).errors,
  ).toBeUndefined();

  expect(await eventually(stockOf, (s) => s.allocated === 12)).toEqual({
    on_hand: 104,
    allocated: 12,
  });
  const outbox = await shipments.database.db
    .selectFrom('event_outbox' as any)
    .select(['type', 'correlation_id'])
    .orderBy('id')
    .execute();
  expect(outbox).toEqual(
    ['ShipmentPlanned', 'MilestoneRecorded', 'MilestoneRecorded', 'ShipmentConfirmed'].map(
      (type) => ({ type, correlation_id: 'corr-chain' }),
    ),
  );
});

test('a poison event lands in the exception queue after its retries, shows in business health, and an operator discards it', async () => {
  const poison = { orderId: 'ORD-900002', customerId: 'CUS-0001', allocations: [] };
  await transport.publish([
    {
      id: randomUUID(),
      type: OrderToCashEvent.InventoryAllocated,
      source: 'inventory',
      aggregateId: 'ORD-900002',
      payload: poison,
      correlationId: 'corr-poison',
      occurredAt: new Date().toISOString(),
    },
  ]);
  const list = () =>
    querySubgraph(
      shipments.server,
      `{ shipmentsEventExceptions { edges { node { id handler eventType aggregateId correlationId error attempts status } } } }`,
      {},
      {},
      OPERATOR,
    );
  const listed = await eventually(list, (r) => r.data?.shipmentsEventExceptions.edges.length === 1);
  const exception = listed.data.shipmentsEventExceptions.edges[0].node;
  expect(exception).toMatchObject({
    handler: 'shipments.plan-shipment',
    eventType: 'InventoryAllocated',
    aggregateId: 'ORD-900002',
    correlationId: 'corr-poison',
    error: expect.stringContaining('has no allocations'),
    attempts: 2,
    status: 'OPEN',
  });
  const health = await querySubgraph(
    shipments.server,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth { shipmentsExceptionQueues { handler open } } } }`,
    {
      r: [
        {
          __typename: 'BusinessHealth',
          from: '2026-01-01T00:00:00.000Z',
          to: '2027-01-01T00:00:00.000Z',
        },
      ],
    },
  );
  expect(health.data._entities[0].shipmentsExceptionQueues).toEqual([
    { handler: 'shipments.cancel-shipments', open: 0 },
    { handler: 'shipments.plan-shipment', open: 1 },
  ]);
  const discarded = await querySubgraph(
    shipments.server,
    `mutation { discardShipmentsEventException(id: "${exception.id}", reason: "no allocations: inventory bug, order re-announced") { status resolvedBy } }`,
    {},
    {},
    OPERATOR,
  );
  expect(discarded.data.discardShipmentsEventException).toEqual({
    status: 'DISCARDED',
    resolvedBy: 'dev-platform-admin',
  });
});
