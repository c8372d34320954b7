/**
 * The CLI's HTTP client of the registry: SWITCHYARD_REGISTRY_URL (default http://127.0.0.1:4010) and
 * SWITCHYARD_TOKEN (an API key, or a JWT when it looks like one: sent as a bearer token).
 */
export type RegistryAnswer =
  { reached: true; status: number; body: any } | { reached: false; message: string };

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:4010';

export async function callRegistry(
  env: NodeJS.ProcessEnv,
  request: { method?: 'GET' | 'POST'; path: string; body?: unknown },
): Promise<RegistryAnswer> {
  const base = (env.SWITCHYARD_REGISTRY_URL || DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  const token = env.SWITCHYARD_TOKEN;
  // Three dot-separated base64url parts: a JWT; anything else is an API key.
  if (token && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) headers.authorization = `Bearer ${token}`;
  else if (token) headers['x-api-key'] = token;
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
      message: `could not reach the registry at ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    };
  }
  const text = await response.text();
  try {
    return { reached: true, status: response.status, body: text ? JSON.parse(text) : null };
  } catch {
    return {
      reached: false,
      message: `the registry at ${base} answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`,
    };
  }
}
