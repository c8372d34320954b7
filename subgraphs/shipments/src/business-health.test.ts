import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { shipmentsSubgraph, type ShipmentsDB, type ShipmentStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { WAREHOUSE } from './testing/events';

let subgraph: RunningSubgraph<ShipmentsDB, ShipmentStore>;

beforeAll(async () => {
  subgraph = await openSubgraph(shipmentsSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

const HEALTH = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BusinessHealth {
  from to shipmentsConfirmed planToShip { count p50Hours p95Hours } shipmentsExceptionQueues { handler open oldestOpenAt }
} } }`;
const health = (from: string, to: string) =>
  querySubgraph(subgraph.server, HEALTH, { r: [{ __typename: 'BusinessHealth', from, to }] });

test('March 1-10 of the fixtures, by hand: 4 shipments left, after 29 or 31 hours', async () => {
  // Shipped shipments are i = 4, 5, 10, 11, 16, ...; shipment i left on March (ceil(i/2) + 2) at 15:00, planned the day
  // before at 10:00 (odd i: 29 h) or 08:00 (even i: 31 h). Shipment 16 left on March 10: outside [March 1, March 10).
  const result = await health('2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z');
  expect(result.errors).toBeUndefined();
  expect(result.data._entities[0]).toMatchObject({
    shipmentsConfirmed: 4,
    planToShip: { count: 4, p50Hours: 29, p95Hours: 31 },
  });
});

test('a shipment confirmed now counts in its window with its own plan-to-ship time', async () => {
  // SHP-000003 (PACKED) was planned on March 3 at 10:00; it ships on March 9 at 10:00: 144 hours.
  const confirmed = await querySubgraph(
    subgraph.server,
    `mutation { confirmShipment(shipmentId: "SHP-000003", trackingNumber: "ODFL-3", shippedAt: "2026-03-09T10:00:00Z") { status } }`,
    {},
    {},
    WAREHOUSE,
  );
  expect(confirmed.errors).toBeUndefined();
  const result = await health('2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z');
  // [29, 29, 31, 31, 144]: the median is the 3rd, the 95th percentile the 5th (nearest rank)
  expect(result.data._entities[0]).toMatchObject({
    shipmentsConfirmed: 5,
    planToShip: { count: 5, p50Hours: 31, p95Hours: 144 },
  });
});

test('an empty window has a count of 0 and no percentiles; a backwards one is BAD_USER_INPUT', async () => {
  const empty = await health('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z');
  expect(empty.data._entities[0]).toMatchObject({
    shipmentsConfirmed: 0,
    planToShip: { count: 0, p50Hours: null, p95Hours: null },
    shipmentsExceptionQueues: expect.any(Array),
  });
  const backwards = await health('2026-03-10T00:00:00.000Z', '2026-03-01T00:00:00.000Z');
  expect(backwards.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    argument: 'from',
  });
});
