/**
 * The console's only ways to the platform: the gateway's JSON admin API (/admin/*, what the CLI
 * reads), /graphql with the signed-in credential, and the registry through the gateway's
 * /console/api/registry/* proxy. Same origin, so no CORS and no second data path.
 */
import type { Caller } from './session';

/** A refused or failed request, with the stable code and (for a 403) the scope that was missing. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requiredScope: string | null = null,
  ) {
    super(message);
  }
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResult<T> {
  data: T | null;
  errors: GraphQLError[];
}

export interface ConsoleApi {
  whoami(): Promise<Caller>;
  /** GET (or another method with a JSON body) of a gateway admin route, `path` after /admin. */
  admin<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** A GraphQL operation through /graphql; errors are returned beside the data, as the graph answers. */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** A registry route through the gateway's proxy, `path` after the registry's origin. */
  registry<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
}

/** A JWT is three base64url parts; anything else is an API key (the gateway reads either). */
export function credentialHeaders(credential: string): Record<string, string> {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(credential)
    ? { authorization: `Bearer ${credential}` }
    : { 'x-api-key': credential };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** The first GraphQL-style error of a refused admin or registry answer, as an ApiError. */
function refusal(status: number, body: unknown): ApiError {
  const first = (body as { errors?: GraphQLError[] } | null)?.errors?.[0];
  const code = String(first?.extensions?.code ?? `HTTP_${status}`);
  const details = first?.extensions?.details as { requiredScope?: string } | undefined;
  const scope = details?.requiredScope ?? (first?.extensions?.requiredScope as string | undefined);
  const message =
    first?.message ??
    (typeof body === 'object' && body && 'message' in body
      ? String((body as { message: unknown }).message)
      : `HTTP ${status}`);
  return new ApiError(message, status, code, scope ?? null);
}

export function createApi(credential: string): ConsoleApi {
  const headers = credentialHeaders(credential);
  const call = async <T>(
    url: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> => {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...headers,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const body = await readJson(response);
    if (!response.ok) throw refusal(response.status, body);
    return body as T;
  };
  return {
    whoami: () => call<Caller>('/admin/whoami'),
    admin: (path, init) => call(`/admin${path}`, init),
    registry: (path, init) => call(`/console/api/registry${path}`, init),
    async graphql<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/json',
          'apollographql-client-name': 'switchyard-console',
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await readJson(response)) as {
        data?: T | null;
        errors?: GraphQLError[];
      } | null;
      if (!body || typeof body !== 'object') throw refusal(response.status, body);
      if (!response.ok && !body.data) throw refusal(response.status, body);
      return { data: body.data ?? null, errors: body.errors ?? [] };
    },
  };
}
