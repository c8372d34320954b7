/**
 * What every answer of the gateway must be, whatever it was sent: not a server error, no stack
 * trace or source path anywhere, JSON (GraphQL's shape on the GraphQL route), and every error with a
 * string `extensions.code` a client can act on.
 */
import { isGraphQLRoute, type FuzzRequest } from './gateway-requests';

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Traces of the server's insides: stack frames, source or install paths, Apollo's stacktrace extension. */
const LEAKS: [RegExp, string][] = [
  [/\n\s+at \S/, 'a stack frame ("    at ...")'],
  [/\/work\//, 'a source path (/work/)'],
  [/node_modules/, 'an install path (node_modules)'],
  [/"stacktrace"/, 'a stacktrace extension'],
  [/\.ts:\d+:\d+/, 'a source location (file.ts:line:column)'],
  [/https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/, "an internal address (a subgraph's URL)"],
];

const GRAPHQL_KEYS = new Set(['data', 'errors', 'extensions']);

/** Everything wrong with `response` as an answer to `request`; empty when it holds. */
export function violationsOf(request: FuzzRequest, response: FuzzResponse): string[] {
  const violations: string[] = [];
  if (response.status >= 500) violations.push(`status ${response.status}`);
  for (const [pattern, what] of LEAKS)
    if (pattern.test(response.text)) violations.push(`the body carries ${what}`);
  if (request.method === 'HEAD') return violations;
  // OPTIONS is answered as a CORS preflight would be: 204 and headers, no body to parse.
  if (request.method === 'OPTIONS' && response.status === 204 && response.text === '')
    return violations;
  // Prometheus' text format is what /metrics answers its admin.
  if (request.path.startsWith('/metrics') && response.status === 200) return violations;
  // A browser's GET of /graphql gets the embedded explorer's HTML page when the config enables it.
  if (isExplorerPage(request, response)) return violations;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return [...violations, `the body is not JSON (${response.contentType || 'no content type'})`];
  }
  if (isGraphQLRoute(request)) {
    for (const answer of Array.isArray(body) ? body : [body]) {
      if (!isObject(answer) || Object.keys(answer).some((key) => !GRAPHQL_KEYS.has(key)))
        violations.push('the body is not a GraphQL response (data, errors, extensions)');
      else if (!('data' in answer) && !('errors' in answer))
        violations.push('a GraphQL response with neither data nor errors');
    }
  }
  for (const answer of Array.isArray(body) ? body : [body]) {
    if (!isObject(answer) || !('errors' in answer)) continue;
    const errors = answer.errors;
    if (!Array.isArray(errors) || errors.length === 0)
      violations.push('errors is not a non-empty list');
    else
      for (const error of errors) {
        if (!isObject(error) || typeof error.message !== 'string')
          violations.push('an error without a message');
        else if (!isObject(error.extensions) || typeof error.extensions.code !== 'string')
          violations.push(`an error without extensions.code: ${error.message.slice(0, 200)}`);
      }
  }
  return violations;
}

/** The error codes an answer carries, each once (none: `(no errors)`; not JSON: `(not JSON)`). */
export function errorCodesOf(response: FuzzResponse): string[] {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return ['(not JSON)'];
  }
  const codes = new Set<string>();
  for (const answer of Array.isArray(body) ? body : [body])
    if (isObject(answer) && Array.isArray(answer.errors))
      for (const error of answer.errors)
        codes.add(
          isObject(error) && isObject(error.extensions) && typeof error.extensions.code === 'string'
            ? error.extensions.code
            : '(no code)',
        );
  return codes.size ? [...codes] : ['(no errors)'];
}

function isExplorerPage(request: FuzzRequest, response: FuzzResponse): boolean {
  const accept = request.headers.accept;
  return (
    request.method === 'GET' &&
    isGraphQLRoute(request) &&
    typeof accept === 'string' &&
    accept.includes('text/html') &&
    response.status === 200 &&
    response.contentType.startsWith('text/html')
  );
}

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
