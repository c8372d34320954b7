import Fastify from 'fastify';
import { createAdminAuth } from '../admin-auth';
import { hashApiKey } from '../identity/api-keys';
import { createIdentifier } from '../identity/identity';
import { createMetricsModule, registerMetricsRoute } from './metrics';
import type { FinishedRequest } from './request-log';

function finished(overrides: Partial<FinishedRequest>): FinishedRequest {
  return {
    correlationId: 'c',
    consumer: 'dev-web-store',
    client: { name: null, version: null },
    operationName: 'Cart',
    persistedOperationId: null,
    status: 200,
    durationMs: 12,
    outcome: 'ok',
    errorCodes: [],
    ...overrides,
  };
}

async function value(
  metrics: ReturnType<typeof createMetricsModule>,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find(
    (candidate) => candidate.name === name,
  );
  const found = (
    metric?.values as { labels: Record<string, string | number>; value: number }[] | undefined
  )?.find(
    (entry) =>
      Object.entries(labels).every(([key, expected]) => String(entry.labels[key]) === expected) &&
      Object.keys(entry.labels).length >= Object.keys(labels).length,
  );
  return found?.value ?? 0;
}

describe('createMetricsModule', () => {
  test('labels at most maxOperationsPerConsumer operation names per consumer; later names count as "other"', async () => {
    const metrics = createMetricsModule({ processMetrics: false, maxOperationsPerConsumer: 2 });
    for (const operationName of ['A', 'B', 'C', 'D', 'A'])
      metrics.recordRequest(finished({ operationName }));
    metrics.recordRequest(finished({ consumer: 'dev-finance-ops', operationName: 'C' }));
    const requests = (labels: Record<string, string>) =>
      value(metrics, 'switchyard_gateway_requests_total', { outcome: 'ok', ...labels });
    expect(await requests({ consumer: 'dev-web-store', operation: 'A' })).toBe(2);
    expect(await requests({ consumer: 'dev-web-store', operation: 'B' })).toBe(1);
    expect(await requests({ consumer: 'dev-web-store', operation: 'other' })).toBe(2);
    expect(await requests({ consumer: 'dev-finance-ops', operation: 'C' })).toBe(1);
  });

  test('requests are counted into the counter when it is scraped: each scrape adds what came since the last one', async () => {
    const metrics = createMetricsModule({ processMetrics: false });
    const cart = () =>
      value(metrics, 'switchyard_gateway_requests_total', {
        consumer: 'dev-web-store',
        operation: 'Cart',
        outcome: 'ok',
      });
    metrics.recordRequest(finished({}));
    metrics.recordRequest(finished({}));
    expect(await cart()).toBe(2);
    expect(await cart()).toBe(2);
    metrics.recordRequest(finished({}));
    expect(await metrics.registry.metrics()).toContain(
      'switchyard_gateway_requests_total{consumer="dev-web-store",operation="Cart",outcome="ok"} 3',
    );
  });

  test('a request without consumer or operation name is labelled anonymous', async () => {
    const metrics = createMetricsModule({ processMetrics: false });
    metrics.recordRequest(
      finished({
        consumer: null,
        operationName: null,
        outcome: 'rejected',
        errorCodes: ['UNAUTHENTICATED'],
      }),
    );
    expect(
      await value(metrics, 'switchyard_gateway_requests_total', {
        consumer: 'anonymous',
        operation: 'anonymous',
        outcome: 'rejected',
      }),
    ).toBe(1);
  });

  test('counts each error by its code, and an error "code" that is not a code as "other"', async () => {
    const metrics = createMetricsModule({ processMetrics: false });
    metrics.recordRequest(
      finished({
        outcome: 'error',
        errorCodes: ['NOT_FOUND', 'NOT_FOUND', 'free text from somewhere'],
      }),
    );
    expect(await value(metrics, 'switchyard_gateway_errors_total', { code: 'NOT_FOUND' })).toBe(2);
    expect(await value(metrics, 'switchyard_gateway_errors_total', { code: 'other' })).toBe(1);
  });

  test('counts RATE_LIMITED answers as rate-limit refusals of their consumer', async () => {
    const metrics = createMetricsModule({ processMetrics: false });
    metrics.recordRequest(
      finished({ status: 429, outcome: 'rejected', errorCodes: ['RATE_LIMITED'] }),
    );
    metrics.recordRequest(
      finished({ status: 400, outcome: 'rejected', errorCodes: ['OPERATION_LIMIT_EXCEEDED'] }),
    );
    expect(
      await value(metrics, 'switchyard_rate_limit_refusals_total', { consumer: 'dev-web-store' }),
    ).toBe(1);
  });

  test('two modules keep separate registries: nothing is global', async () => {
    const first = createMetricsModule({ processMetrics: false });
    const second = createMetricsModule({ processMetrics: false });
    first.recordRequest(finished({}));
    first.observeSubgraphFetch('orders', 0.02, false);
    expect(
      await value(first, 'switchyard_subgraph_fetch_errors_total', { subgraph: 'orders' }),
    ).toBe(1);
    expect(await value(second, 'switchyard_gateway_requests_total', {})).toBe(0);
    expect(
      await value(second, 'switchyard_subgraph_fetch_errors_total', { subgraph: 'orders' }),
    ).toBe(0);
  });

  test('process metrics are exposed under the gateway prefix unless switched off', async () => {
    expect(await createMetricsModule().registry.metrics()).toContain(
      'switchyard_gateway_process_cpu_user_seconds_total',
    );
    expect(await createMetricsModule({ processMetrics: false }).registry.metrics()).not.toContain(
      'process_cpu',
    );
  });
});

describe('registerMetricsRoute', () => {
  test('serves GET /metrics in the Prometheus text format, to governance:admin only', async () => {
    const metrics = createMetricsModule({ processMetrics: false });
    metrics.setUsageFlushLag(4);
    const registered = (id: string, scopes: string[]) => ({
      consumer: {
        id,
        name: id,
        kind: 'internal' as const,
        scopes,
        tenant: null,
        tier: 'gold',
        persistedOperations: 'allow' as const,
        contract: null,
        requireClientName: false,
        requireOperationName: false,
      },
      apiKeySha256: [hashApiKey(id)],
    });
    const identifier = createIdentifier({
      consumers: [registered('scraper', ['governance:admin']), registered('web', [])],
    });
    const app = Fastify();
    registerMetricsRoute(app, metrics, { authorize: createAdminAuth(identifier) });
    const scrape = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/metrics', headers });
    const [anonymous, web, response] = [
      await scrape({}),
      await scrape({ 'x-api-key': 'web' }),
      await scrape({ 'x-api-key': 'scraper' }),
    ];
    await app.close();
    expect(anonymous.statusCode).toBe(401);
    expect(web.statusCode).toBe(403);
    expect(web.body).not.toContain('switchyard_');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE switchyard_gateway_request_duration_seconds histogram');
    expect(response.body).toContain('switchyard_usage_flush_lag_seconds 4');
  });
});
