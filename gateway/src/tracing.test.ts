import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { tracesExporterFrom } from '@switchyard/kit';
import { injectTraceContext, startGatewayTracing } from './tracing';

describe('which exporter the OTEL_* environment selects', () => {
  test('none by default: exporting is off unless asked for', () => {
    expect(tracesExporterFrom({})).toBe('none');
  });

  test('an OTLP endpoint alone turns otlp on', () => {
    expect(tracesExporterFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(
      'otlp',
    );
    expect(
      tracesExporterFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
    ).toBe('otlp');
  });

  test('OTEL_TRACES_EXPORTER names it, and wins over an endpoint', () => {
    expect(tracesExporterFrom({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe('otlp');
    expect(
      tracesExporterFrom({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }),
    ).toBe('none');
  });

  test('OTEL_SDK_DISABLED=true turns it off whatever else is set', () => {
    expect(tracesExporterFrom({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(
      'none',
    );
  });

  test('an exporter it does not know is an error naming the variable and the value', () => {
    expect(() => tracesExporterFrom({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      'OTEL_TRACES_EXPORTER must be one of otlp, console, none; got "zipkin"',
    );
  });
});

describe('startGatewayTracing', () => {
  test('with no OTEL_* variables registers nothing: spans stay no-ops and no traceparent is sent', async () => {
    const tracing = startGatewayTracing({ env: {} });
    const span = trace.getTracer('test').startSpan('ignored');
    const headers = new Headers();
    context.with(trace.setSpan(context.active(), span), () => injectTraceContext(headers));
    expect(tracing.enabled).toBe(false);
    expect(span.isRecording()).toBe(false);
    expect(headers.get('traceparent')).toBeNull();
    await tracing.shutdown();
  });

  test('with an exporter records spans under the service name (OTEL_SERVICE_NAME overrides it) and injects the active span as traceparent', async () => {
    const spans = new InMemorySpanExporter();
    const tracing = startGatewayTracing({
      env: {
        OTEL_SERVICE_NAME: 'edge-gateway',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
      exporter: spans,
    });
    try {
      const span = trace.getTracer('test').startSpan('gateway.fetch');
      const headers = new Headers();
      context.with(trace.setSpan(context.active(), span), () => injectTraceContext(headers));
      span.end();
      const { traceId, spanId } = span.spanContext();
      expect(headers.get('traceparent')).toBe(`00-${traceId}-${spanId}-01`);
      const [exported] = spans.getFinishedSpans();
      expect(exported.resource.attributes['service.name']).toBe('edge-gateway');
      expect(exported.resource.attributes['deployment.environment']).toBe('test');
    } finally {
      await tracing.shutdown();
    }
  });
});
