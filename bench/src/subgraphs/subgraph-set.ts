/**
 * The six subgraphs a round of gateways talks to, each its own process (subgraph-process.ts):
 * `real` (each subgraph's code over the seeded SQLite files) or `memory` (each one's in-memory twin,
 * answering from what the real ones answered). The bench reads how many requests each served, and
 * records the real ones' exchanges to build the twins.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../../../scripts/subgraphs';
import { serviceHeaders } from '../consumers';
import { cleanEnv, freePort, startProcess, waitUntilReady, type BenchProcess } from '../processes';
import { inMemorySubgraphSchema } from './in-memory-schema';
import {
  emptyRecordedData,
  recordExchange,
  replayKey,
  type RecordedExchange,
} from './recorded-data';
import { recordedFileOf, replayFileOf, sdlFileOf } from './subgraph-files';

export type SubgraphKind = 'real' | 'memory';

/** What a subgraph process answers on GET /bench/served. */
export interface ServedCount {
  served: number;
  executed: number;
}

export interface SubgraphSet {
  kind: SubgraphKind;
  /** GraphQL endpoint of each subgraph. */
  urls: Record<string, string>;
  /** GraphQL requests each subgraph has served since it started. */
  served(): Promise<Record<string, number>>;
  /** The same, with how many of them an in-memory twin executed because it had no recorded answer to replay (0 for real subgraphs). */
  counts(): Promise<Record<string, ServedCount>>;
  startRecording(): Promise<void>;
  /** Stops recording; what each subgraph served meanwhile. */
  stopRecording(): Promise<Record<string, RecordedExchange[]>>;
  close(): Promise<void>;
}

export interface SubgraphSetOptions {
  root: string;
  /** SDL files and recorded data. */
  workDir: string;
  /** The seeded SQLite files (real subgraphs). */
  dataDir: string;
  cpus: string | null;
}

export async function startSubgraphSet(
  kind: SubgraphKind,
  options: SubgraphSetOptions,
): Promise<SubgraphSet> {
  const processes: BenchProcess[] = [];
  const origins: Record<string, string> = {};
  try {
    await Promise.all(
      SUBGRAPH_NAMES.map(async (name) => {
        const port = await freePort();
        const proc = startProcess(`${kind} ${name}`, {
          entry: path.join(__dirname, 'subgraph-process.ts'),
          env: cleanEnv({
            BENCH_SUBGRAPH: name,
            BENCH_SUBGRAPH_MODE: kind,
            BENCH_WORK_DIR: options.workDir,
            DATA_DIR: options.dataDir,
            PORT: String(port),
          }),
          cpus: options.cpus,
          cwd: options.root,
        });
        processes.push(proc);
        origins[name] = `http://127.0.0.1:${port}`;
        await waitUntilReady(proc, async () => (await fetch(`${origins[name]}/healthz`)).ok);
      }),
    );
  } catch (error) {
    await Promise.all(processes.map((proc) => proc.stop()));
    throw error;
  }
  const eachSubgraph = async <T>(call: (name: string) => Promise<T>): Promise<Record<string, T>> =>
    Object.fromEntries(
      await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await call(name)] as const)),
    );
  const control = async (name: string, method: string, route: string) => {
    const origin = origins[name];
    const response = await fetch(`${origin}${route}`, { method, headers: serviceHeaders(name) });
    if (!response.ok)
      throw new Error(`${method} ${origin}${route}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  const counts = () =>
    eachSubgraph(async (name) => (await control(name, 'GET', '/bench/served')) as ServedCount);

  return {
    kind,
    urls: Object.fromEntries(
      Object.entries(origins).map(([name, origin]) => [name, `${origin}/graphql`]),
    ),
    counts,
    served: async () =>
      Object.fromEntries(
        Object.entries(await counts()).map(([name, { served }]) => [name, served]),
      ),
    async startRecording() {
      await eachSubgraph((name) => control(name, 'POST', '/bench/recording'));
    },
    stopRecording: () =>
      eachSubgraph(
        async (name) => (await control(name, 'DELETE', '/bench/recording')) as RecordedExchange[],
      ),
    async close() {
      await Promise.all(processes.map((proc) => proc.stop()));
    },
  };
}

/** Turns what the real subgraphs served into each in-memory twin's data file; returns how many entities each holds. */
export function writeRecordedData(
  workDir: string,
  exchanges: Record<string, RecordedExchange[]>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, served] of Object.entries(exchanges)) {
    const data = emptyRecordedData();
    const schema = inMemorySubgraphSchema(readFileSync(sdlFileOf(workDir, name), 'utf8'), data);
    for (const exchange of served) recordExchange(data, schema, exchange);
    writeFileSync(recordedFileOf(workDir, name), JSON.stringify(data));
    writeFileSync(
      replayFileOf(workDir, name),
      JSON.stringify(
        Object.fromEntries(served.map(({ body, payload }) => [replayKey(body), payload])),
      ),
    );
    counts[name] =
      Object.values(data.entities).reduce((sum, byKey) => sum + Object.keys(byKey).length, 0) +
      Object.keys(data.root).length;
  }
  return counts;
}
