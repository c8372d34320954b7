/**
 * The same subgraph code on PostgreSQL (DATABASE_URL): seeded through the same migrations and
 * seed writer, queried through the gateway. Uses the local PostgreSQL (TEST_DATABASE_URL to
 * point elsewhere), with throwaway schemas dropped at the end.
 */
import { formatCents } from '@switchyard/kit';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let graph: RunningGraph;

beforeAll(async () => {
  graph = await startGraph({ seedScale: 0.02, databaseUrl });
}, 120_000);
afterAll(() => graph?.close());

test('answers a cross-subgraph query from six PostgreSQL schemas exactly as the data says', async () => {
  const data = graph.dataset!;
  const order = data.orders.orders.find((o) =>
    data.finance.invoices.some((i) => i.order_id === o.id),
  )!;
  const { body } = await graph.query(
    `query ($id: ID!) { order(id: $id) {
      number total { amount } customer { name creditLimit { amount } }
      lines { lineNumber product { sku } } shipments { id } invoices { id total { amount } }
    } }`,
    { id: order.id },
  );
  expect(body.errors).toBeUndefined();
  const customer = data.customers.customers.find((c) => c.id === order.customer_id)!;
  expect(body.data.order).toMatchObject({
    number: order.number,
    total: { amount: formatCents(order.total_cents) },
    customer: {
      name: customer.name,
      creditLimit: { amount: formatCents(customer.credit_limit_cents) },
    },
  });
  expect(body.data.order.lines).toHaveLength(
    data.orders.order_lines.filter((l) => l.order_id === order.id).length,
  );
  const invoices = data.finance.invoices.filter((i) => i.order_id === order.id);
  expect(body.data.order.invoices.map((i: any) => i.total.amount).sort()).toEqual(
    invoices.map((i) => formatCents(i.total_cents)).sort(),
  );
  expect(body.data.order.shipments.length).toBeGreaterThan(0);
});

test('pages and counts on PostgreSQL as on SQLite', async () => {
  const data = graph.dataset!;
  const { body } = await graph.query(
    `{ customers(first: 5) { totalCount edges { node { id } } pageInfo { hasNextPage } } }`,
  );
  expect(body.data.customers.totalCount).toBe(data.customers.customers.length);
  expect(body.data.customers.edges.map((e: any) => e.node.id)).toEqual(
    data.customers.customers
      .map((c) => c.id)
      .sort()
      .slice(0, 5),
  );
});
