/**
 * One subgraph of the bench, as its own process. BENCH_SUBGRAPH_MODE `real`: the subgraph's own
 * code over its seeded SQLite file (DATA_DIR), exactly as `npm start` runs it; `memory`: its
 * in-memory twin, replaying the recorded answers or executing over the recorded data
 * (in-memory-schema.ts). Either way it counts the GraphQL requests it serves (GET /bench/served) and can record them (POST then DELETE /bench/recording),
 * which is how the in-memory twin's data is made. A real subgraph writes its SDL for the bench to compose.
 *
 * Environment: BENCH_SUBGRAPH (name), BENCH_SUBGRAPH_MODE, BENCH_WORK_DIR (SDL and recorded data), PORT, DATA_DIR,
 * SWITCHYARD_IDENTITY_SECRET (the run's, processes.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { identitySecretFrom, openSubgraph, subgraphSdl } from '@switchyard/kit';
import { loadSubgraphDefinition } from '../../../scripts/subgraphs';
import { inMemorySubgraphSchema } from './in-memory-schema';
import type { RecordedExchange } from './recorded-data';
import { recordedFileOf, replayFileOf, sdlFileOf } from './subgraph-files';

const name = required('BENCH_SUBGRAPH');
const mode = required('BENCH_SUBGRAPH_MODE');
const workDir = required('BENCH_WORK_DIR');
const port = Number(required('PORT'));

async function realSubgraph(): Promise<FastifyInstance> {
  const definition = await loadSubgraphDefinition(name);
  writeFileSync(sdlFileOf(workDir, name), subgraphSdl(definition.schema));
  const subgraph = await openSubgraph(definition, {
    dataDir: required('DATA_DIR'),
    identitySecret: identitySecretFrom(process.env),
  });
  return subgraph.server;
}

/**
 * The in-memory twin: a request the real subgraph served, byte for byte the same (every gateway's
 * requests for every workload variant were recorded), is answered from the replay table without
 * parsing or executing it, so the twin costs next to nothing and the gateway is what is measured;
 * any other request is executed (Mercurius, JIT) over the recorded data.
 */
async function inMemorySubgraph(): Promise<{ app: FastifyInstance; executed: () => number }> {
  const schema = inMemorySubgraphSchema(
    readFileSync(sdlFileOf(workDir, name), 'utf8'),
    JSON.parse(readFileSync(recordedFileOf(workDir, name), 'utf8')),
  );
  const replay = new Map(
    Object.entries(
      JSON.parse(readFileSync(replayFileOf(workDir, name), 'utf8')) as Record<string, string>,
    ),
  );
  const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  await app.register(mercurius, { schema, routes: false, jit: 1 });
  let executed = 0;
  app.post('/graphql', async (request, reply) => {
    const text = request.body as string;
    const recorded = replay.get(text);
    reply.type('application/json');
    if (recorded !== undefined) return reply.send(recorded);
    executed++;
    const { query, variables, operationName } = JSON.parse(text) as RecordedExchange['body'];
    return reply.send(
      await app.graphql(query, {}, variables ?? undefined, operationName ?? undefined),
    );
  });
  app.get('/healthz', async () => ({ status: 'ok', subgraph: name }));
  return { app, executed: () => executed };
}

async function main() {
  const { app, executed } =
    mode === 'real' ? { app: await realSubgraph(), executed: () => 0 } : await inMemorySubgraph();
  let served = 0;
  let recording: RecordedExchange[] | null = null;
  app.addHook('onRequest', async (request) => {
    if (request.url === '/graphql') served++;
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (recording && request.url === '/graphql' && request.method === 'POST')
      recording.push({ body: request.body as RecordedExchange['body'], payload: String(payload) });
    return payload;
  });
  // `executed`: requests an in-memory twin could not replay and executed instead.
  app.get('/bench/served', async () => ({ served, executed: executed() }));
  app.post('/bench/recording', async () => {
    recording = [];
    return { recording: true };
  });
  app.delete('/bench/recording', async () => {
    const exchanges = recording ?? [];
    recording = null;
    return exchanges;
  });
  await app.listen({ host: '127.0.0.1', port });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function required(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`subgraph-process: ${variable} is not set`);
  return value;
}

main().catch((error) => {
  console.error(`[${name}] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
