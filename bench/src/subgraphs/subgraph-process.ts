/**
 * One subgraph of the bench, as its own process. BENCH_SUBGRAPH_MODE `real`: the subgraph's own
 * code over its seeded SQLite file (DATA_DIR), exactly as `npm start` runs it; `memory`: its
 * in-memory twin (in-memory-schema.ts) over the recorded answers. Either way it counts the GraphQL
 * requests it serves (GET /bench/served) and can record them (POST then DELETE /bench/recording),
 * which is how the in-memory twin's data is made. A real subgraph writes its SDL for the bench to compose.
 *
 * Environment: BENCH_SUBGRAPH (name), BENCH_SUBGRAPH_MODE, BENCH_WORK_DIR (SDL and recorded data), PORT, DATA_DIR.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { openSubgraph, subgraphSdl } from '@switchyard/kit';
import { loadSubgraphDefinition } from '../../../scripts/subgraphs';
import { inMemorySubgraphSchema } from './in-memory-schema';
import type { RecordedExchange } from './recorded-data';
import { recordedFileOf, sdlFileOf } from './subgraph-files';

const name = required('BENCH_SUBGRAPH');
const mode = required('BENCH_SUBGRAPH_MODE');
const workDir = required('BENCH_WORK_DIR');
const port = Number(required('PORT'));

async function realSubgraph(): Promise<FastifyInstance> {
  const definition = await loadSubgraphDefinition(name);
  writeFileSync(sdlFileOf(workDir, name), subgraphSdl(definition.schema));
  const subgraph = await openSubgraph(definition, { dataDir: required('DATA_DIR') });
  return subgraph.server;
}

async function inMemorySubgraph(): Promise<FastifyInstance> {
  const schema = inMemorySubgraphSchema(readFileSync(sdlFileOf(workDir, name), 'utf8'), JSON.parse(readFileSync(recordedFileOf(workDir, name), 'utf8')));
  const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
  await app.register(mercurius, { schema, path: '/graphql', jit: 1, graphiql: false });
  app.get('/healthz', async () => ({ status: 'ok', subgraph: name }));
  return app;
}

async function main() {
  const app = mode === 'real' ? await realSubgraph() : await inMemorySubgraph();
  let served = 0;
  let recording: RecordedExchange[] | null = null;
  app.addHook('onRequest', async (request) => {
    if (request.url === '/graphql') served++;
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (recording && request.url === '/graphql' && request.method === 'POST') recording.push({ body: request.body as RecordedExchange['body'], payload: String(payload) });
    return payload;
  });
  app.get('/bench/served', async () => ({ served }));
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
