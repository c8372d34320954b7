/** The CLI's HTTP client of a running gateway's admin API (SWITCHYARD_URL, SWITCHYARD_ADMIN_KEY). */
export type AdminAnswer =
  | { ok: true; body: any }
  | { ok: false; refusal?: { message?: string; extensions?: Record<string, any> } };

export async function callAdmin(
  env: NodeJS.ProcessEnv,
  request: { method?: string; path: string; body?: string },
  printError: (line: string) => void,
): Promise<AdminAnswer> {
  const base = (env.SWITCHYARD_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const headers: Record<string, string> = env.SWITCHYARD_ADMIN_KEY
    ? { 'x-api-key': env.SWITCHYARD_ADMIN_KEY }
    : {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, {
      method: request.method ?? 'GET',
      headers,
      body: request.body,
    });
  } catch (error) {
    printError(
      `could not reach the gateway at ${base}: ${(error as Error).cause ?? (error as Error).message}`,
    );
    return { ok: false };
  }
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    printError(
      `the gateway answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`,
    );
    return { ok: false };
  }
  if (!response.ok) {
    const refusal = body?.errors?.[0];
    printError(
      `${response.status} ${refusal?.extensions?.code ?? ''}: ${refusal?.message ?? text}`.trim(),
    );
    return { ok: false, refusal };
  }
  return { ok: true, body };
}
