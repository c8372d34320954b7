import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { shipmentsSubgraph, type ShipmentsDB, type ShipmentStore } from './index';
import { insertFixtures, orderId, shipmentId } from './testing/fixtures';

let subgraph: RunningSubgraph<ShipmentsDB, ShipmentStore>;
const query = (document: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(subgraph.server, document, variables);
const ids = (connection: { edges: { node: { id: string } }[] }) =>
  connection.edges.map((e) => e.node.id);
const shipments = (...numbers: number[]) => numbers.map(shipmentId);

beforeAll(async () => {
  subgraph = await openSubgraph(shipmentsSubgraph, { dataDir: ':memory:' });
  await insertFixtures(subgraph.database.db);
});

afterAll(() => subgraph.close());

test('resolves 30 Shipment entities with carrier, lines and milestones in four SQL statements', async () => {
  subgraph.database.statements.count = 0;
  const representations = Array.from({ length: 30 }, (_, i) => ({
    __typename: 'Shipment',
    id: shipmentId(i + 1),
  }));
  const result = await query(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment {
      id order { id } customer { id } warehouse { id } carrier { id code name scac mode } serviceLevel trackingNumber status
      plannedAt shippedAt deliveredAt lines { lineNumber orderLineNumber product { id } quantity }
      milestones { id code at location note } lastMilestone { code }
    } } }`,
    { r: representations },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data._entities).toHaveLength(30);
  expect(result.data._entities[4]).toEqual({
    id: 'SHP-000005',
    order: { id: 'ORD-000003' },
    customer: { id: 'CUS-0003' },
    warehouse: { id: 'WH-ATL' },
    carrier: { id: 'CAR-FDX', code: 'FDX', name: 'FedEx', scac: 'FDXG', mode: 'PARCEL' },
    serviceLevel: 'GROUND',
    trackingNumber: '1Z00000005',
    status: 'DELIVERED',
    plannedAt: '2026-03-04T10:00:00.000Z',
    shippedAt: '2026-03-05T15:00:00.000Z',
    deliveredAt: '2026-03-07T11:30:00.000Z',
    lines: [
      { lineNumber: 1, orderLineNumber: 1, product: { id: 'PRD-00001' }, quantity: 5 },
      { lineNumber: 2, orderLineNumber: 3, product: { id: 'PRD-00001' }, quantity: 10 },
    ],
    milestones: [
      {
        id: 'SHP-000005-M6',
        code: 'PLANNED',
        at: '2026-03-04T10:00:00.000Z',
        location: 'WH-ATL',
        note: null,
      },
      {
        id: 'SHP-000005-M5',
        code: 'PICKED',
        at: '2026-03-04T11:00:00.000Z',
        location: 'WH-ATL',
        note: null,
      },
      {
        id: 'SHP-000005-M4',
        code: 'PACKED',
        at: '2026-03-04T12:00:00.000Z',
        location: 'WH-ATL',
        note: 'pallet 1 of 1',
      },
      {
        id: 'SHP-000005-M3',
        code: 'SHIPPED',
        at: '2026-03-05T15:00:00.000Z',
        location: 'WH-ATL',
        note: null,
      },
      {
        id: 'SHP-000005-M2',
        code: 'IN_TRANSIT',
        at: '2026-03-06T15:00:00.000Z',
        location: 'Memphis, TN',
        note: null,
      },
      {
        id: 'SHP-000005-M1',
        code: 'DELIVERED',
        at: '2026-03-07T11:30:00.000Z',
        location: 'Dallas, TX',
        note: 'signed by R. Dock',
      },
    ],
    lastMilestone: { code: 'DELIVERED' },
  });
  // A planned shipment has no tracking number nor ship dates yet, and one milestone.
  expect(result.data._entities[0]).toMatchObject({
    id: 'SHP-000001',
    status: 'PLANNED',
    trackingNumber: null,
    shippedAt: null,
    milestones: [{ code: 'PLANNED' }],
  });
  // shipments, carriers, shipment_lines, milestones
  expect(subgraph.database.statements.count).toBe(4);
});

test('an unknown Shipment representation resolves to null', async () => {
  const result = await query(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { id } } }`,
    {
      r: [
        { __typename: 'Shipment', id: 'SHP-999999' },
        { __typename: 'Shipment', id: 'SHP-000002' },
      ],
    },
  );
  expect(result.data._entities).toEqual([null, { id: 'SHP-000002' }]);
});

test('extends Order with its shipments in plan order, batched across 16 orders', async () => {
  subgraph.database.statements.count = 0;
  const representations = [
    ...Array.from({ length: 15 }, (_, i) => ({ __typename: 'Order', id: orderId(i + 1) })),
    { __typename: 'Order', id: 'ORD-999999' },
  ];
  const result = await query(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id shipments { id plannedAt carrier { code } lastMilestone { code } } } } }`,
    { r: representations },
  );
  expect(result.errors).toBeUndefined();
  // The second shipment of each order was planned two hours before the first.
  expect(result.data._entities[2]).toEqual({
    id: 'ORD-000003',
    shipments: [
      {
        id: 'SHP-000006',
        plannedAt: '2026-03-04T08:00:00.000Z',
        carrier: { code: 'ODFL' },
        lastMilestone: { code: 'PLANNED' },
      },
      {
        id: 'SHP-000005',
        plannedAt: '2026-03-04T10:00:00.000Z',
        carrier: { code: 'FDX' },
        lastMilestone: { code: 'DELIVERED' },
      },
    ],
  });
  expect(result.data._entities[15]).toEqual({ id: 'ORD-999999', shipments: [] });
  // shipments by order, carriers, milestones
  expect(subgraph.database.statements.count).toBe(3);
});

test('finds one shipment by id or by tracking number', async () => {
  const byId = await query(
    `{ shipment(id: "SHP-000010") { id status trackingNumber order { id } } }`,
  );
  expect(byId.errors).toBeUndefined();
  expect(byId.data.shipment).toEqual({
    id: 'SHP-000010',
    status: 'SHIPPED',
    trackingNumber: '1Z00000010',
    order: { id: 'ORD-000005' },
  });
  const byTracking = await query(`{ shipment(trackingNumber: "1Z00000011") { id status } }`);
  expect(byTracking.data.shipment).toEqual({ id: 'SHP-000011', status: 'DELIVERED' });
});

test('an unknown id or tracking number is null with NOT_FOUND', async () => {
  const missing = await query(`{ shipment(id: "SHP-999999") { id } }`);
  expect(missing.data.shipment).toBeNull();
  expect(missing.errors?.[0].extensions.code).toBe('NOT_FOUND');
  const untracked = await query(`{ shipment(trackingNumber: "NOPE") { id } }`);
  expect(untracked.data.shipment).toBeNull();
  expect(untracked.errors?.[0].extensions.code).toBe('NOT_FOUND');
});

test('shipment(...) needs exactly one of id and trackingNumber', async () => {
  for (const args of ['', '(id: "SHP-000001", trackingNumber: "1Z00000004")']) {
    const result = await query(`{ shipment${args} { id } }`);
    expect(result.data.shipment).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  }
});

test('pages shipments by cursor, newest first (id descending)', async () => {
  const first = await query(
    `{ shipments(first: 12) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }`,
  );
  expect(ids(first.data.shipments)).toEqual(
    Array.from({ length: 12 }, (_, i) => shipmentId(30 - i)),
  );
  expect(first.data.shipments.totalCount).toBe(30);
  expect(first.data.shipments.pageInfo).toMatchObject({
    hasNextPage: true,
    hasPreviousPage: false,
  });
  const last = await query(
    `query ($after: String) { shipments(first: 20, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }`,
    {
      after: first.data.shipments.pageInfo.endCursor,
    },
  );
  expect(ids(last.data.shipments)).toEqual(
    Array.from({ length: 18 }, (_, i) => shipmentId(18 - i)),
  );
  expect(last.data.shipments.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
});

test('filters shipments by status, carrier, customer and order, together', async () => {
  const shipped = await query(
    `{ shipments(status: SHIPPED) { edges { node { id } } totalCount } }`,
  );
  expect(ids(shipped.data.shipments)).toEqual(shipments(28, 22, 16, 10, 4));
  expect(shipped.data.shipments.totalCount).toBe(5);
  const byCarrier = await query(
    `{ shipments(carrierId: "CAR-ODFL") { totalCount edges { node { carrier { mode } serviceLevel } } } }`,
  );
  expect(byCarrier.data.shipments.totalCount).toBe(10);
  expect(
    new Set(
      byCarrier.data.shipments.edges.map(
        (e: any) => `${e.node.carrier.mode}/${e.node.serviceLevel}`,
      ),
    ),
  ).toEqual(new Set(['LTL/LTL']));
  const byCustomer = await query(`{ shipments(customerId: "CUS-0002") { edges { node { id } } } }`);
  expect(ids(byCustomer.data.shipments)).toEqual(shipments(24, 23, 14, 13, 4, 3));
  const byOrder = await query(`{ shipments(orderId: "ORD-000007") { edges { node { id } } } }`);
  expect(ids(byOrder.data.shipments)).toEqual(shipments(14, 13));
  const combined = await query(
    `{ shipments(customerId: "CUS-0002", status: SHIPPED) { edges { node { id } } totalCount } }`,
  );
  expect(ids(combined.data.shipments)).toEqual(shipments(4));
  expect(combined.data.shipments.totalCount).toBe(1);
});

test('filters shipments by ship date: after is inclusive, before is exclusive', async () => {
  const result = await query(
    `{ shipments(shippedAfter: "2026-03-10T00:00:00Z", shippedBefore: "2026-03-14T15:00:00Z") { edges { node { id shippedAt } } totalCount } }`,
  );
  expect(result.errors).toBeUndefined();
  expect(result.data.shipments.edges.map((e: any) => [e.node.id, e.node.shippedAt])).toEqual([
    ['SHP-000022', '2026-03-13T15:00:00.000Z'],
    ['SHP-000017', '2026-03-11T15:00:00.000Z'],
    ['SHP-000016', '2026-03-10T15:00:00.000Z'],
  ]);
  expect(result.data.shipments.totalCount).toBe(3);
  const from = await query(
    `{ shipments(shippedAfter: "2026-03-17T15:00:00.000Z") { edges { node { id } } } }`,
  );
  expect(ids(from.data.shipments)).toEqual(shipments(29));
});

test('lists every carrier by code', async () => {
  const result = await query(`{ carriers { id code name scac mode } }`);
  expect(result.data.carriers).toEqual([
    { id: 'CAR-FDX', code: 'FDX', name: 'FedEx', scac: 'FDXG', mode: 'PARCEL' },
    { id: 'CAR-ODFL', code: 'ODFL', name: 'Old Dominion Freight Line', scac: 'ODFL', mode: 'LTL' },
    { id: 'CAR-UPS', code: 'UPS', name: 'United Parcel Service', scac: 'UPSN', mode: 'PARCEL' },
  ]);
});

test('a negative first, a forged cursor, an inverted, empty or malformed date range are BAD_USER_INPUT', async () => {
  for (const args of [
    'first: -1',
    'first: 101',
    'after: "bm9wZQ"',
    'shippedAfter: "2026-03-14T00:00:00Z", shippedBefore: "2026-03-10T00:00:00Z"',
    'shippedAfter: "2026-03-14T00:00:00Z", shippedBefore: "2026-03-14T00:00:00.000Z"',
    'shippedAfter: "last tuesday"',
  ]) {
    const result = await query(`{ shipments(${args}) { totalCount } }`);
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  }
});

describe('Shipment.freight (@requires the catalog measures of its lines’ products)', () => {
  const measured = (weightKg: number, l: number, w: number, h: number) => ({
    product: {
      shippingWeightKg: weightKg,
      shippingLengthCm: l,
      shippingWidthCm: w,
      shippingHeightCm: h,
    },
  });
  const freightOf = (representation: Record<string, unknown>) =>
    query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment {
        id freight { serviceLevel actualWeightKg dimensionalWeightKg billableWeightKg
          ratePerKg { amount currency } charge { amount currency }
          lines { lineNumber quantity actualWeightKg dimensionalWeightKg billableWeightKg } }
      } } }`,
      { r: [{ __typename: 'Shipment', id: shipmentId(5), ...representation }] },
    );

  test('rates each line by the larger of actual and dimensional weight, with its quantity from the shipment', async () => {
    // SHP-000005 ships GROUND: line 1 is 5 units, line 2 is 10 units.
    const result = await freightOf({
      lines: [measured(2.4, 20, 15, 10), measured(0.8, 50, 40, 30)],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities[0].freight).toEqual({
      serviceLevel: 'GROUND',
      actualWeightKg: 20,
      dimensionalWeightKg: 123,
      billableWeightKg: 132,
      ratePerKg: { amount: '0.95', currency: 'USD' },
      charge: { amount: '125.40', currency: 'USD' },
      lines: [
        {
          lineNumber: 1,
          quantity: 5,
          actualWeightKg: 12,
          dimensionalWeightKg: 3,
          billableWeightKg: 12,
        },
        {
          lineNumber: 2,
          quantity: 10,
          actualWeightKg: 8,
          dimensionalWeightKg: 120,
          billableWeightKg: 120,
        },
      ],
    });
  });

  test('is null when a product is not measured', async () => {
    const result = await freightOf({
      lines: [measured(2.4, 20, 15, 10), { product: { shippingWeightKg: null } }],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities[0].freight).toBeNull();
  });

  test('is an error when the required lines do not match the shipment’s lines', async () => {
    const result = await freightOf({ lines: [measured(2.4, 20, 15, 10)] });
    expect(result.errors?.[0].message).toMatch(/1 required lines for 2 lines/);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.data._entities[0].freight).toBeNull();
  });

  test('asked without the @requires fields (not through a gateway) is BAD_USER_INPUT', async () => {
    const result = await query(
      `{ shipment(id: "${shipmentId(5)}") { id freight { charge { amount } } } }`,
    );
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.data.shipment).toEqual({ id: shipmentId(5), freight: null });
  });
});

test('Product.freightUnit rates one packed unit from the measures its @requires brings, null while not measured', async () => {
  const result = await query(
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
      id freightUnit { actualWeightKg dimensionalWeightKg billableWeightKg } } } }`,
    {
      r: [
        {
          __typename: 'Product',
          id: 'PRD-00001',
          shippingWeightKg: 0.8,
          shippingLengthCm: 50,
          shippingWidthCm: 40,
          shippingHeightCm: 30,
        },
        { __typename: 'Product', id: 'PRD-00002', shippingWeightKg: null },
      ],
    },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data._entities).toEqual([
    {
      id: 'PRD-00001',
      freightUnit: { actualWeightKg: 0.8, dimensionalWeightKg: 12, billableWeightKg: 12 },
    },
    { id: 'PRD-00002', freightUnit: null },
  ]);
});
