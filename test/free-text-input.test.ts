/**
 * Free text at the gateway (issue 13): every subgraph refuses control characters and bidi overrides
 * in the text its mutations take, and text over its declared length, with BAD_USER_INPUT naming the
 * argument and nothing written; a search is matched literally and never a 500, however long.
 */
import type { Dataset } from '@switchyard/seed';
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
let data: Dataset;
beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.05 });
  data = graph.dataset!;
}, 120_000);
afterAll(() => graph.close());

function expectRefused(response: GraphResponse, argument: string) {
  expect(response.status).toBeLessThan(500);
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  expect(JSON.stringify(response.body)).not.toMatch(/stacktrace|\n\s+at /);
}

const NUL = 'Left at the dock\u0000';
const BIDI = 'Dock 7 \u202Eexe.txt';
const ISOLATE = 'damaged \u2066in transit\u2069';

test('orders: a cancel reason holding a NUL byte is refused and the order keeps its status', async () => {
  const order = data.orders.orders.find((o) => o.status === 'ACCEPTED')!;
  const response = await graph.query(
    'mutation ($id: ID!, $reason: String!) { cancelOrder(orderId: $id, reason: $reason) { id status } }',
    { id: order.id, reason: NUL },
  );
  expectRefused(response, 'reason');
  const after = await graph.query(`{ order(id: "${order.id}") { status } }`);
  expect(after.body.data.order.status).toBe('ACCEPTED');
});

test('shipments: a milestone location holding a right-to-left override is refused and no milestone is written', async () => {
  const shipment = data.shipments.shipments.find((s) => s.status === 'PLANNED')!;
  const milestones = `{ shipment(id: "${shipment.id}") { status milestones { id } } }`;
  const before = (await graph.query(milestones)).body.data.shipment;
  const response = await graph.query(
    'mutation ($id: ID!, $at: String!) { recordMilestone(shipmentId: $id, code: PICKED, location: $at) { id } }',
    { id: shipment.id, at: BIDI },
  );
  expectRefused(response, 'location');
  expect((await graph.query(milestones)).body.data.shipment).toEqual(before);
});

test('finance: a dispute reason holding bidi isolates is refused and the invoice stays as it was', async () => {
  const invoice = data.finance.invoices.find((i) => i.status === 'OPEN')!;
  const response = await graph.query(
    'mutation ($id: ID!, $reason: String!) { disputeInvoice(invoiceId: $id, reason: $reason) { id status } }',
    { id: invoice.id, reason: ISOLATE },
  );
  expectRefused(response, 'reason');
  const after = await graph.query(`{ invoice(id: "${invoice.id}") { status } }`);
  expect(after.body.data.invoice.status).toBe('OPEN');
});

test('inventory: a stock receipt reference holding a control character is refused and stock is unchanged', async () => {
  const level = data.inventory.stock_levels[0];
  const stock = `{ product(id: "${level.product_id}") { availability { warehouse { id } onHand } } }`;
  const before = (await graph.query(stock)).body.data;
  const response = await graph.query(
    'mutation ($w: ID!, $p: ID!, $ref: String!) { receiveStock(warehouseId: $w, lines: [{ productId: $p, quantity: 5 }], reference: $ref) { id } }',
    { w: level.warehouse_id, p: level.product_id, ref: 'PO-1\u001b[2J' },
  );
  expectRefused(response, 'reference');
  expect((await graph.query(stock)).body.data).toEqual(before);
});

test('catalog and customers: a 50,000-character search is BAD_USER_INPUT naming it, not a 500', async () => {
  for (const field of ['products', 'customers']) {
    const response = await graph.query(
      `query ($q: String) { ${field}(search: $q) { totalCount } }`,
      { q: '%'.repeat(50_000) },
    );
    expectRefused(response, 'search');
  }
});

test('a search for % or _ matches those characters, not every product', async () => {
  const literal = (text: string) =>
    data.catalog.products.filter(
      (p) => p.name.toLowerCase().includes(text) || p.sku.toLowerCase().includes(text),
    ).length;
  for (const text of ['%', '_', '%%']) {
    const response = await graph.query(
      'query ($q: String) { products(search: $q) { totalCount } }',
      {
        q: text,
      },
    );
    expect(response.body).toEqual({ data: { products: { totalCount: literal(text) } } });
  }
  expect(data.catalog.products.length).toBeGreaterThan(literal('%'));
});
