import { createHash } from 'node:crypto';
import { generateDataset, SEED_ANCHOR, type Dataset } from './index';
import { generateWarehouses } from './generate-inventory';
import { ORDER_STATUSES } from './order-lifecycle';

const fingerprint = (dataset: Dataset) =>
  createHash('sha256').update(JSON.stringify(dataset)).digest('hex');

let dataset: Dataset;
beforeAll(() => {
  dataset = generateDataset({ seed: 42, scale: 1 });
});

test('the same seed gives the same dataset, a different seed a different one', () => {
  expect(fingerprint(generateDataset({ seed: 42, scale: 1 }))).toBe(fingerprint(dataset));
  const other = generateDataset({ seed: 7, scale: 0.25 });
  expect(fingerprint(other)).not.toBe(fingerprint(generateDataset({ seed: 42, scale: 0.25 })));
  expect(other.customers.customers[1].name).not.toBe(dataset.customers.customers[1].name);
});

test('scale 1 has the volumes of the issue: 200 customers, 2,000 products, 4 warehouses, 5,000 orders', () => {
  expect(dataset.customers.customers.length).toBeGreaterThanOrEqual(200);
  expect(dataset.catalog.products.length).toBeGreaterThanOrEqual(2000);
  expect(dataset.orders.orders.length).toBeGreaterThanOrEqual(5000);
  expect(dataset.inventory.warehouses.map((w) => [w.id, w.city, w.region])).toEqual([
    ['WH-ATL', 'Atlanta', 'GA'],
    ['WH-DAL', 'Dallas', 'TX'],
    ['WH-CHI', 'Chicago', 'IL'],
    ['WH-RNO', 'Reno', 'NV'],
  ]);
  expect(dataset.shipments.carriers.map((c) => [c.id, c.mode])).toEqual([
    ['CAR-UPS', 'PARCEL'],
    ['CAR-FEDEX', 'PARCEL'],
    ['CAR-XPO', 'LTL'],
    ['CAR-FASTFREIGHT', 'LTL'],
  ]);
  const emptyTables = Object.entries(dataset).flatMap(([system, tables]) =>
    Object.entries(tables as Record<string, unknown[]>)
      .filter(([, rows]) => rows.length === 0)
      .map(([table]) => `${system}.${table}`),
  );
  expect(emptyTables).toEqual([]);
});

test('a larger scale grows the warehouse network beyond the four base sites', () => {
  expect(generateWarehouses(0.05)).toHaveLength(4);
  expect(generateWarehouses(2).map((w) => w.id)).toEqual([
    'WH-ATL',
    'WH-DAL',
    'WH-CHI',
    'WH-RNO',
    'WH-EWR',
    'WH-PHX',
  ]);
});

test('orders are spread over every status, and over every pricing rule', () => {
  const statuses = new Set(dataset.orders.orders.map((o) => o.status));
  expect([...statuses].sort()).toEqual([...ORDER_STATUSES].sort());
  const rules = new Set(dataset.orders.order_lines.map((l) => l.pricing_rule));
  expect([...rules].sort()).toEqual(['CONTRACT', 'LIST', 'PRICE_LIST', 'QUANTITY_BREAK']);
  const shipmentStatuses = new Set(dataset.shipments.shipments.map((s) => s.status));
  expect([...shipmentStatuses].sort()).toEqual([
    'DELIVERED',
    'PACKED',
    'PICKED',
    'PLANNED',
    'SHIPPED',
  ]);
  const invoiceStatuses = new Set(dataset.finance.invoices.map((i) => i.status));
  expect([...invoiceStatuses].sort()).toEqual(['DISPUTED', 'OPEN', 'PAID', 'PARTIALLY_PAID']);
});

test('CUS-0001 is Acme Industrial Supply, active, with orders in every status, shipments and invoices', () => {
  const acme = dataset.customers.customers[0];
  expect(acme).toMatchObject({ id: 'CUS-0001', name: 'Acme Industrial Supply', status: 'ACTIVE' });
  const statuses = new Set(
    dataset.orders.orders.filter((o) => o.customer_id === 'CUS-0001').map((o) => o.status),
  );
  expect([...statuses].sort()).toEqual([...ORDER_STATUSES].sort());
  expect(dataset.shipments.shipments.some((s) => s.customer_id === 'CUS-0001')).toBe(true);
  expect(
    dataset.finance.invoices.some((i) => i.customer_id === 'CUS-0001' && i.status !== 'PAID'),
  ).toBe(true);
});

test('FastFreight, the 3PL, carries a good share of the shipments', () => {
  const share =
    dataset.shipments.shipments.filter((s) => s.carrier_id === 'CAR-FASTFREIGHT').length /
    dataset.shipments.shipments.length;
  expect(share).toBeGreaterThan(0.25);
});

test('ids have the shapes the graph uses', () => {
  expect(dataset.customers.customers[0].id).toBe('CUS-0001');
  expect(dataset.catalog.products[0]).toMatchObject({
    id: 'PRD-00001',
    sku: expect.stringMatching(/^[A-Z]{3}-\d{5}$/),
  });
  expect(dataset.orders.orders[0]).toMatchObject({ id: 'ORD-000001', number: 'SO-100001' });
  expect(dataset.shipments.shipments[0].id).toBe('SHP-000001');
  expect(dataset.finance.invoices[0]).toMatchObject({ id: 'INV-000001', number: 'IN-200001' });
  expect(dataset.finance.payments[0].id).toBe('PAY-000001');
});

test('every date lies before the fixed anchor, and orders span about six months', () => {
  const anchor = SEED_ANCHOR;
  const dates = [
    ...dataset.orders.orders.flatMap((o) => [o.placed_at, o.updated_at]),
    ...dataset.shipments.milestones.map((m) => m.at),
    ...dataset.finance.invoices.map((i) => i.issued_at),
    ...dataset.finance.payments.map((p) => p.received_at),
    ...dataset.finance.payment_applications.map((a) => a.applied_at),
    ...dataset.inventory.allocations.map((a) => a.created_at),
  ];
  expect(dates.filter((date) => !(date < anchor))).toEqual([]);
  const placed = dataset.orders.orders.map((o) => o.placed_at).sort();
  expect(placed[0] < '2026-05-10').toBe(true);
  expect(placed[placed.length - 1] > '2026-10-30').toBe(true);
});

test('small scales still produce a usable dataset', () => {
  const small = generateDataset({ seed: 1, scale: 0.05 });
  expect(small.customers.customers).toHaveLength(10);
  expect(small.catalog.products).toHaveLength(100);
  expect(small.orders.orders).toHaveLength(250);
  expect(new Set(small.orders.orders.map((o) => o.status)).size).toBe(ORDER_STATUSES.length);
});

test('rejects a scale or seed it cannot honour', () => {
  expect(() => generateDataset({ scale: 0 })).toThrow(/scale/);
  expect(() => generateDataset({ seed: 1.5 })).toThrow(/seed/);
});
