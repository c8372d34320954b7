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
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { BucketHistogram, type HistogramSeries } from './bucket-histogram';
import type { GovernanceModule } from '../module';
import {
  watchRequests,
  type FinishedRequest,
  type RequestOutcome,
  type RequestWatch,
} from './request-log';
import { GovernanceCode } from '../errors';
import type { ApqWriteOutcome } from '../persisted-operations/apq';

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
  /** For persisted operations: how one APQ write ended (stored, failed, dropped). */
  countApqWrite(outcome: ApqWriteOutcome): void;
  /** For rate budgets: a consumer crossed the warning threshold of a rule's window (once per window occurrence). */
  countBudgetWarning(consumer: string, window: string): void;
  /** For the usage module: how old the oldest usage not yet written to the store is, in seconds (0 right after a flush). */
  setUsageFlushLag(seconds: number): void;
  /** Counts one finished request (what `registerMetricsRoute`'s hooks call). */
  recordRequest(request: FinishedRequest): void;
  /** The request watch whose hooks `registerMetricsRoute` installs. */
  readonly watch: RequestWatch;
  /** Errors in this process's responses by code since it started, refusals before GraphQL included (GET /admin/metrics/errors). */
  errorCounts(): { since: string; codes: { code: string; count: number }[] };
};

export const METRICS_DEFAULTS = {
  requestDurationBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  subgraphFetchDurationBuckets: [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
  ],
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
  if (options.processMetrics ?? METRICS_DEFAULTS.processMetrics)
    collectDefaultMetrics({ register: registry, prefix: 'switchyard_gateway_' });

  // Counted per request in plain numbers (`counted`), added to the counter when it is scraped.
  const counted: { count: number; add(count: number): void }[] = [];
  const requests = new Counter({
    name: 'switchyard_gateway_requests_total',
    help: 'GraphQL requests answered, by consumer, operation name and outcome (ok, error: executed with errors, rejected: answered without executing)',
    labelNames: ['consumer', 'operation', 'outcome'] as const,
    registers: [registry],
    collect() {
      for (const series of counted) {
        if (series.count > 0) series.add(series.count);
        series.count = 0;
      }
    },
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
  const apqWrites = new Counter({
    name: 'switchyard_apq_writes_total',
    help: 'APQ documents written to the governance store off the request path, by outcome (stored, failed: the store refused, dropped: the write queue was full)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const budgetWarnings = new Counter({
    name: 'switchyard_budget_warnings_total',
    help: 'Consumers that crossed rateBudgets.warnAt of a window budget, once per window occurrence and replica, by consumer and window',
    labelNames: ['consumer', 'window'] as const,
    registers: [registry],
  });
  const usageFlushLag = new Gauge({
    name: 'switchyard_usage_flush_lag_seconds',
    help: 'Age of the oldest usage record not yet written to the governance store',
    registers: [registry],
  });

  const maxOperations =
    options.maxOperationsPerConsumer ?? METRICS_DEFAULTS.maxOperationsPerConsumer;
  // Series bound once per (consumer, operation label): a consumer's first `maxOperations` operation
  // names are labels of their own, later ones share `other`, requests without a name `anonymous`.
  type OperationSeries = {
    duration: HistogramSeries;
    outcomes: Partial<Record<RequestOutcome, { count: number }>>;
    consumer: string;
    operation: string;
  };
  const byConsumer = new Map<string, { byLabel: Map<string, OperationSeries>; names: number }>();
  function seriesOf(consumer: string, name: string | null): OperationSeries {
    let ofConsumer = byConsumer.get(consumer);
    if (!ofConsumer) byConsumer.set(consumer, (ofConsumer = { byLabel: new Map(), names: 0 }));
    const known = ofConsumer.byLabel.get(name || ANONYMOUS);
    if (known) return known;
    const operation = !name ? ANONYMOUS : ofConsumer.names < maxOperations ? name : OTHER;
    if (operation === name) ofConsumer.names++;
    let series = ofConsumer.byLabel.get(operation);
    if (!series)
      ofConsumer.byLabel.set(
        operation,
        (series = {
          duration: requestDuration.labels({ consumer, operation }),
          outcomes: {},
          consumer,
          operation,
        }),
      );
    return series;
  }
  function countOutcome(series: OperationSeries, outcome: RequestOutcome): void {
    let count = series.outcomes[outcome];
    if (!count) {
      const child = requests.labels({
        consumer: series.consumer,
        operation: series.operation,
        outcome,
      });
      const pending = { count: 0, add: (n: number) => child.inc(n) };
      counted.push(pending);
      series.outcomes[outcome] = count = pending;
    }
    count.count++;
  }

  // The same counts as switchyard_gateway_errors_total, readable as JSON by the console.
  const errorsByCode = new Map<string, number>();
  const startedAt = new Date().toISOString();
  const errorCounts = () => ({
    since: startedAt,
    codes: [...errorsByCode.entries()]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  });

  function recordRequest(request: FinishedRequest): void {
    const consumer = request.consumer ?? ANONYMOUS;
    const series = seriesOf(consumer, request.operationName);
    countOutcome(series, request.outcome);
    series.duration.observe(request.durationMs / 1000);
    for (const code of request.errorCodes) {
      const label = ERROR_CODE.test(code) ? code : OTHER;
      errors.inc({ code: label });
      errorsByCode.set(label, (errorsByCode.get(label) ?? 0) + 1);
      if (code === GovernanceCode.RATE_LIMITED) rateLimitRefusals.inc({ consumer });
    }
  }

  const fetchSeries = new Map<string, { duration: HistogramSeries; errors: { inc(): void } }>();
  function fetchSeriesOf(subgraph: string) {
    let series = fetchSeries.get(subgraph);
    if (!series)
      fetchSeries.set(
        subgraph,
        (series = {
          duration: subgraphFetchDuration.labels({ subgraph }),
          errors: subgraphFetchErrors.labels({ subgraph }),
        }),
      );
    return series;
  }

  const watch = watchRequests(recordRequest, options.graphqlPath ?? METRICS_DEFAULTS.graphqlPath);
  return {
    name: 'metrics',
    registry,
    watch,
    operation: watch.operation,
    recordRequest,
    observeSubgraphFetch(subgraph, seconds, ok) {
      const series = fetchSeriesOf(subgraph);
      series.duration.observe(seconds);
      if (!ok) series.errors.inc();
    },
    countApqWrite(outcome) {
      apqWrites.inc({ outcome });
    },
    countBudgetWarning(consumer, window) {
      budgetWarnings.inc({ consumer, window });
    },
    setUsageFlushLag(seconds) {
      usageFlushLag.set(seconds);
    },
    errorCounts,
    adminRoutes(admin: FastifyInstance) {
      admin.get('/metrics/errors', async () => errorCounts());
    },
  };
}

export interface MetricsRouteOptions {
  /**
   * Who may scrape: the gateway passes its admin authentication (admin-auth.ts), so Prometheus
   * scrapes as a consumer holding governance:admin. Required: the series name every consumer and
   * operation, which is not for the public.
   */
  authorize: preHandlerAsyncHookHandler;
  /** Default `/metrics`. */
  path?: string;
}

/**
 * Serves `GET /metrics` (Prometheus text format) on the gateway's app, behind `authorize`, and
 * installs the hooks that count every GraphQL request (refused ones with the consumer identified
 * so far, see RequestWatch). Call before the app is ready.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: MetricsModule,
  options: MetricsRouteOptions,
): void {
  metrics.watch.attach(app);
  app.get(
    options.path ?? '/metrics',
    { preHandler: options.authorize },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    },
  );
}
