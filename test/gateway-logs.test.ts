/**
 * The gateway's own Fastify log over HTTP: a GET /graphql carries the document and its variables in
 * the query string, and no log line may repeat them. The request lines say method and path only.
 */
import { Writable } from 'node:stream';
import { createGateway, defaultGatewayConfig, type RunningGateway } from '@switchyard/gateway';
import { startGraph, type RunningGraph } from './testing/graph-harness';

const MARKER = 'variable-value-that-must-never-be-logged-41c9';

const lines: string[] = [];
const logDestination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

let graph: RunningGraph;
let gateway: RunningGateway;
let base: string;

beforeAll(async () => {
  graph = await startGraph({ subgraphs: ['customers'] });
  gateway = await createGateway(
    { ...defaultGatewayConfig, port: 0, logLevel: 'info', ungoverned: true },
    { supergraphSdl: graph.gateway.supergraph.current, logDestination },
  );
  base = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await graph?.close();
});

test('a GET is logged by method and path, without its document or variables', async () => {
  const params = new URLSearchParams({
    query: 'query Marked($id: ID) { customer(id: $id) { id } }',
    variables: JSON.stringify({ id: MARKER }),
  });
  const response = await fetch(`${base}/graphql?${params.toString()}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  expect(response.status).toBe(200);
  // A mistyped path is a 404 whose log line (and answer) leave the query string out too.
  const missed = await fetch(`${base}/graphq?${params.toString()}`);
  expect(missed.status).toBe(404);
  expect(await missed.text()).not.toContain(MARKER);
  await gateway.app.close();

  const logged = lines.join('\n');
  expect(logged).not.toContain(MARKER);
  expect(logged).not.toContain('customer(');
  const requests = lines
    .map((line) => JSON.parse(line) as { req?: { method: string; url: string } })
    .filter((line) => line.req);
  expect(requests).toContainEqual(
    expect.objectContaining({ req: expect.objectContaining({ method: 'GET', url: '/graphql' }) }),
  );
});
