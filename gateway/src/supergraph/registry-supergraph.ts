/**
 * The registry's `GET /supergraph`, as a gateway calls it: the current supergraph with its ETag, or
 * (with `If-None-Match` and `?wait=<seconds>`) held until a newer one is published (200) or the wait
 * ends (304). See registry/src/server.ts for the route.
 */
import { fetch, type Dispatcher } from 'undici';
import type { PublishedSupergraph } from './supergraph-cache-file';

export interface RegistryRequest {
  registryUrl: string;
  /** An API key (x-api-key) or a JWT (bearer): the registry has no anonymous callers. */
  token: string;
  /** The ETag of the supergraph the gateway holds; with `waitSeconds`, the registry answers when it changes. */
  etag?: string | null;
  waitSeconds?: number;
  signal?: AbortSignal;
  /** The connections to use (the origin's own, closed with it); default undici's global ones. */
  dispatcher?: Dispatcher;
}

export type RegistryAnswer =
  { changed: true; supergraph: PublishedSupergraph } | { changed: false };

/** The registry refused the gateway's credential (401/403): a configuration error, not an outage. */
export class RegistryCredentialError extends Error {}

/** Asks the registry for its current supergraph; throws when it cannot be reached or answers anything unusable. */
export async function fetchRegistrySupergraph(request: RegistryRequest): Promise<RegistryAnswer> {
  const response = await getFromRegistry(request, '/supergraph');
  if (!response) return { changed: false };
  const { status, text, etag } = response;
  if (status === 401 || status === 403)
    throw new RegistryCredentialError(
      `the registry at ${request.registryUrl} refused REGISTRY_TOKEN (${status}${messageOf(text)}); the gateway needs a consumer holding schema:read`,
    );
  if (status !== 200)
    throw new Error(`the registry at ${request.registryUrl} answered ${status}${messageOf(text)}`);
  const body = parseJson(text);
  if (
    !etag ||
    !body ||
    !Number.isSafeInteger(body.version) ||
    typeof body.supergraphSdl !== 'string' ||
    body.supergraphSdl === ''
  )
    throw new Error(
      `the registry at ${request.registryUrl} answered a supergraph without its version, ETag or SDL`,
    );
  return {
    changed: true,
    supergraph: { sdl: body.supergraphSdl, version: body.version as number, etag },
  };
}

/**
 * GET `route` of the registry with the gateway's credential, the ETag it holds and the wait:
 * null when the registry answers 304 (nothing new), else the status, body and ETag of its answer.
 * Throws when the registry cannot be reached.
 */
export async function getFromRegistry(
  request: RegistryRequest,
  route: string,
): Promise<{ status: number; text: string; etag: string | null } | null> {
  const url = new URL(`${request.registryUrl}${route}`);
  if (request.waitSeconds) url.searchParams.set('wait', String(request.waitSeconds));
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(url, {
      headers: registryRequestHeaders(request),
      signal: request.signal,
      dispatcher: request.dispatcher,
    });
  } catch (error) {
    throw new Error(`the registry at ${request.registryUrl} did not answer: ${causeOf(error)}`, {
      cause: error,
    });
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return null;
  }
  return {
    status: response.status,
    text: await response.text(),
    etag: response.headers.get('etag'),
  };
}

/** The headers of a gateway's call to the registry: its credential, and the ETag it holds. */
function registryRequestHeaders(
  request: Pick<RegistryRequest, 'token' | 'etag'>,
): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Three dot-separated base64url parts: a JWT (as the switchyard CLI decides); anything else is an API key.
  if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(request.token))
    headers.authorization = `Bearer ${request.token}`;
  else headers['x-api-key'] = request.token;
  if (request.etag) headers['if-none-match'] = request.etag;
  return headers;
}

export function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `: <message>` from a registry error body, when it has one. */
export function messageOf(text: string): string {
  const errors = parseJson(text)?.errors;
  const message = Array.isArray(errors) ? (errors[0] as { message?: unknown })?.message : undefined;
  return typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, a timeout) in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
