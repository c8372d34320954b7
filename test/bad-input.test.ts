/** Bad input at the gateway: every case gets a GraphQL error with a stable code and no stack trace. */
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
beforeAll(async () => {
  graph = await startGraph();
});
afterAll(() => graph.close());

function expectCleanError(response: GraphResponse, code: string) {
  expect(response.body.errors?.length).toBeGreaterThan(0);
  expect(response.body.errors![0].extensions?.code).toBe(code);
  const text = JSON.stringify(response.body);
  expect(text).not.toMatch(/stacktrace|\n\s+at /);
}

async function post(body: string, contentType = 'application/json'): Promise<GraphResponse> {
  const response = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphResponse['body'],
  };
}

test('a malformed query is GRAPHQL_PARSE_FAILED', async () => {
  const response = await graph.query('{ orders(first: 2) { edges { node { id } }');
  expect(response.status).toBe(400);
  expectCleanError(response, 'GRAPHQL_PARSE_FAILED');
});

test('an unknown field is GRAPHQL_VALIDATION_FAILED and names the field', async () => {
  const response = await graph.query('{ orders(first: 2) { edges { node { id discountCode } } } }');
  expect(response.status).toBe(400);
  expectCleanError(response, 'GRAPHQL_VALIDATION_FAILED');
  expect(response.body.errors![0].message).toMatch(/discountCode/);
});

test('a variable of the wrong type is BAD_USER_INPUT', async () => {
  const response = await graph.query('query ($n: Int) { orders(first: $n) { totalCount } }', {
    n: 'twenty',
  });
  expectCleanError(response, 'BAD_USER_INPUT');
});

test.each([
  ['customer', 'CUS-9999'],
  ['product', 'PRD-99999'],
  ['warehouse', 'WH-NOPE'],
  ['order', 'ORD-999999'],
  ['shipment', 'SHP-999999'],
  ['invoice', 'INV-999999'],
  ['payment', 'PAY-999999'],
])('%s(id) that does not exist is null with NOT_FOUND', async (field, id) => {
  const response = await graph.query(`query ($id: ID) { ${field}(id: $id) { id } }`, { id });
  expect(response.body.data?.[field]).toBeNull();
  expectCleanError(response, 'NOT_FOUND');
  expect(response.body.errors![0].path).toEqual([field]);
});

test.each(['customers', 'products', 'orders', 'shipments', 'invoices', 'payments'])(
  '%s(first: -1) is BAD_USER_INPUT',
  async (field) => {
    const response = await graph.query(`{ ${field}(first: -1) { totalCount } }`);
    expectCleanError(response, 'BAD_USER_INPUT');
  },
);

test('a body that is not JSON is BAD_REQUEST', async () => {
  const response = await post('{"query": "{ __typename }"');
  expect(response.status).toBe(400);
  expectCleanError(response, 'BAD_REQUEST');
});

test('a body over the limit is PAYLOAD_TOO_LARGE', async () => {
  const response = await post(JSON.stringify({ query: `{ __typename ${' '.repeat(1_100_000)} }` }));
  expect(response.status).toBe(413);
  expectCleanError(response, 'PAYLOAD_TOO_LARGE');
});
