/**
 * The load generator, its own process (pinned apart from the gateway): autocannon as a library at
 * fixed concurrency for a fixed duration (optionally capped at a fixed overall rate, `--rate`), each request's body taken in turn from the workload's
 * bodies (different variables per request, as real traffic). A 200 whose body carries GraphQL
 * `errors` counts as an error, as do transport errors, timeouts and non-2xx answers.
 * Driven over IPC by load-generator.ts.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  connections: number;
  seconds: number;
  /** Requests per second over all connections (open loop); null: as fast as the gateway answers. */
  rate: number | null;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  /** The first failed answer (status and start of its body), to say what the errors are. */
  firstError?: string;
}

async function run(request: LoadRequest): Promise<LoadResult> {
  let next = Math.floor(Math.random() * request.bodies.length);
  let graphqlErrors = 0;
  let firstError: string | undefined;
  const result = await autocannon({
    url: request.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    connections: request.connections,
    duration: request.seconds,
    ...(request.rate ? { overallRate: request.rate } : {}),
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: request.bodies[next++ % request.bodies.length] }),
        onResponse: (status, body) => {
          const failed = status !== 200 || body.includes('"errors"');
          if (failed && status === 200) graphqlErrors++;
          if (failed) firstError ??= `${status} ${body.slice(0, 400)}`;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    firstError:
      firstError ??
      (result.errors + result.timeouts > 0
        ? `${result.errors} transport errors, ${result.timeouts} timeouts`
        : undefined),
  };
}

process.on('message', (message: { id: number; request: LoadRequest }) => {
  run(message.request).then(
    (result) => process.send!({ id: message.id, result }),
    (error) =>
      process.send!({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
