/**
 * A client's trace continues through the gateway: with tracing on, a request carrying a W3C
 * `traceparent` gets the gateway's spans (request, plan, fetches) and the subgraphs' server spans
 * in the client's trace, the gateway's request span a child of the client's span.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Tracing } from '@switchyard/kit';
import { startGatewayTracing } from '../gateway/src/tracing';
import { until } from './testing/gateway-replicas';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const spans = new InMemorySpanExporter();
let tracing: Tracing;
let graph: RunningGraph;

beforeAll(async () => {
  tracing = startGatewayTracing({ env: {}, exporter: spans });
  graph = await startGraph({ seedScale: 0.05 });
}, 120_000);
afterAll(async () => {
  await graph?.close();
  await tracing?.shutdown();
});

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const inTrace = (traceId: string) =>
  spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const served = (trace: ReadableSpan[]) =>
  trace
    .filter((span) => span.attributes['switchyard.service'])
    .map((span) => span.attributes['switchyard.service'])
    .sort();

test("the gateway's request span is a child of the client's traceparent, and the subgraph calls are in the same trace", async () => {
  const answer = await graph.query(
    'query ClientTraced { customer(id: "CUS-0001") { name orders(first: 1) { totalCount } } }',
    {},
    { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
  );
  expect(answer.body.errors).toBeUndefined();
  // A subgraph ends its span when its response is sent, which may be a moment after the gateway's.
  expect(await until(() => served(inTrace(CLIENT_TRACE)).length >= 2, 2_000)).toBe(true);
  const trace = inTrace(CLIENT_TRACE);
  const [request] = trace.filter((span) => span.name === 'gateway.request');
  expect(request.parentSpanId).toBe(CLIENT_SPAN);
  expect(
    trace
      .filter((span) => span.name === 'gateway.fetch')
      .map((span) => span.attributes.service)
      .sort(),
  ).toEqual(['customers', 'orders']);
  expect(served(trace)).toEqual(['customers', 'orders']);
});

test('without a traceparent the gateway starts a trace of its own', async () => {
  spans.reset();
  await graph.query('query Untraced { categories { id } }');
  expect(
    await until(
      () => spans.getFinishedSpans().some((span) => span.name === 'gateway.request'),
      2_000,
    ),
  ).toBe(true);
  const [request] = spans.getFinishedSpans().filter((span) => span.name === 'gateway.request');
  expect(request.parentSpanId).toBeUndefined();
  expect(request.spanContext().traceId).not.toBe(CLIENT_TRACE);
});
