/**
 * Issue 18's correctness cases (federation-correctness.fixtures.ts): every operation runs through
 * SwitchyardGateway, which must give the answer the Federation specification implies and run the
 * plan on its own executor (@apollo/gateway's executor runs nothing inside it), and through stock
 * @apollo/gateway, whose answer must be the same or be the wrong answer the case records for it.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  buildServiceOf,
  correctnessCases,
  isExpectedAnswer,
  supergraphOf,
  type CaseOperation,
  type CaseResult,
  type CorrectnessCase,
} from './federation-correctness.fixtures';
import { SwitchyardGateway } from './switchyard-gateway';
import { countApolloExecutions } from './testing/apollo-executions';

interface Servers {
  stock: ApolloServer;
  switchyard: ApolloServer;
  /** How many operations @apollo/gateway's own executor ran inside SwitchyardGateway so far. */
  apolloExecutions(): number;
}

async function serversFor(correctnessCase: CorrectnessCase): Promise<Servers> {
  const supergraphSdl = supergraphOf(correctnessCase);
  const buildService = buildServiceOf(correctnessCase);
  const switchyardGateway = new SwitchyardGateway({ supergraphSdl, buildService });
  const stock = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl, buildService }),
    includeStacktraceInErrorResponses: false,
  });
  const switchyard = new ApolloServer({
    gateway: switchyardGateway,
    includeStacktraceInErrorResponses: false,
  });
  const apolloExecutions = countApolloExecutions(switchyardGateway);
  await Promise.all([stock.start(), switchyard.start()]);
  return { stock, switchyard, apolloExecutions };
}

async function answer(server: ApolloServer, query: string): Promise<CaseResult> {
  const response = await server.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('Expected a single result');
  // Through JSON, as a client reads it (errors by their toJSON, key order kept).
  return JSON.parse(JSON.stringify(response.body.singleResult)) as CaseResult;
}

/** The answer is `expected` (the JSON text diffed when it is not, to show how it differs). */
function expectAnswer(actual: CaseResult, expected: CaseOperation['expected']) {
  if (isExpectedAnswer(actual, expected)) return;
  if ('someErrors' in expected) {
    expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
    expect(actual.errors ?? []).not.toEqual([]);
  } else expect(JSON.stringify(actual, null, 1)).toBe(JSON.stringify(expected, null, 1));
}

describe.each(
  correctnessCases.map((correctnessCase) => [correctnessCase.name, correctnessCase] as const),
)('correctness: %s', (_name, correctnessCase) => {
  let servers: Servers;
  beforeAll(async () => {
    servers = await serversFor(correctnessCase);
  });
  afterAll(async () => {
    await Promise.all([servers?.stock.stop(), servers?.switchyard.stop()]);
  });

  const operations = correctnessCase.operations.map(
    (operation) => [operation.title, operation] as const,
  );
  test.each(operations)('%s: Switchyard answers it on its own executor', async (_, operation) => {
    const before = servers.apolloExecutions();
    expectAnswer(await answer(servers.switchyard, operation.query), operation.expected);
    expect(servers.apolloExecutions() - before).toBe(0);
  });
  test.each(operations)('%s: stock @apollo/gateway', async (_, operation) => {
    const stock = await answer(servers.stock, operation.query);
    // Where stock is wrong, its wrong answer is pinned: the case must still exercise the defect.
    if (operation.stockWrong)
      expect(JSON.stringify(stock, null, 1)).toBe(
        JSON.stringify(operation.stockWrong.answer, null, 1),
      );
    else expectAnswer(stock, operation.expected);
  });
});
