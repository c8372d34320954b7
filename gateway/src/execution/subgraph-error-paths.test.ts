/**
 * Paths of the errors a subgraph returns, as the client reads them: list indices as numbers even when
 * the subgraph writes them as strings (graphql-jit under Mercurius does), and an entity error at the
 * object it is about, never the plan's `_entities` (issue 16).
 */
import { composeServices } from '@apollo/composition';
import type { GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { SwitchyardGateway } from './switchyard-gateway';

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SDL = {
  items: `${FEDERATION} type Query { items: [Item] } type Item @key(fields: "id") { id: ID! name: String }`,
  notes: `${FEDERATION} type Item @key(fields: "id") { id: ID! note: String }`,
};

/** Subgraphs answering raw JSON, as a server over HTTP would: string indices in their error paths. */
const services: Record<string, GraphQLDataSource> = {
  items: {
    process: async () => ({
      data: {
        items: [
          { __typename: 'Item', id: 'a', name: 'first' },
          { __typename: 'Item', id: 'b', name: null },
        ],
      },
      errors: [{ message: 'name unavailable', path: ['items', '1', 'name'] }],
    }),
  },
  notes: {
    process: async () => ({
      data: { _entities: [{ note: 'n1' }, { note: null }] },
      errors: [
        {
          message: 'note unavailable',
          path: ['_entities', '1', 'note'],
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    }),
  },
};

let server: ApolloServer;

beforeAll(async () => {
  const composed = composeServices(
    Object.entries(SDL).map(([name, sdl]) => ({
      name,
      typeDefs: parse(sdl),
      url: `http://${name}.local/graphql`,
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  server = new ApolloServer({
    gateway: new SwitchyardGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ name }) => services[name],
    }),
  });
  await server.start();
});
afterAll(() => server?.stop());

test('string list indices become numbers, and an entity error names the object it is about', async () => {
  const response = await server.executeOperation({ query: '{ items { name note } }' });
  if (response.body.kind !== 'single') throw new Error('Expected a single result');
  const result = JSON.parse(JSON.stringify(response.body.singleResult));
  expect(result.data).toEqual({
    items: [
      { name: 'first', note: 'n1' },
      { name: null, note: null },
    ],
  });
  expect(result.errors).toEqual([
    {
      message: 'name unavailable',
      path: ['items', 1, 'name'],
      extensions: { serviceName: 'items', code: 'DOWNSTREAM_SERVICE_ERROR' },
    },
    {
      message: 'note unavailable',
      path: ['items', 1, 'note'],
      extensions: { code: 'FORBIDDEN', serviceName: 'notes' },
    },
  ]);
});
