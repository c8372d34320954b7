import {
  type CallerIdentity,
  openSubgraph,
  OrderToCashEvent,
  type RunningSubgraph,
} from '@switchyard/kit';
import { deliverEvent, outboxRows, querySubgraph, testEvent } from '@switchyard/kit/testing';
import { planShipment } from './event-handlers';
import { shipmentsSubgraph, type ShipmentsDB, type ShipmentStore } from './index';
import { insertFixtures, shipmentId, STATUSES } from './testing/fixtures';
import { inventoryAllocated, threePlOf, WAREHOUSE } from './testing/events';

/**
 * The fixtures' shipment i has status STATUSES[(i - 1) % 6] (SHP-000001 PLANNED ... SHP-000006
 * CANCELLED) and carrier UPS, FDX, ODFL in turn (SHP-000003 is ODFL's).
 */
let subgraph: RunningSubgraph<ShipmentsDB, ShipmentStore>;
const db = () => subgraph.database.db;

beforeEach(async () => {
  subgraph = await openSubgraph(shipmentsSubgraph, { dataDir: ':memory:' });
  await insertFixtures(db());
});

afterEach(() => subgraph.close());

type Identity = Omit<CallerIdentity, 'exp'>;
const SHIPMENT =
  'id status trackingNumber shippedAt deliveredAt lastMilestone { code location note }';
const run = (
  document: string,
  variables: Record<string, unknown>,
  identity: Identity = WAREHOUSE,
) => querySubgraph(subgraph.server, document, variables, {}, identity);
const milestone = (
  shipmentId: string,
  code: string,
  extra: Record<string, unknown> = {},
  identity?: Identity,
) =>
  run(
    `mutation ($id: ID!, $code: MilestoneCode!, $at: DateTime, $location: String!, $note: String) {
      recordMilestone(shipmentId: $id, code: $code, at: $at, location: $location, note: $note) { ${SHIPMENT} } }`,
    { id: shipmentId, code, location: 'Dallas DC', ...extra },
    identity,
  );
const confirm = (
  shipmentId: string,
  trackingNumber: string,
  extra: Record<string, unknown> = {},
  identity?: Identity,
) =>
  run(
    `mutation ($id: ID!, $tracking: String!, $shippedAt: DateTime) { confirmShipment(shipmentId: $id, trackingNumber: $tracking, shippedAt: $shippedAt) { ${SHIPMENT} } }`,
    { id: shipmentId, tracking: trackingNumber, ...extra },
    identity,
  );
const delivered = (shipmentId: string, extra: Record<string, unknown> = {}, identity?: Identity) =>
  run(
    `mutation ($id: ID!, $deliveredAt: DateTime, $receivedBy: String) { recordDelivery(shipmentId: $id, deliveredAt: $deliveredAt, receivedBy: $receivedBy) { ${SHIPMENT} } }`,
    { id: shipmentId, ...extra },
    identity,
  );
const milestoneCount = async () =>
  Number(
    (
      await db()
        .selectFrom('milestones')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const statusOf = async (id: string) =>
  (
    await db()
      .selectFrom('shipments')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).status;

test('a planned shipment goes PICKED, PACKED, SHIPPED, IN_TRANSIT (twice), DELIVERED, announcing each step in order', async () => {
  const allocated = inventoryAllocated('ORD-600001', 'CUS-0001', [
    [1, 4, 6, 'WH-DAL'],
    [2, 5, 2, 'WH-DAL'],
  ]);
  await deliverEvent(
    planShipment,
    testEvent(OrderToCashEvent.InventoryAllocated, 'ORD-600001', allocated),
    subgraph.store,
    db(),
  );
  const id = 'SHP-000031';
  const headers = (correlationId: string) => ({ 'x-correlation-id': correlationId });
  const step = async (document: Promise<any>) => {
    const result = await document;
    expect(result.errors).toBeUndefined();
    return result.data;
  };

  expect((await step(milestone(id, 'PICKED'))).recordMilestone).toMatchObject({
    status: 'PICKED',
    lastMilestone: { code: 'PICKED', location: 'Dallas DC', note: null },
  });
  expect(
    (await step(milestone(id, 'PACKED', { note: '2 cartons' }))).recordMilestone,
  ).toMatchObject({ status: 'PACKED', lastMilestone: { code: 'PACKED', note: '2 cartons' } });
  const shippedAt = new Date().toISOString();
  const shipped = await querySubgraph(
    subgraph.server,
    `mutation { confirmShipment(shipmentId: "${id}", trackingNumber: "1ZNEW0000001", shippedAt: "${shippedAt}") { ${SHIPMENT} } }`,
    {},
    headers('corr-confirm-1'),
    WAREHOUSE,
  );
  expect(shipped.errors).toBeUndefined();
  expect(shipped.data.confirmShipment).toEqual({
    id,
    status: 'SHIPPED',
    trackingNumber: '1ZNEW0000001',
    shippedAt,
    deliveredAt: null,
    lastMilestone: {
      code: 'SHIPPED',
      location: 'WH-DAL',
      note: 'Tendered to United Parcel Service, tracking 1ZNEW0000001',
    },
  });
  expect(
    (await step(milestone(id, 'IN_TRANSIT', { location: 'Memphis, TN' }))).recordMilestone,
  ).toMatchObject({ status: 'SHIPPED', lastMilestone: { code: 'IN_TRANSIT' } });
  expect(
    (await step(milestone(id, 'IN_TRANSIT', { location: 'Dallas, TX' }))).recordMilestone,
  ).toMatchObject({ status: 'SHIPPED' });
  expect((await step(delivered(id, { receivedBy: 'R. Dock' }))).recordDelivery).toMatchObject({
    status: 'DELIVERED',
    lastMilestone: { code: 'DELIVERED', location: 'Consignee', note: 'Received by R. Dock' },
  });

  const events = (await outboxRows(db())).filter((e) => e.aggregateId === id);
  expect(events.map((e) => `${e.type}${e.payload.code ? `:${e.payload.code}` : ''}`)).toEqual([
    'ShipmentPlanned',
    'MilestoneRecorded:PICKED',
    'MilestoneRecorded:PACKED',
    'ShipmentConfirmed',
    'MilestoneRecorded:IN_TRANSIT',
    'MilestoneRecorded:IN_TRANSIT',
    'ShipmentDelivered',
  ]);
  expect(events[3]).toEqual({
    type: 'ShipmentConfirmed',
    source: 'shipments',
    aggregateId: id,
    correlationId: 'corr-confirm-1',
    payload: {
      shipmentId: id,
      orderId: 'ORD-600001',
      customerId: 'CUS-0001',
      warehouseId: 'WH-DAL',
      carrierId: 'CAR-UPS',
      trackingNumber: '1ZNEW0000001',
      shippedAt,
      lines: [
        { orderLineNumber: 1, productId: 'PRD-00004', quantity: 6 },
        { orderLineNumber: 2, productId: 'PRD-00005', quantity: 2 },
      ],
    },
  });
  expect(events[6].payload).toEqual({
    shipmentId: id,
    orderId: 'ORD-600001',
    customerId: 'CUS-0001',
    deliveredAt: expect.any(String),
  });
  expect((await subgraph.store.milestonesByShipmentIds([id])).map((m) => m.code)).toEqual([
    'PLANNED',
    'PICKED',
    'PACKED',
    'SHIPPED',
    'IN_TRANSIT',
    'IN_TRANSIT',
    'DELIVERED',
  ]);
});

describe('every step a status does not allow is INVALID_STATE_TRANSITION, and writes nothing', () => {
  const ALLOWED = new Set(['PLANNED>PICKED', 'PICKED>PACKED', 'SHIPPED>IN_TRANSIT']);
  const refusals = STATUSES.flatMap((status, k) =>
    ['PLANNED', 'PICKED', 'PACKED', 'SHIPPED', 'IN_TRANSIT', 'DELIVERED']
      .filter((code) => !ALLOWED.has(`${status}>${code}`))
      .map((code) => [status, code, shipmentId(k + 1)] as const),
  );

  test.each(refusals)('recordMilestone on a %s shipment: %s', async (status, code, id) => {
    const milestones = await milestoneCount();
    const result = await milestone(id, code);
    expect(result.data.recordMilestone).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      id,
      from: status,
      to: code,
    });
    expect(await statusOf(id)).toBe(status);
    expect(await milestoneCount()).toBe(milestones);
    expect(await outboxRows(db())).toEqual([]);
  });

  test.each(
    STATUSES.filter((s) => s !== 'PACKED').map((status) => [
      status,
      shipmentId(STATUSES.indexOf(status) + 1),
    ]),
  )('confirmShipment of a %s shipment', async (status, id) => {
    const result = await confirm(id, 'TRACK-0001');
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: status,
      to: 'SHIPPED',
    });
    expect(await statusOf(id)).toBe(status);
    expect(await outboxRows(db())).toEqual([]);
  });

  test.each(
    STATUSES.filter((s) => s !== 'SHIPPED').map((status) => [
      status,
      shipmentId(STATUSES.indexOf(status) + 1),
    ]),
  )('recordDelivery of a %s shipment', async (status, id) => {
    const result = await delivered(id);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      from: status,
      to: 'DELIVERED',
    });
    expect(await statusOf(id)).toBe(status);
    expect(await outboxRows(db())).toEqual([]);
  });
});

test('each allowed step from the fixtures: PLANNED -> PICKED, PICKED -> PACKED, PACKED -> SHIPPED, SHIPPED -> IN_TRANSIT and DELIVERED', async () => {
  expect((await milestone('SHP-000001', 'PICKED')).data.recordMilestone.status).toBe('PICKED');
  expect((await milestone('SHP-000002', 'PACKED')).data.recordMilestone.status).toBe('PACKED');
  expect((await confirm('SHP-000003', 'ODFL-000003')).data.confirmShipment.status).toBe('SHIPPED');
  expect((await milestone('SHP-000004', 'IN_TRANSIT')).data.recordMilestone.status).toBe('SHIPPED');
  expect((await delivered('SHP-000004')).data.recordDelivery.status).toBe('DELIVERED');
  expect((await outboxRows(db())).map((e) => `${e.type}@${e.aggregateId}`)).toEqual([
    'MilestoneRecorded@SHP-000001',
    'MilestoneRecorded@SHP-000002',
    'ShipmentConfirmed@SHP-000003',
    'MilestoneRecorded@SHP-000004',
    'ShipmentDelivered@SHP-000004',
  ]);
});

test('confirming twice is INVALID_STATE_TRANSITION; a tracking number another shipment holds, or a malformed one, is BAD_USER_INPUT', async () => {
  expect((await confirm('SHP-000003', 'ODFL-000003')).errors).toBeUndefined();
  const again = await confirm('SHP-000003', 'ODFL-000003');
  expect(again.errors?.[0].extensions).toMatchObject({
    code: 'INVALID_STATE_TRANSITION',
    from: 'SHIPPED',
    to: 'SHIPPED',
  });

  const taken = await confirm('SHP-000009', '1Z00000004'); // SHP-000009 is PACKED; SHP-000004 holds the number
  expect(taken.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    argument: 'trackingNumber',
  });
  expect(taken.errors?.[0].message).not.toContain('SHP-000004');
  for (const malformed of ['', 'a b c d', 'x'.repeat(41), '1Z']) {
    expect((await confirm('SHP-000009', malformed)).errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'trackingNumber',
    });
  }
  expect(await statusOf('SHP-000009')).toBe('PACKED');
  expect((await outboxRows(db())).map((e) => e.aggregateId)).toEqual(['SHP-000003']);
});

test('instants default to now; one in the future, before the shipment was planned or a delivery before shipping is BAD_USER_INPUT', async () => {
  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect((await milestone('SHP-000001', 'PICKED', { at: future })).errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    argument: 'at',
  });
  // SHP-000001 was planned on 2026-03-02 at 10:00
  expect(
    (await milestone('SHP-000001', 'PICKED', { at: '2026-03-02T09:59:59Z' })).errors?.[0]
      .extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'at' });
  expect(
    (await confirm('SHP-000003', 'ODFL-000003', { shippedAt: future })).errors?.[0].extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'shippedAt' });
  expect(
    (await confirm('SHP-000003', 'ODFL-000003', { shippedAt: '2026-03-01T00:00:00Z' })).errors?.[0]
      .extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'shippedAt' });
  // SHP-000004 shipped on 2026-03-04 at 15:00
  expect(
    (await delivered('SHP-000004', { deliveredAt: '2026-03-04T14:00:00Z' })).errors?.[0].extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'deliveredAt' });
  expect((await delivered('SHP-000004', { deliveredAt: future })).errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    argument: 'deliveredAt',
  });
  expect(
    (await milestone('SHP-000001', 'PICKED', { location: '  ' })).errors?.[0].extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'location' });
  expect(
    (await milestone('SHP-000001', 'PICKED', { note: 'n'.repeat(501) })).errors?.[0].extensions,
  ).toEqual({ code: 'BAD_USER_INPUT', argument: 'note' });
  expect((await delivered('SHP-000004', { receivedBy: '' })).errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    argument: 'receivedBy',
  });
  expect(await outboxRows(db())).toEqual([]);

  const picked = await milestone('SHP-000001', 'PICKED', { at: '2026-03-02T11:00:00Z' });
  expect(picked.data.recordMilestone.lastMilestone).toMatchObject({ code: 'PICKED' });
  const before = Date.now();
  const shipped = await confirm('SHP-000003', 'ODFL-000003');
  expect(Date.parse(shipped.data.confirmShipment.shippedAt)).toBeGreaterThanOrEqual(before - 1000);
});

test("a 3pl acts only on its carriers' shipments: another carrier's is NOT_FOUND, as an unknown one, and left as it was", async () => {
  const odfl = threePlOf('CAR-ODFL');
  const foreign = await milestone('SHP-000001', 'PICKED', {}, odfl); // UPS
  expect(foreign.data.recordMilestone).toBeNull();
  expect(foreign.errors?.[0]).toMatchObject({
    message: 'Shipment "SHP-000001" does not exist',
    extensions: { code: 'NOT_FOUND', typeName: 'Shipment', id: 'SHP-000001' },
  });
  const unknown = await milestone('SHP-999999', 'PICKED', {}, odfl);
  expect(unknown.errors?.[0].message).toBe('Shipment "SHP-999999" does not exist');
  expect((await confirm('SHP-000002', 'FF0000000002', {}, odfl)).errors?.[0].extensions.code).toBe(
    'NOT_FOUND',
  ); // PICKED, FDX
  expect((await delivered('SHP-000004', {}, odfl)).errors?.[0].extensions.code).toBe('NOT_FOUND'); // SHIPPED, UPS
  // a state refusal does not tell a 3pl about another carrier's shipment either
  expect((await milestone('SHP-000005', 'PICKED', {}, odfl)).errors?.[0].extensions.code).toBe(
    'NOT_FOUND',
  );
  expect(await statusOf('SHP-000001')).toBe('PLANNED');
  expect(await outboxRows(db())).toEqual([]);

  const own = await confirm('SHP-000003', 'FF0000000003', {}, odfl);
  expect(own.errors).toBeUndefined();
  expect(own.data.confirmShipment).toMatchObject({ id: 'SHP-000003', status: 'SHIPPED' });
  const noCarrier = await milestone('SHP-000007', 'PICKED', {}, threePlOf());
  expect(noCarrier.errors?.[0].extensions.code).toBe('NOT_FOUND');
});

test('an unknown shipment is NOT_FOUND', async () => {
  const result = await milestone('SHP-999999', 'PICKED');
  expect(result.data.recordMilestone).toBeNull();
  expect(result.errors?.[0].extensions).toMatchObject({
    code: 'NOT_FOUND',
    typeName: 'Shipment',
    id: 'SHP-999999',
  });
});
