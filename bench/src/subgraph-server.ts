/**
 * Which server should carry a subgraph? Mercurius on Fastify (JIT on) against Apollo Server
 * (standalone, node:http), on the same Pothos schema, store and SQLite data, answering the same
 * `_entities` query the gateway sends. `npm run bench:subgraph-server [-- --seconds 5 --rounds 2]`.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createContext, openSubgraph } from '@switchyard/kit';
import { customersSubgraph } from '@switchyard/customers';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const body = JSON.stringify({
  query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name status creditLimit { amount currency } billTo { city } } } }`,
  variables: {
    r: Array.from({ length: 20 }, (_, i) => ({
      __typename: 'Customer',
      id: `CUS-${String(i + 1).padStart(4, '0')}`,
    })),
  },
});

async function main() {
  const subgraph = await openSubgraph(customersSubgraph, { dataDir: ':memory:' });
  const db = subgraph.database.db;
  for (let i = 1; i <= 200; i++) {
    const id = `CUS-${String(i).padStart(4, '0')}`;
    await db
      .insertInto('customers')
      .values({
        id,
        account_number: `A${i}`,
        name: `Customer ${i}`,
        status: 'ACTIVE',
        segment: 'WHOLESALE',
        payment_terms: 'NET30',
        credit_limit_cents: 1_000_000,
        currency: 'USD',
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    await db
      .insertInto('addresses')
      .values({
        id: `${id}-B`,
        customer_id: id,
        kind: 'BILL_TO',
        name: 'AP',
        line1: '1 Main',
        line2: null,
        city: 'Atlanta',
        region: 'GA',
        postal_code: '30301',
        country: 'US',
        is_default: 1,
      })
      .execute();
  }
  const mercuriusUrl = `${await subgraph.server.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
  const apollo = new ApolloServer({
    schema: customersSubgraph.schema,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url: apolloUrl } = await startStandaloneServer(apollo, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async () => createContext(subgraph.store, 'bench'),
  });
  const servers = { mercurius: mercuriusUrl, 'apollo-server': apolloUrl };

  const check = await Promise.all(
    Object.values(servers).map((url) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then((r) => r.json())
        .then((j) => JSON.stringify(j)),
    ),
  );
  if (check[0] !== check[1]) throw new Error(`the servers disagree:\n${check[0]}\n${check[1]}`);

  const results: Record<string, number[]> = { mercurius: [], 'apollo-server': [] };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, url] of Object.entries(servers)) {
      await load(url, 1); // warm-up
      const result = await load(url, seconds);
      results[name].push(result.requests.average);
      console.log(
        `round ${round} ${name.padEnd(14)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${result.errors + result.non2xx}`,
      );
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `ratio mercurius/apollo-server: ${(mean(results.mercurius) / mean(results['apollo-server'])).toFixed(2)}`,
  );
  await apollo.stop();
  await subgraph.close();
}

function load(url: string, duration: number) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 16,
    duration,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
