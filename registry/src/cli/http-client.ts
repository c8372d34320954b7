/**
 * The CLI's one HTTP client, for the registry and for a gateway's admin API: base URL, credential,
 * JSON body, and the two ways a call can fail before there is an answer (unreachable, not JSON).
 */
export interface Service {
  /** Named in the messages: "could not reach the gateway at …". */
  name: 'gateway' | 'registry';
  baseUrl: string;
  /** An API key, or a JWT (sent as a bearer token); none: the call is anonymous. */
  credential?: string;
}

export type ServiceAnswer =
  { reached: true; status: number; body: any } | { reached: false; message: string };

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000';
export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:4010';

/** A gateway's admin API: SWITCHYARD_URL and SWITCHYARD_ADMIN_KEY. */
export function gatewayService(env: NodeJS.ProcessEnv): Service {
  return {
    name: 'gateway',
    baseUrl: env.SWITCHYARD_URL || DEFAULT_GATEWAY_URL,
    credential: env.SWITCHYARD_ADMIN_KEY,
  };
}

/** The registry: SWITCHYARD_REGISTRY_URL and SWITCHYARD_TOKEN. */
export function registryService(env: NodeJS.ProcessEnv): Service {
  return {
    name: 'registry',
    baseUrl: env.SWITCHYARD_REGISTRY_URL || DEFAULT_REGISTRY_URL,
    credential: env.SWITCHYARD_TOKEN,
  };
}

/** Both services accept an API key as `x-api-key` and a JWT as `authorization: Bearer`. */
export function credentialHeaders(credential: string | undefined): Record<string, string> {
  if (!credential) return {};
  // Three dot-separated base64url parts: a JWT; anything else is an API key.
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(credential)
    ? { authorization: `Bearer ${credential}` }
    : { 'x-api-key': credential };
}

/** One call; any HTTP status is an answer, as long as its body is JSON (or empty: null). */
export async function callService(
  service: Service,
  request: { method?: 'GET' | 'POST'; path: string; body?: unknown },
): Promise<ServiceAnswer> {
  const base = service.baseUrl.replace(/\/+$/, '');
  const headers = credentialHeaders(service.credential);
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  } catch (error) {
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    return {
      reached: false,
      message: `could not reach the ${service.name} at ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    };
  }
  const text = await response.text();
  try {
    return { reached: true, status: response.status, body: text ? JSON.parse(text) : null };
  } catch {
    return {
      reached: false,
      message: `the ${service.name} at ${base} answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`,
    };
  }
}
