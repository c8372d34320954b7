/**
 * A request whose operation cannot be resolved is the client's error, over HTTP, on governed and
 * ungoverned gateways alike: an operationName the document does not define, or several operations
 * and no operationName, is 400 OPERATION_RESOLUTION_FAILURE (Apollo Server's code), and a
 * subscription (the gateway serves queries and mutations over HTTP only) is 400
 * SUBSCRIPTION_NOT_SUPPORTED; never a 500.
 */
import { createMemoryStore } from '@switchyard/gateway';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { as, testGovernanceConfig } from './testing/consumers';

const TWO_OPERATIONS = 'query A { __typename } query B { __typename }';

/** The case, the code it gets back, what the client sends, and what the message says. */
const cases: [string, string, Record<string, unknown>, RegExp][] = [
  [
    'an operationName the document does not define',
    'OPERATION_RESOLUTION_FAILURE',
    { query: 'query A { __typename }', operationName: 'Missing' },
    /operation named "Missing"/,
  ],
  [
    'two operations and no operationName',
    'OPERATION_RESOLUTION_FAILURE',
    { query: TWO_OPERATIONS },
    /operation name/,
  ],
  [
    'a subscription',
    'SUBSCRIPTION_NOT_SUPPORTED',
    { query: 'subscription Watch { __typename }' },
    /Subscriptions are not supported/,
  ],
];

let ungoverned: RunningGraph;
let governedGraph: RunningGraph;
let governed: GovernedGateway;

beforeAll(async () => {
  ungoverned = await startGraph({ subgraphs: ['customers'] });
  const config = testGovernanceConfig({}, [{ id: 'caller', tier: 'gold' }]);
  const built = governedBy(config, createMemoryStore());
  governedGraph = await startGraph({ subgraphs: ['customers'], governance: built.factory });
  governed = governedGateway(
    governedGraph.gatewayUrl.replace(/\/graphql$/, ''),
    built.built.governance!,
  );
}, 60_000);
afterAll(async () => {
  await ungoverned?.close();
  await governedGraph?.close();
});

async function postTo(url: string, body: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe.each(['ungoverned', 'governed'])('a %s gateway', (which) => {
  test.each(cases)('%s is 400 %s', async (_case, code, body, message) => {
    const answer =
      which === 'governed'
        ? await governed.post(body, as('caller'))
        : await postTo(ungoverned.gatewayUrl, body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions.code).toBe(code);
    expect(answer.body.errors[0].message).toMatch(message);
    expect(JSON.stringify(answer.body)).not.toMatch(/stacktrace|\n\s+at /);
  });
});

test('the operationName that selects one of two operations still runs it', async () => {
  const answer = await postTo(ungoverned.gatewayUrl, { query: TWO_OPERATIONS, operationName: 'B' });
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ data: { __typename: 'Query' } });
});
