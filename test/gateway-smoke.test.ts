import { startGraph, type RunningGraph } from './graph-harness';

let graph: RunningGraph;
beforeAll(async () => {
  graph = await startGraph(['customers'], async ({ customers }) => {
    await customers.database.db
      .insertInto('customers')
      .values({ id: 'CUS-0001', account_number: 'A1', name: 'Acme', status: 'ACTIVE', segment: 'WHOLESALE', payment_terms: 'NET30', credit_limit_cents: 100, currency: 'USD', created_at: '2026-01-01T00:00:00.000Z' })
      .execute();
  });
});
afterAll(() => graph.close());

test('smoke', async () => {
  const r = await graph.query('{ customer(id: "CUS-0001") { name creditLimit { amount } } }', {}, { 'x-correlation-id': 'abc' });
  expect(r.body).toEqual({ data: { customer: { name: 'Acme', creditLimit: { amount: '1.00' } } } });
  expect(r.headers.get('x-correlation-id')).toBe('abc');
});
