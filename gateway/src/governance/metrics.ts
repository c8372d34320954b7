/**
 * Prometheus metrics of the gateway, on its own prom-client Registry (no global state: tests and
 * several gateways share a process). Requests are counted where every answer passes (see
 * request-log.ts `watchRequests`), refusals before GraphQL included; subgraph calls are timed by
 * the subgraph client (`observeSubgraphFetch`); the usage module reports its flush lag.
 *
 * Label cardinality is bounded: `consumer` is a configured consumer id (or `anonymous`),
 * `operation` an operation name (or `anonymous`), at most `maxOperationsPerConsumer` distinct ones
 * per consumer and `other` beyond, `code` an error code, `subgraph` a subgraph name.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { BucketHistogram, type HistogramSeries } from './bucket-histogram';
import type { GovernanceModule } from './module';
import { watchRequests, type FinishedRequest, type RequestWatch } from './request-log';
import { GovernanceCode } from './errors';

export interface MetricsOptions {
  /** Upper bounds (seconds) of the request duration histogram's buckets. Default 5 ms … 10 s. */
  requestDurationBuckets?: number[];
  /** Upper bounds (seconds) of the subgraph fetch duration histogram's buckets. Default 1 ms … 10 s. */
  subgraphFetchDurationBuckets?: number[];
  /** Distinct operation names labelled per consumer; later ones are counted as `other`. Default 100. */
  maxOperationsPerConsumer?: number;
  /** Also expose Node.js process metrics (CPU, memory, event loop lag, GC) as `switchyard_gateway_process_*` / `..._nodejs_*`. Default true. */
  processMetrics?: boolean;
  /** Path of the GraphQL route whose requests are counted. Default `/graphql`. */
  graphqlPath?: string;
}

/** Told the duration (seconds) and success of one subgraph call; the subgraph client calls it. */
export type SubgraphFetchObserver = (subgraph: string, seconds: number, ok: boolean) => void;

export type MetricsModule = GovernanceModule & {
  readonly registry: Registry;
  /** For the subgraph client (SubgraphClientOptions.observeFetch). */
  observeSubgraphFetch: SubgraphFetchObserver;
  /** For the usage module: how old the oldest usage not yet written to the store is, in seconds (0 right after a flush). */
  setUsageFlushLag(seconds: number): void;
  /** Counts one finished request (what `registerMetricsRoute`'s hooks call). */
  recordRequest(request: FinishedRequest): void;
  /** The request watch whose hooks `registerMetricsRoute` installs. */
  readonly watch: RequestWatch;
};

export const METRICS_DEFAULTS = {
  requestDurationBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  subgraphFetchDurationBuckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  maxOperationsPerConsumer: 100,
  processMetrics: true,
  graphqlPath: '/graphql',
} as const;

const ANONYMOUS = 'anonymous';
const OTHER = 'other';
/** An error code is a client-visible constant; anything else (a subgraph's free text) is not a label value. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export function createMetricsModule(options: MetricsOptions = {}): MetricsModule {
  const registry = new Registry();
  if (options.processMetrics ?? METRICS_DEFAULTS.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'switchyard_gateway_' });

  const requests = new Counter({
    name: 'switchyard_gateway_requests_total',
    help: 'GraphQL requests answered, by consumer, operation name and outcome (ok, error: executed with errors, rejected: answered without executing)',
    labelNames: ['consumer', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'switchyard_gateway_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  // Observed on every request and every subgraph call: BucketHistogram, exported as prom-client's Histogram is.
  const requestDuration = new BucketHistogram(
    'switchyard_gateway_request_duration_seconds',
    'Time from receiving a GraphQL request to sending its response, by consumer and operation name',
    ['consumer', 'operation'],
    options.requestDurationBuckets ?? METRICS_DEFAULTS.requestDurationBuckets,
    registry,
  );
  const subgraphFetchDuration = new BucketHistogram(
    'switchyard_subgraph_fetch_duration_seconds',
    'Duration of the gateway calls to each subgraph',
    ['subgraph'],
    options.subgraphFetchDurationBuckets ?? METRICS_DEFAULTS.subgraphFetchDurationBuckets,
    registry,
  );
  const subgraphFetchErrors = new Counter({
    name: 'switchyard_subgraph_fetch_errors_total',
    help: 'Gateway calls to a subgraph that failed: unreachable, timed out or a non-2xx answer',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  const rateLimitRefusals = new Counter({
    name: 'switchyard_rate_limit_refusals_total',
    help: 'Requests refused with RATE_LIMITED, by consumer',
    labelNames: ['consumer'] as const,
    registers: [registry],
  });
  const usageFlushLag = new Gauge({
    name: 'switchyard_usage_flush_lag_seconds',
    help: 'Age of the oldest usage record not yet written to the governance store',
    registers: [registry],
  });

  const maxOperations = options.maxOperationsPerConsumer ?? METRICS_DEFAULTS.maxOperationsPerConsumer;
  const operationsByConsumer = new Map<string, Set<string>>();
  /** The operation label: its name while the consumer has fewer than `maxOperations` names, `other` after. */
  function operationLabel(consumer: string, name: string | null): string {
    if (!name) return ANONYMOUS;
    let seen = operationsByConsumer.get(consumer);
    if (!seen) operationsByConsumer.set(consumer, (seen = new Set()));
    if (seen.has(name)) return name;
    if (seen.size >= maxOperations) return OTHER;
    seen.add(name);
    return name;
  }

  // Label children bound once per label set (bounded as above), not looked up by labels() per call.
  type OperationSeries = { duration: HistogramSeries; outcomes: Map<string, { inc(): void }> };
  const operationSeries = new Map<string, OperationSeries>();
  function seriesOf(consumer: string, operation: string): OperationSeries {
    const key = `${consumer}\u0000${operation}`;
    let series = operationSeries.get(key);
    if (!series) operationSeries.set(key, (series = { duration: requestDuration.labels({ consumer, operation }), outcomes: new Map() }));
    return series;
  }

  function recordRequest(request: FinishedRequest): void {
    const consumer = request.consumer ?? ANONYMOUS;
    const operation = operationLabel(consumer, request.operationName);
    const series = seriesOf(consumer, operation);
    let outcome = series.outcomes.get(request.outcome);
    if (!outcome) series.outcomes.set(request.outcome, (outcome = requests.labels({ consumer, operation, outcome: request.outcome })));
    outcome.inc();
    series.duration.observe(request.durationMs / 1000);
    for (const code of request.errorCodes) {
      errors.inc({ code: ERROR_CODE.test(code) ? code : OTHER });
      if (code === GovernanceCode.RATE_LIMITED) rateLimitRefusals.inc({ consumer });
    }
  }

  const fetchSeries = new Map<string, { duration: HistogramSeries; errors: { inc(): void } }>();
  function fetchSeriesOf(subgraph: string) {
    let series = fetchSeries.get(subgraph);
    if (!series) fetchSeries.set(subgraph, (series = { duration: subgraphFetchDuration.labels({ subgraph }), errors: subgraphFetchErrors.labels({ subgraph }) }));
    return series;
  }

  const watch = watchRequests(recordRequest, options.graphqlPath ?? METRICS_DEFAULTS.graphqlPath);
  return {
    name: 'metrics',
    registry,
    watch,
    onRequest: watch.onRequest,
    operation: watch.operation,
    recordRequest,
    observeSubgraphFetch(subgraph, seconds, ok) {
      const series = fetchSeriesOf(subgraph);
      series.duration.observe(seconds);
      if (!ok) series.errors.inc();
    },
    setUsageFlushLag(seconds) {
      usageFlushLag.set(seconds);
    },
  };
}

/**
 * Serves `GET /metrics` (Prometheus text format) on the gateway's app and installs the hooks that
 * count every GraphQL request. Call before the app is ready; the metrics module's `onRequest` must
 * come first in the governance chain, so refused requests are counted with their consumer.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsModule, path = '/metrics'): void {
  metrics.watch.attach(app);
  app.get(path, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
}
