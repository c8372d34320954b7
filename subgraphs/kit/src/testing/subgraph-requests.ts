import type { FastifyInstance } from 'fastify';
import { subgraphNameOf } from '../server';
import {
  DEVELOPMENT_IDENTITY_SECRET,
  IDENTITY_HEADER,
  IDENTITY_LIFETIME_SECONDS,
  signIdentity,
  type CallerIdentity,
  type SignedIdentity,
} from '../identity-header';

/** The caller querySubgraph signs by default: a service, which sees every row. */
export const TEST_SERVICE_IDENTITY: Omit<CallerIdentity, 'exp'> = {
  id: 'service:test',
  kind: 'service',
  scopes: [],
  tenant: null,
};

/** The subgraph a server made by createSubgraphServer answers as: the audience its identities are signed for. */
export function audienceOf(server: FastifyInstance): string {
  const name = subgraphNameOf(server);
  if (!name)
    throw new Error('not a subgraph server (createSubgraphServer): no audience to sign for');
  return name;
}

/**
 * Sends one GraphQL request to a subgraph server without a socket (Fastify's inject), as the gateway
 * would: with an identity signed with the development secret for that subgraph (`identity`, a
 * service by default; null sends none). An `x-switchyard-identity` in `headers` is sent as given instead.
 */
export async function querySubgraph(
  server: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string | string[]> = {},
  identity: Omit<CallerIdentity, 'exp'> | null = TEST_SERVICE_IDENTITY,
): Promise<{ status: number; data?: any; errors?: any[]; headers: Record<string, unknown> }> {
  const signed = identity
    ? {
        [IDENTITY_HEADER]: signIdentity(
          { ...identity, aud: audienceOf(server) },
          DEVELOPMENT_IDENTITY_SECRET,
        ),
      }
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
 * Identity headers the subgraph named `audience` must refuse, by what is wrong with them: none at
 * all, signed with another secret, a payload altered after signing (widened to every row),
 * expired (a captured header replayed after its lifetime), signed for another subgraph, signed
 * without an audience, not a header at all, and a valid header sent twice.
 */
export function forgedIdentityHeaders(
  audience: string,
  identity: Omit<CallerIdentity, 'exp'> = TEST_SERVICE_IDENTITY,
): Record<string, Record<string, string | string[]>> {
  const valid = signIdentity({ ...identity, aud: audience }, DEVELOPMENT_IDENTITY_SECRET);
  const [, signature] = valid.split('.');
  const widened = Buffer.from(
    JSON.stringify({
      ...identity,
      aud: audience,
      kind: 'internal',
      tenant: null,
      exp: Math.floor(Date.now() / 1000) + IDENTITY_LIFETIME_SECONDS,
    }),
  ).toString('base64url');
  const otherAudience = audience === 'orders' ? 'finance' : 'orders';
  return {
    missing: {},
    'signed with another secret': {
      [IDENTITY_HEADER]: signIdentity({ ...identity, aud: audience }, 'not-the-gateway-secret'),
    },
    'payload tampered after signing': { [IDENTITY_HEADER]: `${widened}.${signature}` },
    expired: {
      [IDENTITY_HEADER]: signIdentity(
        { ...identity, aud: audience },
        DEVELOPMENT_IDENTITY_SECRET,
        -120,
      ),
    },
    'signed for another subgraph': {
      [IDENTITY_HEADER]: signIdentity(
        { ...identity, aud: otherAudience },
        DEVELOPMENT_IDENTITY_SECRET,
      ),
    },
    // The type asks for an audience; this header is the one a signer that forgot it would send.
    'signed without an audience': {
      [IDENTITY_HEADER]: signIdentity(
        identity as Omit<SignedIdentity, 'exp'>,
        DEVELOPMENT_IDENTITY_SECRET,
      ),
    },
    malformed: { [IDENTITY_HEADER]: 'not-a-signed-identity' },
    'sent twice': { [IDENTITY_HEADER]: [valid, valid] },
  };
}
