/**
 * HTTP requests to fuzz a governed gateway with: GraphQL bodies (generated and broken documents,
 * batches, persisted-query extensions, fields of the wrong type, non-JSON), over POST and GET,
 * with credentials (valid, invalid, huge, unicode, bearer garbage, JWT-looking), forged identity
 * headers, content types and client names of every sort, on /graphql and the gateway's other routes.
 *
 * Header values are sent as a client's bytes: unicode as UTF-8 (latin1 strings on the wire), and
 * all headers together stay under Node's 16 KiB limit, past which Node itself answers 431 before
 * the gateway sees the request.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { GraphQLSchema } from 'graphql';
import { signIdentity } from '@switchyard/kit';
import {
  brokenDocumentArbitrary,
  operationArbitrary,
  type GeneratedOperation,
} from './graphql-documents';

export interface FuzzRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

export interface RequestOptions {
  schema: GraphQLSchema;
  /** API keys of real consumers (most requests carry one, so they reach the GraphQL pipeline). */
  apiKeys: readonly string[];
  /** The key of a consumer holding governance:admin (for /admin and /metrics). */
  adminKey: string;
  /** Real ids, SKUs and numbers that id-like arguments take. */
  knownValues: readonly string[];
  /** The secret subgraphs verify identity headers with: a forged header signed with it must change nothing either. */
  identitySecret: string;
}

/** The routes a request goes to: /graphql mostly, then the gateway's others and some that do not exist. */
const PATHS = fc.oneof(
  { weight: 40, arbitrary: fc.constant('/graphql') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '/graphql/',
      '/GraphQL',
      '/healthz',
      '/readyz',
      '/metrics',
      '/admin/usage/stages',
      '/admin/usage/consumers?days=-1',
      '/admin/usage/fields/Order.total?days=abc',
      '/admin/usage/deprecated',
      '/admin/contracts/partner',
      '/admin/contracts/__proto__',
      '/admin/consumers/dev-acme-distributor/operations',
      '/admin/consumers/constructor/operations',
      '/admin/consumers/dev-web-store/budget',
      '/admin/unknown-operations',
      '/admin/audit?limit=999999999',
      '/nope',
      '/graphql/../admin',
      '/%2e%2e/%00',
    ),
  },
);

const CONTENT_TYPES = fc.oneof(
  { weight: 40, arbitrary: fc.constant('application/json') },
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json;charset=utf-16',
      'APPLICATION/JSON',
      'application/json, text/plain',
      'text/plain',
      'text/plain; charset=utf-8',
      'multipart/form-data; boundary=----fuzz',
      'application/x-www-form-urlencoded',
      'application/graphql',
      'application/graphql-response+json',
      '',
      'x/\u00ff',
      ';;;',
      undefined,
    ),
  },
);

/** A UTF-8 string as the latin1 string of its bytes: what a header carries on the wire. */
const asHeaderBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** Drops characters no HTTP header value may carry (a client library refuses them before sending). */
const headerSafe = (text: string) =>
  [...asHeaderBytes(text)]
    .filter((char) => char === '\t' || (char >= ' ' && char !== '\u007f'))
    .join('')
    .trim();

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function credentials(options: RequestOptions): fc.Arbitrary<Record<string, string | string[]>> {
  const garbage = fc.string({ unit: 'grapheme', maxLength: 40 }).map(headerSafe);
  const jwtLooking = fc
    .tuple(
      fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'HS512'),
      fc.constantFrom('dev-platform-admin', 'dev-sales-portal', 'root', ''),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: 4_000_000_000 }),
    )
    .map(
      ([alg, sub, signature, exp]) =>
        `${base64url({ alg, typ: 'JWT' })}.${base64url({ sub, scope: 'governance:admin', exp, aud: 'switchyard' })}.${Buffer.from(signature).toString('base64url')}`,
    );
  return fc.oneof(
    {
      weight: 50,
      arbitrary: fc.constantFrom(...options.apiKeys).map((key) => ({ 'x-api-key': key })),
    },
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 2, arbitrary: garbage.map((key) => ({ 'x-api-key': key })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_000, max: 8_000 })
        .map((length) => ({ 'x-api-key': 'k'.repeat(length) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('Bearer', 'bearer', 'Basic', 'Token', ''),
          fc.oneof(garbage, jwtLooking),
        )
        .map(([scheme, token]) => ({ authorization: `${scheme} ${token}` })),
    },
    { weight: 2, arbitrary: jwtLooking.map((token) => ({ authorization: `Bearer ${token}` })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...options.apiKeys).map((key) => ({
        'x-api-key': key,
        authorization: `Bearer ${key}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...options.apiKeys)
        .map((key) => ({ 'x-api-key': [key, options.adminKey] })),
    },
  );
}

/** An x-switchyard-identity header claiming everything: garbage, or signed with the subgraphs' real secret. */
function forgedIdentity(options: RequestOptions): fc.Arbitrary<string> {
  // Signed for the orders subgraph (an identity names its audience), and as one without any.
  const claim: Parameters<typeof signIdentity>[0] = {
    aud: 'orders',
    id: 'dev-platform-admin',
    kind: 'internal',
    scopes: ['governance:admin', 'credit:read', 'finance:read', 'catalog:cost:read'],
    tenant: null,
  };
  return fc.oneof(
    fc.constant(signIdentity(claim, options.identitySecret)),
    fc.constant(signIdentity(claim, options.identitySecret, -120)),
    fc.constant(signIdentity(claim, 'not-the-secret')),
    fc.constant(signIdentity({ ...claim, aud: '' }, options.identitySecret)),
    fc.string({ maxLength: 60 }).map(headerSafe),
    fc.constant(`${base64url({ ...claim, exp: 4_000_000_000 })}.forged`),
  );
}

/** Present now and then: most requests carry none of the optional headers. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Headers besides credentials and content type: client name, correlation, trace context, accept, identity. */
function otherHeaders(options: RequestOptions): fc.Arbitrary<Record<string, string>> {
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.integer({ min: 500, max: 4_000 }).map((length) => 'n'.repeat(length)),
  );
  return fc
    .record({
      'apollographql-client-name': sometimes(text.map(headerSafe)),
      'apollographql-client-version': sometimes(text.map(headerSafe)),
      'x-correlation-id': sometimes(text.map(headerSafe)),
      traceparent: sometimes(
        fc.oneof(
          fc.constant('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
          fc.string({ maxLength: 60 }).map(headerSafe),
        ),
      ),
      accept: sometimes(
        fc.constantFrom(
          'application/json',
          'application/graphql-response+json',
          'text/html',
          '*/*',
          'application/xml',
          '',
        ),
      ),
      'apollo-require-preflight': sometimes(fc.constant('true')),
      'x-switchyard-identity': sometimes(forgedIdentity(options)),
    })
    .map(
      (headers) =>
        Object.fromEntries(
          Object.entries(headers).filter(([, value]) => value !== undefined),
        ) as Record<string, string>,
    );
}

/** What a request carries: a JSON value, or raw text that is not (or not only) JSON. */
type Payload = { json: unknown } | { raw: string };

function payloads(options: RequestOptions): fc.Arbitrary<Payload> {
  const operation = operationArbitrary(options.schema, {
    wrongTypes: 0.15,
    mutations: 0.1,
    maxDepth: 4,
    knownValues: options.knownValues,
  });
  const broken = brokenDocumentArbitrary(options.schema, operation);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const persisted = fc
    .tuple(
      operation,
      fc.constantFrom(1, 2, '1', 0, null),
      fc.constantFrom('right', 'other', 'garbage', 'missing'),
      fc.boolean(),
    )
    .map(([{ query }, version, hash, withQuery]) => ({
      json: {
        ...(withQuery ? { query } : {}),
        extensions: {
          persistedQuery: {
            version,
            ...(hash === 'missing'
              ? {}
              : {
                  sha256Hash:
                    hash === 'right'
                      ? sha256(query)
                      : hash === 'other'
                        ? sha256(`${query} `)
                        : 'zz'.repeat(40),
                }),
          },
        },
      },
    }));
  const documentId = fc
    .tuple(operation, fc.constantFrom('sha256:', '', 'md5:', 'sha256:sha256:'))
    .map(([{ query }, prefix]) => ({ json: { documentId: `${prefix}${sha256(query)}` } }));
  const wrongFieldTypes = fc
    .record(
      {
        query: fc.oneof(fc.jsonValue(), fc.string()),
        variables: fc.jsonValue(),
        operationName: fc.jsonValue(),
        extensions: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((json) => ({ json }));
  const asBody = (op: GeneratedOperation) => ({ json: op });
  const deepJson = fc.integer({ min: 10, max: 100_000 }).map((depth) => ({
    raw: `{"query":"{__typename}","variables":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  }));
  const oversized = fc
    .integer({ min: 1_048_577, max: 1_300_000 })
    .map((length) => ({ json: { query: `{ __typename } #${'x'.repeat(length)}` } }));
  const protoKeys = fc.constant({
    raw: '{"query":"{ __typename }","__proto__":{"polluted":true},"variables":{"constructor":{"prototype":{"x":1}}}}',
  });
  return fc.oneof(
    { weight: 30, arbitrary: operation.map(asBody) },
    { weight: 8, arbitrary: broken.map((query) => ({ json: { query } })) },
    { weight: 3, arbitrary: persisted },
    { weight: 2, arbitrary: documentId },
    { weight: 3, arbitrary: wrongFieldTypes },
    {
      weight: 2,
      arbitrary: fc.array(operation, { maxLength: 4 }).map((batch) => ({ json: batch })),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((raw) => ({ raw })) },
    { weight: 1, arbitrary: fc.constantFrom({ raw: '' }, { raw: 'null' }, { raw: '{"query":' }) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: protoKeys },
    { weight: 1, arbitrary: oversized },
  );
}

/** Longest GET URL sent: longer ones go as POST (Node answers 431 to a request line past its header limit). */
const MAX_GET_URL = 8_000;

/** A GET's query string from a payload: each field of an object as a parameter, anything else raw. */
function searchOf(payload: Payload): string {
  if ('raw' in payload) return `?${encodeURIComponent(payload.raw)}`;
  const json = payload.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return `?query=${encodeURIComponent(JSON.stringify(json))}`;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(json))
    params.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  return `?${params}`;
}

export function requestArbitrary(options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 14, arbitrary: fc.constant('POST') },
        { weight: 5, arbitrary: fc.constant('GET') },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      ),
      path: PATHS,
      credentials: credentials(options),
      contentType: CONTENT_TYPES,
      headers: otherHeaders(options),
      payload: payloads(options),
      adminCall: fc.boolean(),
      preflight: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ method, path, credentials, contentType, headers, payload, adminCall, preflight }) => {
      const request: FuzzRequest = {
        method,
        path,
        headers: {
          ...headers,
          // Most GETs say they are not a browser's form (Apollo's CSRF prevention refuses the rest).
          ...(method === 'GET' && preflight < 0.8 ? { 'apollo-require-preflight': 'true' } : {}),
          // Half the calls to /admin and /metrics are the admin's, so the routes behind the check run too.
          ...(adminCall && /^\/(admin|metrics)/.test(path)
            ? { 'x-api-key': options.adminKey }
            : credentials),
        },
      };
      if (method === 'GET' || method === 'HEAD') {
        const url = `${path}${path.includes('?') ? '&' : ''}${searchOf(payload).slice(path.includes('?') ? 1 : 0)}`;
        if (url.length <= MAX_GET_URL) return { ...request, path: url };
        request.method = 'POST';
      }
      if (contentType !== undefined) request.headers['content-type'] = contentType;
      request.body = 'raw' in payload ? payload.raw : JSON.stringify(payload.json);
      return request;
    });
}

/** Whether a request goes to the GraphQL route (its answers must have GraphQL's shape). */
export const isGraphQLRoute = (request: Pick<FuzzRequest, 'method' | 'path'>) =>
  (request.method === 'GET' || request.method === 'POST') && /^\/graphql(\?|$)/.test(request.path);

/** The request, short enough to read in a failure report (long values cut, with their length). */
export function describeRequest(request: FuzzRequest): string {
  const cut = (text: string) =>
    text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text;
  const headers = Object.entries(request.headers).map(
    ([name, value]) => `${name}: ${cut(Array.isArray(value) ? value.join(' | ') : value)}`,
  );
  return [
    `${request.method} ${cut(request.path)}`,
    ...headers,
    ...(request.body === undefined ? [] : ['', cut(request.body)]),
  ].join('\n');
}
