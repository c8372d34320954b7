/**
 * Fuzzing the governed gateway over HTTP (issue 13, "Prove it"): the six seeded subgraphs and the
 * gateway governed by gateway/governance.dev.yaml, as `npm start` runs them, sent requests that
 * fast-check generates (test/fuzz/gateway-requests.ts). Whatever it is sent, the gateway answers
 * below 500, without a stack trace, in GraphQL's shape with a code on every error, and keeps
 * answering. FUZZ_RUNS sets the number of cases (default 2,000; `npm run fuzz` runs 20,000 and
 * prints the answers' counts by status and code); FUZZ_SEED replays a reported run.
 */
import path from 'node:path';
import fc from 'fast-check';
import { Pool } from 'undici';
import { createMemoryStore, defaultGatewayConfig } from '@switchyard/gateway';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { describeRequest, requestArbitrary, type FuzzRequest } from './fuzz/gateway-requests';
import { OutcomeTally } from './fuzz/outcome-table';
import { errorCodesOf, violationsOf, type FuzzResponse } from './fuzz/response-property';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const config = loadGovernanceConfig(
  path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
);
/** The development config's consumers: each one's API key is its id. */
const API_KEYS = config.consumers.map((consumer) => consumer.id);

let graph: RunningGraph;
let pool: Pool;

beforeAll(async () => {
  graph = await startGraph({
    seedScale: 0.05,
    governance: (supergraph) =>
      createGovernance(config, { supergraph, store: createMemoryStore(), logLevel: 'silent' }),
  });
  // One keep-alive connection or two, as a client would hold; a request that hangs fails the case.
  pool = new Pool(new URL(graph.gatewayUrl).origin, {
    connections: 2,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
}, 120_000);
afterAll(async () => {
  await pool?.close();
  await graph?.close();
});

async function send(request: FuzzRequest): Promise<FuzzResponse> {
  const response = await pool.request({
    method: request.method as 'GET',
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  const contentType = response.headers['content-type'];
  return {
    status: response.statusCode,
    contentType: Array.isArray(contentType) ? contentType.join(', ') : (contentType ?? ''),
    text: await response.body.text(),
  };
}

test(
  `${RUNS} generated requests (documents, variables, headers, bodies; GET and POST): never a 5xx or a stack trace, GraphQL's shape with a code on every error, and the gateway keeps answering`,
  async () => {
    const data = graph.dataset!;
    const requests = requestArbitrary({
      schema: graph.gateway.supergraph.apiSchema(),
      apiKeys: API_KEYS,
      adminKey: 'dev-platform-admin',
      identitySecret: defaultGatewayConfig.identitySecret,
      knownValues: [
        ...data.customers.customers.slice(0, 5).flatMap((row) => [row.id, row.account_number]),
        ...data.orders.orders.slice(0, 5).flatMap((row) => [row.id, row.number]),
        ...data.finance.invoices.slice(0, 3).flatMap((row) => [row.id, row.number]),
        ...data.finance.payments.slice(0, 3).map((row) => row.id),
        ...data.shipments.shipments.slice(0, 3).map((row) => row.id),
        ...data.catalog.products.slice(0, 5).flatMap((row) => [row.id, row.sku]),
        'CAR-FASTFREIGHT',
      ],
    }).map((request) =>
      // fast-check prints a counterexample with this: the request as it went, long values cut.
      Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request) }),
    );
    const tally = new OutcomeTally();
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        let response: FuzzResponse;
        try {
          response = await send(request);
        } catch (error) {
          tally.add('(no answer)', []);
          throw new Error(`no answer: ${(error as Error).message}`, { cause: error });
        }
        const codes = errorCodesOf(response);
        tally.add(response.status, codes);
        const violations = violationsOf(request, response);
        if (violations.length > 0)
          throw new Error(
            `${violations.join('; ')}\nanswer ${response.status}: ${response.text.slice(0, 1_000)}`,
          );
      }),
      // Shrinking a failure replays requests: bounded, so a hanging case reports instead of running on.
      {
        numRuns: RUNS,
        seed: SEED,
        interruptAfterTimeLimit: RUNS * 50,
        markInterruptAsFailure: true,
      },
    );
    if (process.env.FUZZ_RUNS) process.stdout.write(`\n${tally.format()}\n\n`);
    expect(tally.total).toBeGreaterThanOrEqual(RUNS);

    const known = await graph.query(
      '{ customer(id: "CUS-0001") { id name creditLimit { amount } } }',
      {},
      { 'x-api-key': 'dev-sales-portal' },
    );
    expect(known.status).toBe(200);
    expect(known.body).toEqual({
      data: {
        customer: { id: 'CUS-0001', name: expect.any(String), creditLimit: expect.anything() },
      },
      extensions: { cost: expect.objectContaining({ requested: expect.any(Number) }) },
    });
    const health = await fetch(graph.gatewayUrl.replace(/\/graphql$/, '/healthz'));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  },
  Math.max(120_000, RUNS * 60),
);

test("a value only a subgraph refuses (a DateTime literal that is not one) is the client's BAD_USER_INPUT with the subgraph's message, and the answer names no subgraph address", async () => {
  const answer = await graph.query(
    '{ shipments(shippedAfter: "yesterday") { totalCount } }',
    {},
    { 'x-api-key': 'dev-sales-portal' },
  );
  expect(answer.body.errors).toEqual([
    expect.objectContaining({
      message: 'DateTime must be an ISO-8601 string',
      path: ['shipments'],
      extensions: { code: 'BAD_USER_INPUT', serviceName: 'shipments' },
    }),
  ]);
  expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|\/graphql/);
});
