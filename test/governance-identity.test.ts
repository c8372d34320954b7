/**
 * Consumer identity end to end: the real gateway over HTTP, governed by the development config
 * (plus two test consumers), in front of the six real subgraphs on seeded data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { hashApiKey } from '../gateway/src/governance/identity/api-keys';
import { parseGovernanceConfig } from '../gateway/src/governance/governance-config';
import {
  createIdentityModule,
  identityOptionsOf,
} from '../gateway/src/governance/identity/identity';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const JWT_SECRET = 'end-to-end-test-secret-of-32-bytes-or-more';
const ISSUER = 'https://idp.switchyard.test/';

/** gateway/governance.dev.yaml with a shared-secret JWT issuer and a consumer that must name its client and operations. */
function testConfig() {
  const devFile = path.join(__dirname, '..', 'gateway', 'governance.dev.yaml');
  const dev = fs.readFileSync(devFile, 'utf8');
  expect(dev).toContain('  jwt: []');
  const text =
    dev.replace(
      '  jwt: []',
      `  jwt:\n    - { issuer: "${ISSUER}", audience: switchyard, secretEnv: TEST_JWT_SECRET }`,
    ) +
    `
  - id: test-strict-client
    name: A consumer that must name its client and operations
    kind: internal
    apiKeys: [{ sha256: ${hashApiKey('test-strict-client')} }]
    scopes: [orders:read]
    tier: gold
    requireClientName: true
    requireOperationName: true
`;
  return parseGovernanceConfig(text, { source: devFile, env: { TEST_JWT_SECRET: JWT_SECRET } });
}

let graph: RunningGraph;
beforeAll(async () => {
  const config = testConfig();
  graph = await startGraph({
    seedScale: 0.05,
    // Identity alone: nothing enforces the supergraph's field requirements, on purpose.
    ungoverned: true,
    governance: () => [createIdentityModule(identityOptionsOf(config))],
  });
});
afterAll(() => graph.close());

const CUSTOMER_IDS = 'query CustomerIds { customers(first: 100) { edges { node { id } } } }';
const key = (id: string) => ({ 'x-api-key': id });
const idsOf = (body: any): string[] => body.data.customers.edges.map((edge: any) => edge.node.id);

function token(
  claims: Record<string, unknown>,
  expiresAt: number = Math.floor(Date.now() / 1000) + 300,
): Promise<string> {
  return new SignJWT({
    iss: ISSUER,
    aud: 'switchyard',
    sub: 'dana@example.com',
    exp: expiresAt,
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(JWT_SECRET));
}

describe('a development consumer identified by its API key', () => {
  test('is served: dev-sales-portal reads across the graph', async () => {
    const response = await graph.query(
      '{ customer(id: "CUS-0001") { id orders(first: 1) { edges { node { id } } } } }',
      {},
      key('dev-sales-portal'),
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.customer.id).toBe('CUS-0001');
  });

  test('reaches the subgraphs under its own signed identity: the distributor sees only its tenant account', async () => {
    const internal = await graph.query(CUSTOMER_IDS, {}, key('dev-sales-portal'));
    expect(idsOf(internal.body).length).toBeGreaterThan(1);
    const distributor = await graph.query(CUSTOMER_IDS, {}, key('dev-acme-distributor'));
    expect(distributor.status).toBe(200);
    expect(idsOf(distributor.body)).toEqual(['CUS-0001']);
  });
});

describe('a request that cannot be attributed to a consumer', () => {
  test('with a key that is not registered is refused with 401 UNAUTHENTICATED, before any subgraph work, without echoing the key', async () => {
    const statements = graph.subgraphs.customers.database.statements;
    const before = statements.count;
    const response = await graph.query(CUSTOMER_IDS, {}, key('dev-sales-portal-but-guessed'));
    expect(statements.count).toBe(before);
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      {
        message: 'The x-api-key is not registered',
        extensions: { code: 'UNAUTHENTICATED', reason: 'unregistered-key' },
      },
    ]);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
  });

  test('without credentials is refused with 401 UNAUTHENTICATED (the dev config has no anonymous consumer)', async () => {
    const response = await graph.query(CUSTOMER_IDS);
    expect(response.status).toBe(401);
    expect(response.body.errors![0].extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'missing-credentials',
    });
  });

  test('with both a key and a token is refused as ambiguous with 400 BAD_REQUEST', async () => {
    const response = await graph.query(
      CUSTOMER_IDS,
      {},
      {
        ...key('dev-sales-portal'),
        authorization: `Bearer ${await token({ client_id: 'dev-web-store' })}`,
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors![0].extensions).toEqual({
      code: 'BAD_REQUEST',
      reason: 'ambiguous-credentials',
    });
  });
});

describe('a consumer identified by a JWT', () => {
  test('is served as the consumer its client_id claim names, with its tenant', async () => {
    const response = await graph.query(
      CUSTOMER_IDS,
      {},
      {
        authorization: `Bearer ${await token({ client_id: 'dev-acme-distributor', scope: 'orders:read' })}`,
      },
    );
    expect(response.status).toBe(200);
    expect(idsOf(response.body)).toEqual(['CUS-0001']);
  });

  test('with an expired token is refused with 401 and says when it expired', async () => {
    const expiredAt = Math.floor(Date.now() / 1000) - 600;
    const response = await graph.query(
      CUSTOMER_IDS,
      {},
      { authorization: `Bearer ${await token({ client_id: 'dev-sales-portal' }, expiredAt)}` },
    );
    expect(response.status).toBe(401);
    expect(response.body.errors).toEqual([
      {
        message: `The bearer token expired at ${new Date(expiredAt * 1000).toISOString()}`,
        extensions: { code: 'UNAUTHENTICATED', reason: 'expired' },
      },
    ]);
  });

  test('for another audience is refused with 401', async () => {
    const response = await graph.query(
      CUSTOMER_IDS,
      {},
      { authorization: `Bearer ${await token({ client_id: 'dev-sales-portal', aud: 'billing' })}` },
    );
    expect(response.status).toBe(401);
    expect(response.body.errors![0].extensions!.reason).toBe('wrong-audience');
  });
});

describe('a consumer required to name its client and its operations', () => {
  const strict = key('test-strict-client');
  const withClient = {
    ...strict,
    'apollographql-client-name': 'strict-web',
    'apollographql-client-version': '1.2.0',
  };

  test('is refused with 400 CLIENT_NAME_REQUIRED without the apollographql-client-name header', async () => {
    const response = await graph.query(CUSTOMER_IDS, {}, strict);
    expect(response.status).toBe(400);
    expect(response.body.errors![0].extensions).toEqual({
      code: 'CLIENT_NAME_REQUIRED',
      consumer: 'test-strict-client',
      header: 'apollographql-client-name',
    });
  });

  test('is refused with 400 OPERATION_NAME_REQUIRED for an anonymous operation', async () => {
    const response = await graph.query(
      '{ customers(first: 1) { edges { node { id } } } }',
      {},
      withClient,
    );
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      {
        message: 'Consumer "test-strict-client" must name its operations (query Name { ... })',
        extensions: { code: 'OPERATION_NAME_REQUIRED', consumer: 'test-strict-client' },
      },
    ]);
  });

  test('is served when it names both, including an operation picked by operationName from several', async () => {
    expect((await graph.query(CUSTOMER_IDS, {}, withClient)).status).toBe(200);
    const response = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...withClient },
      body: JSON.stringify({
        query: `${CUSTOMER_IDS} query Other { __typename }`,
        operationName: 'Other',
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('does not hold other consumers to its requirements', async () => {
    const response = await graph.query(
      '{ customers(first: 1) { edges { node { id } } } }',
      {},
      key('dev-web-store'),
    );
    expect(response.status).toBe(200);
  });
});
