import type { FastifyInstance } from 'fastify';
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  IDENTITY_LIFETIME_SECONDS,
  signIdentity,
  type CallerIdentity,
} from '../identity-header';

/** The caller querySubgraph signs by default: a service, which sees every row. */
export const TEST_SERVICE_IDENTITY: Omit<CallerIdentity, 'exp'> = {
  id: 'service:test',
  kind: 'service',
  scopes: [],
  tenant: null,
};

/**
 * Sends one GraphQL request to a subgraph server without a socket (Fastify's inject), as the gateway
 * would: with an identity signed with the development secret (`identity`, a service by default;
 * null sends none). An `x-switchyard-identity` in `headers` is sent as given instead.
 */
export async function querySubgraph(
  server: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  identity: Omit<CallerIdentity, 'exp'> | null = TEST_SERVICE_IDENTITY,
): Promise<{ status: number; data?: any; errors?: any[]; headers: Record<string, unknown> }> {
  const signed = identity
    ? { [IDENTITY_HEADER]: signIdentity(identity, DEVELOPMENT_IDENTITY_SECRET) }
    : {};
  const response = await server.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...signed, ...headers },
    payload: JSON.stringify({ query, variables }),
  });
  const body: { data?: any; errors?: any[] } = response.json();
  return { ...body, status: response.statusCode, headers: response.headers };
}

/**
 * Identity headers a subgraph must refuse, by what is wrong with them: none at all, signed with
 * another secret, a payload altered after signing (widened to every row), expired, not a header at all.
 */
export function forgedIdentityHeaders(
  identity: Omit<CallerIdentity, 'exp'> = TEST_SERVICE_IDENTITY,
): Record<string, Record<string, string>> {
  const [, signature] = signIdentity(identity, DEVELOPMENT_IDENTITY_SECRET).split('.');
  const widened = Buffer.from(
    JSON.stringify({
      ...identity,
      kind: 'internal',
      tenant: null,
      exp: Math.floor(Date.now() / 1000) + IDENTITY_LIFETIME_SECONDS,
    }),
  ).toString('base64url');
  return {
    missing: {},
    'signed with another secret': {
      [IDENTITY_HEADER]: signIdentity(identity, 'not-the-gateway-secret'),
    },
    'payload tampered after signing': { [IDENTITY_HEADER]: `${widened}.${signature}` },
    expired: { [IDENTITY_HEADER]: signIdentity(identity, DEVELOPMENT_IDENTITY_SECRET, -120) },
    malformed: { [IDENTITY_HEADER]: 'not-a-signed-identity' },
  };
}
