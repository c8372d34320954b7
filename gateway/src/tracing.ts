/**
 * Tracing at the gateway. The executor (execution/, and @apollo/gateway's for what it delegates)
 * opens its spans through the OpenTelemetry API (`gateway.request`, `gateway.plan`,
 * `gateway.execute`, one `gateway.fetch` per subgraph call with a `service` attribute,
 * `gateway.postprocessing`): they are recorded as soon as a provider is registered. What it does
 * not do is carry the trace across processes: the gateway continues a client's W3C `traceparent`
 * (`extractTraceContext`, around the request's execution in server.ts), so its spans join the
 * client's trace; the subgraph client injects
 * `traceparent` on every call (`injectTraceContext`), and each subgraph continues the trace with a
 * server span (@switchyard/kit `traceServerRequests`).
 */
import {
  context,
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { startTracing, type Tracing } from '@switchyard/kit';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface GatewayTracingOptions {
  /** The environment with the standard OTEL_* variables (see @switchyard/kit `startTracing`): exporting is off unless OTEL_TRACES_EXPORTER or an OTLP endpoint is set. */
  env: Record<string, string | undefined>;
  /** `service.name` of the gateway's spans unless OTEL_SERVICE_NAME is set. Default `switchyard-gateway`. */
  serviceName?: string;
  /** Export here instead, whatever the environment says (tests: InMemorySpanExporter). Default none. */
  exporter?: SpanExporter;
}

export const GATEWAY_SERVICE_NAME = 'switchyard-gateway';

/** Starts the gateway's tracer provider; once per process, before the gateway serves. */
export function startGatewayTracing(options: GatewayTracingOptions): Tracing {
  return startTracing({
    serviceName: options.serviceName ?? GATEWAY_SERVICE_NAME,
    env: options.env,
    exporter: options.exporter,
  });
}

/** Headers as the subgraph client holds them (a fetch `Headers`). */
interface SettableHeaders {
  set(name: string, value: string): void;
}

const headerSetter: TextMapSetter<SettableHeaders> = {
  set: (headers, name, value) => headers.set(name, value),
};

/**
 * Writes the active trace context (`traceparent`, `tracestate`) into `headers`. Called from the
 * subgraph client inside the executor's `gateway.fetch` span, so the subgraph's server span
 * becomes that fetch's child. Without a registered provider it writes nothing.
 */
export function injectTraceContext(headers: SettableHeaders): void {
  propagation.inject(context.active(), headers, headerSetter);
}

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (headers, name, value) => {
    headers[name] = value;
  },
};

/** `injectTraceContext` into a plain header object (the subgraph client's undici request headers). */
export function injectTraceContextInto(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers, recordSetter);
}

type IncomingHeaders = Record<string, string | string[] | undefined>;

const headerGetter: TextMapGetter<IncomingHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, name) => headers[name.toLowerCase()],
};

/**
 * The context to run a request in: the active one with the client's `traceparent` / `tracestate`
 * as remote parent, when it sent them (and a provider is registered); the active one otherwise.
 */
export function extractTraceContext(headers: IncomingHeaders): Context {
  return propagation.extract(context.active(), headers, headerGetter);
}
