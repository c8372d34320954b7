/**
 * OpenTelemetry for every Switchyard process: a tracer provider configured by the standard OTEL_*
 * variables (exporting is off unless asked for), and the server span a subgraph opens for each
 * request as a child of the caller's W3C `traceparent`, so one trace runs from the gateway's
 * request through its plan and fetches into each subgraph.
 */
import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface TracingOptions {
  /** `service.name` of this process's spans; OTEL_SERVICE_NAME overrides it, OTEL_RESOURCE_ATTRIBUTES adds to it. */
  serviceName: string;
  /**
   * The environment to read: OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER (`otlp`, `console` or `none`),
   * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (setting one alone turns `otlp` on).
   * Nothing set: no exporter, no provider, the OpenTelemetry API stays a no-op.
   */
  env: Record<string, string | undefined>;
  /** Send spans here instead, whatever the environment says, one by one (tests: InMemorySpanExporter). Default none. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** False when exporting is off: no provider was registered. */
  readonly enabled: boolean;
  /** Flushes the spans not yet exported and unregisters the provider. */
  shutdown(): Promise<void>;
}

export const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

/** The exporter the environment asks for; an unknown name is an error naming it. */
export function tracesExporterFrom(env: Record<string, string | undefined>): TracesExporter {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return 'none';
  const named = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (named) {
    if (!(TRACES_EXPORTERS as readonly string[]).includes(named)) {
      throw new Error(
        `OTEL_TRACES_EXPORTER must be one of ${TRACES_EXPORTERS.join(', ')}; got "${env.OTEL_TRACES_EXPORTER}"`,
      );
    }
    return named as TracesExporter;
  }
  // Unlike the OpenTelemetry default (otlp), off unless an endpoint says where to send.
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? 'otlp'
    : 'none';
}

/**
 * Registers the process-wide tracer provider (with the AsyncLocalStorage context manager and the
 * W3C trace-context propagator) when exporting is on. OpenTelemetry's API is global by design:
 * libraries such as @apollo/gateway find the provider there; call this once per process.
 */
export function startTracing(options: TracingOptions): Tracing {
  const processor = spanProcessorFor(options);
  if (!processor) return { enabled: false, shutdown: async () => {} };
  const resource = new Resource({
    ...resourceAttributesFrom(options.env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': options.env.OTEL_SERVICE_NAME || options.serviceName,
  });
  // The sampler is the SDK's: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG of the process (default: always on).
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, values percent-encoded. */
function resourceAttributesFrom(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of raw?.split(',') ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new Error(
        `OTEL_RESOURCE_ATTRIBUTES: the value of "${pair.slice(0, at).trim()}" is not valid percent-encoding`,
      );
    }
  }
  return attributes;
}

function spanProcessorFor({ env, exporter }: TracingOptions) {
  if (exporter) return new SimpleSpanProcessor(exporter);
  switch (tracesExporterFrom(env)) {
    case 'none':
      return null;
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'otlp': {
      const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '');
      const url =
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base ? `${base}/v1/traces` : undefined);
      return new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
    }
  }
}

/** Routes left out of traces: probes would drown the requests. */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Opens a SERVER span for each request to `app`, a child of the caller's `traceparent` (when it
 * sent one and a provider is registered; otherwise the no-op API costs next to nothing), ended
 * with the response status. Register before the routes' plugins.
 */
export function traceServerRequests(app: FastifyInstance, serviceName: string): void {
  const tracer = trace.getTracer('@switchyard/kit');
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route && UNTRACED_ROUTES.has(route)) return;
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          'http.route': route ?? '',
          'switchyard.service': serviceName,
        },
      },
      parent,
    );
    spans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
