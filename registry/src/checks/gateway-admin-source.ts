/**
 * The check's sources over the gateway's admin API, with an admin credential (an API key or JWT of
 * a consumer holding `governance:admin`):
 * - `POST /admin/usage/coordinates`: usage of many coordinates in one call, each consumer counted
 *   over its own window, per operation with request count and last seen, and when usage was recorded;
 * - `GET /admin/consumers/:id/operations?include=body`: a consumer's registered operations;
 * - `POST /admin/contract-replay`: the gateway's traffic samples of a subgraph replayed against a
 *   candidate deployment (given `replayTimeoutMs`: every sample goes to two deployments).
 * Why the admin API and not the governance store: see governance-sources.ts.
 */
import type { ContractReplayReport } from '@switchyard/gateway/src/governance/traffic-samples/contract-replay';
import type { CoordinatesUsageReport } from '@switchyard/gateway/src/governance/usage/usage-reports';
import {
  SourceUnavailableError,
  type GovernanceSources,
  type RegisteredOperationBody,
  type UsageQuery,
  type UsageReading,
} from './governance-sources';

export interface GatewayAdminSourceOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:4000 (no /graphql). */
  gatewayUrl: string;
  /** Headers that authenticate the registry as a `governance:admin` consumer (`x-api-key` or `authorization`). */
  credentials: Record<string, string>;
  /** Per request (ms). Default 10000. */
  timeoutMs?: number;
  /** For a contract replay, which sends every sample to two deployments (ms). Default 120000. */
  replayTimeoutMs?: number;
  fetch?: typeof fetch;
}

export function createGatewayAdminSource(options: GatewayAdminSourceOptions): GovernanceSources {
  const base = options.gatewayUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchFn = options.fetch ?? fetch;

  async function call<T>(
    what: string,
    path: string,
    init: RequestInit = {},
    callTimeoutMs = timeoutMs,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetchFn(`${base}${path}`, {
        ...init,
        headers: { ...options.credentials, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(callTimeoutMs),
      });
    } catch (error) {
      throw new SourceUnavailableError(
        `${what}: the gateway at ${base} did not answer (${(error as Error).message})`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = `HTTP ${response.status}`;
      try {
        const error = (
          JSON.parse(text) as { errors?: { message?: string; extensions?: { code?: string } }[] }
        ).errors?.[0];
        if (error) detail += ` ${error.extensions?.code ?? ''}: ${error.message ?? ''}`.trimEnd();
      } catch {
        // not JSON: the status says enough
      }
      if (response.status === 404 && path.startsWith('/admin/usage'))
        detail += ' (is the usage module switched off?)';
      if (response.status === 404 && path === '/admin/contract-replay' && !text.includes('"code"'))
        detail += ' (is the trafficSamples module switched off?)';
      throw new SourceUnavailableError(`${what}: ${detail}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new SourceUnavailableError(`${what}: the gateway's answer is not JSON`, {
        cause: error,
      });
    }
  }

  return {
    async usage(query: UsageQuery): Promise<UsageReading> {
      const duration = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;
      const answer = await call<CoordinatesUsageReport>('usage', '/admin/usage/coordinates', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          coordinates: query.coordinates,
          windows: {
            default: duration(query.defaultWindowMs),
            consumers: Object.fromEntries(
              Object.entries(query.windows).map(([id, ms]) => [id, duration(ms)]),
            ),
          },
        }),
      });
      return {
        retentionDays: answer.retentionDays,
        readAt: Date.parse(answer.readAt),
        recorded: answer.recorded.map(({ from, to }) => ({
          from: Date.parse(from),
          to: Date.parse(to),
        })),
        rows: answer.coordinates.flatMap(({ coordinate, consumers }) =>
          consumers.flatMap(({ consumer, operations }) =>
            operations.map((operation) => ({
              coordinate,
              consumer,
              operationId: operation.operationId,
              operationName: operation.operationName,
              requests: operation.requests,
              lastSeen: Date.parse(operation.lastSeen),
            })),
          ),
        ),
      };
    },

    async registeredOperations(consumerId: string): Promise<RegisteredOperationBody[]> {
      const answer = await call<{ operations: RegisteredOperationBody[] }>(
        `registered operations of "${consumerId}"`,
        `/admin/consumers/${encodeURIComponent(consumerId)}/operations?include=body`,
      );
      return answer.operations;
    },

    async replayTraffic(subgraph: string, endpoint: string): Promise<ContractReplayReport> {
      return call<ContractReplayReport>(
        `contract replay of "${subgraph}"`,
        '/admin/contract-replay',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ subgraph, endpoint }),
        },
        options.replayTimeoutMs ?? 120_000,
      );
    },
  };
}
