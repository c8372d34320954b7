import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { DEVELOPMENT_IDENTITY_SECRET, IDENTITY_HEADER, verifyIdentity } from '@switchyard/kit';
import { composeSupergraph } from '../../supergraph-config';
import { SupergraphSource } from '../../supergraph-manager';
import type { GatewayContext } from '../../context';
import type { Consumer } from '../consumer';
import { createMemoryStore } from '../store/memory-store';
import { compareAnswers, coordinateAt } from './answer-comparison';
import { replaySamples } from './contract-replay';
import { fieldSensitivityOf, MASKED, maskRequest } from './sample-masking';
import { createSampleStore } from './sample-store';
import { createTrafficSampler } from './traffic-sampler';

const supergraph = new SupergraphSource(
  composeSupergraph([
    {
      name: 'customers',
      url: 'http://127.0.0.1:9/customers',
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes"])
type Query {
  customer(id: ID!): Customer
  customers(first: Int): [Customer!]!
}
type Customer @key(fields: "id") {
  id: ID!
  name: String!
  creditLimit: Int @requiresScopes(scopes: [["credit:read"]])
  aging(asOf: String): Int @requiresScopes(scopes: [["finance:read"]])
  contacts(role: String): [Contact!]
}
type Contact @requiresScopes(scopes: [["contacts:read"]]) { email: String }
type Mutation { setCreditLimit(id: ID!, limit: Int!): Customer }
`,
    },
  ]),
);
const sensitivity = fieldSensitivityOf(supergraph.apiSchema(), supergraph.directives);

describe('sample masking', () => {
  test('a guarded field’s arguments are masked, literal or through a variable; other arguments are kept', () => {
    const masked = maskRequest(
      parse(
        'query Q($id: ID!, $asOf: String, $role: String) { customer(id: $id) { name aging(asOf: $asOf) contacts(role: $role) { email } } first: customer(id: "C-2") { aging(asOf: "2026-01-31") } }',
      ),
      { id: 'C-1', asOf: '2026-02-01', role: 'billing' },
      sensitivity,
    );
    expect(masked.variables).toEqual({ id: 'C-1', asOf: MASKED, role: MASKED });
    expect(masked.document).not.toContain('2026-01-31');
    expect(masked.document).toContain(`aging(asOf: "${MASKED}")`);
    expect(masked.document).toContain('customer(id: "C-2")');
    expect(masked.masked.sort()).toEqual([
      'argument Customer.aging(asOf:)',
      'argument Customer.contacts(role:)',
    ]);
  });

  test('guarded fields of _entities representations are masked, keys kept', () => {
    const masked = maskRequest(
      parse(
        'query E($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { name } } }',
      ),
      { representations: [{ __typename: 'Customer', id: 'C-1', creditLimit: 50_000 }] },
      sensitivity,
    );
    expect(masked.variables).toEqual({
      representations: [{ __typename: 'Customer', id: 'C-1', creditLimit: MASKED }],
    });
    expect(JSON.stringify(masked)).not.toContain('50000');
    expect(masked.masked).toEqual(['representation Customer.creditLimit']);
  });

  test('a request selecting guarded fields without guarded arguments has nothing to mask', () => {
    const masked = maskRequest(
      parse('query C($id: ID!) { customer(id: $id) { creditLimit } }'),
      { id: 'C-1' },
      sensitivity,
    );
    expect(masked).toEqual({
      document: expect.stringContaining('creditLimit'),
      variables: { id: 'C-1' },
      masked: [],
    });
  });
});

describe('the sampler', () => {
  const consumer = {
    id: 'dev-acme-distributor',
    kind: 'distributor',
    scopes: ['orders:read'],
    tenant: { customerIds: ['C-1'], carrierIds: [] },
  } as unknown as Consumer;
  const context = { consumer, correlationId: 'corr-1' } as GatewayContext;

  test('keeps queries only, one per interval per operation, at most perOperation, with the forwarded identity', async () => {
    let now = 1_000_000;
    const store = createMemoryStore(() => now);
    const samples = createSampleStore(store, 7 * 86_400);
    const sampler = createTrafficSampler(
      { perOperation: 3, sampleIntervalMs: 1_000, maxOperationsPerSubgraph: 10 },
      { samples, supergraph, now: () => now },
    );
    const query = 'query Q__customers__0($id: ID!) { customer(id: $id) { name } }';
    for (let i = 0; i < 6; i++) {
      sampler.sampleExchange({
        subgraph: 'customers',
        request: { query, operationName: 'Q__customers__0', variables: { id: `C-${i}` } },
        context,
      });
      sampler.sampleExchange({
        subgraph: 'customers',
        request: { query, variables: { id: 'throttled' } },
        context,
      });
      sampler.sampleExchange({
        subgraph: 'customers',
        request: { query: 'mutation M { setCreditLimit(id: "C-1", limit: 1) { id } }' },
        context,
      });
      now += 1_000;
    }
    await new Promise((resolve) => setImmediate(resolve));
    const [operation, ...others] = await samples.read('customers', 10);
    expect(others).toEqual([]);
    expect(operation.operationName).toBe('Q__customers__0');
    expect(operation.samples.map((sample) => sample.variables)).toEqual([
      { id: 'C-5' },
      { id: 'C-4' },
      { id: 'C-3' },
    ]);
    expect(operation.samples[0]).toMatchObject({
      identity: {
        id: 'dev-acme-distributor',
        kind: 'distributor',
        scopes: ['orders:read'],
        tenant: { customerIds: ['C-1'], carrierIds: [] },
      },
      correlationId: 'corr-1',
      masked: [],
    });
  });

  test('samples expire after the retention', async () => {
    let now = 1_000_000;
    const store = createMemoryStore(() => now);
    const samples = createSampleStore(store, 60);
    const sampler = createTrafficSampler(
      { perOperation: 3, sampleIntervalMs: 0, maxOperationsPerSubgraph: 10 },
      { samples, supergraph, now: () => now },
    );
    sampler.sampleExchange({
      subgraph: 'customers',
      request: { query: '{ customers(first: 1) { id } }' },
      context,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await samples.read('customers', 10)).toHaveLength(1);
    now += 61_000;
    expect(await samples.read('customers', 10)).toEqual([]);
  });
});

describe('answer comparison', () => {
  const document = parse(
    'query Q($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { __typename id name creditLimit contacts { email } } } }',
  );
  const where = { schema: supergraph.apiSchema(), document };
  const entity = (fields: Record<string, unknown>) => ({
    data: { _entities: [{ __typename: 'Customer', id: 'C-1', ...fields }] },
  });

  test('names fields that became null, type changes and new errors, by path and coordinate, without values', () => {
    const before = entity({ name: 'Acme', creditLimit: 50_000, contacts: [{ email: 'a@b.c' }] });
    const after = {
      ...entity({ name: null, creditLimit: '50000', contacts: [{}] }),
      errors: [
        {
          message: 'name failed',
          path: ['_entities', 0, 'name'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    };
    const differences = compareAnswers(before, after, where);
    expect(differences).toEqual(
      expect.arrayContaining([
        {
          kind: 'new-error',
          path: '_entities[].name',
          coordinate: 'Customer.name',
          detail: 'INTERNAL_SERVER_ERROR: name failed',
        },
        {
          kind: 'became-null',
          path: '_entities[].name',
          coordinate: 'Customer.name',
          detail: 'now null',
        },
        {
          kind: 'type-changed',
          path: '_entities[].creditLimit',
          coordinate: 'Customer.creditLimit',
          detail: 'number → string',
        },
        {
          kind: 'became-null',
          path: '_entities[].contacts[].email',
          coordinate: 'Contact.email',
          detail: 'now missing',
        },
      ]),
    );
    expect(differences).toHaveLength(4);
    expect(JSON.stringify(differences)).not.toMatch(/Acme|50000|a@b\.c/);
  });

  test('the same answer, or one with other values of the same shapes, differs in nothing', () => {
    const before = entity({ name: 'Acme', creditLimit: 1, contacts: [{ email: 'x' }] });
    const after = entity({ name: 'Other', creditLimit: 2, contacts: [] });
    expect(compareAnswers(before, before, where)).toEqual([]);
    expect(compareAnswers(before, after, where)).toEqual([]);
  });

  test('an error that occurred before too is not new', () => {
    const failing = {
      data: { customer: null },
      errors: [{ message: 'x', path: ['customer'], extensions: { code: 'FORBIDDEN' } }],
    };
    const query = {
      schema: supergraph.apiSchema(),
      document: parse('{ customer(id: "1") { id } }'),
    };
    expect(compareAnswers(failing, failing, query)).toEqual([]);
    expect(coordinateAt(query.schema, query.document, {}, ['customer'])).toBe('Query.customer');
  });
});

describe('the replay', () => {
  const identity = { id: 'dev-sales-portal', kind: 'internal' as const, scopes: [], tenant: null };
  const operation = (samples: { masked: string[] }[]) => ({
    subgraph: 'customers',
    key: 'k'.repeat(64),
    document: 'query Q__customers__0 { customers(first: 1) { id name } }',
    operationName: 'Q__customers__0',
    samples: samples.map((sample, index) => ({
      at: new Date(1_000_000 - index).toISOString(),
      variables: null,
      identity,
      correlationId: null,
      ...sample,
    })),
  });
  const servers: Server[] = [];
  /** A subgraph answering `answer`; records the identity headers it was sent. */
  async function subgraph(answer: unknown, seen: string[] = []): Promise<string> {
    const server = createServer((request, response) => {
      seen.push(String(request.headers[IDENTITY_HEADER]));
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(answer));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  afterAll(() => servers.forEach((server) => server.close()));
  const target = (currentUrl: string, candidateUrl: string) => ({
    subgraph: 'customers',
    currentUrl,
    candidateUrl,
    identitySecret: DEVELOPMENT_IDENTITY_SECRET,
    timeoutMs: 2_000,
    concurrency: 2,
    schema: supergraph.apiSchema(),
  });

  test('each unmasked sample goes to both deployments with its identity signed for the subgraph; a masked one is skipped', async () => {
    const seen: string[] = [];
    const answer = { data: { customers: [{ id: 'C-1', name: 'Acme' }] } };
    const current = await subgraph(answer, seen);
    const candidate = await subgraph({ data: { customers: [{ id: 'C-1', name: null }] } }, seen);
    const report = await replaySamples(
      [operation([{ masked: [] }, { masked: ['argument Customer.aging(asOf:)'] }])],
      target(current, candidate),
    );
    expect(seen).toHaveLength(2);
    for (const header of seen)
      expect(verifyIdentity(header, DEVELOPMENT_IDENTITY_SECRET, 'customers')).toMatchObject({
        ok: true,
      });
    expect(report).toMatchObject({ replayed: 1, skipped: 1 });
    expect(report.operations[0]).toMatchObject({
      clientOperation: 'Q',
      skipped: { 'holds masked values': 1 },
      regressions: [
        {
          kind: 'became-null',
          path: 'customers[].name',
          coordinate: 'Customer.name',
          samples: 1,
          consumers: ['dev-sales-portal'],
        },
      ],
    });
  });

  test('a candidate that does not answer is a new error; a current deployment that does not answer skips the sample', async () => {
    const answering = await subgraph({ data: { customers: [] } });
    const closed = 'http://127.0.0.1:9/graphql';
    const down = await replaySamples([operation([{ masked: [] }])], target(answering, closed));
    expect(down.operations[0].regressions).toEqual([
      expect.objectContaining({
        kind: 'new-error',
        path: '',
        detail: expect.stringMatching(/^UNREACHABLE: /),
      }),
    ]);
    const unknown = await replaySamples([operation([{ masked: [] }])], target(closed, answering));
    expect(unknown).toMatchObject({ replayed: 0, skipped: 1 });
    expect(unknown.operations[0].skipped).toEqual({ 'the current deployment did not answer': 1 });
  });
});
