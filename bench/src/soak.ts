/**
 * `npm run soak` (not CI, issue 16): the governed gateway at a steady load for ten minutes, its
 * resident memory and event-loop delay sampled every 10 s, to show whether either grows once warm.
 *
 * Topology, as `npm start` runs it: the six real subgraphs as their own processes over seeded SQLite
 * files, and gateway/src/main.ts governed by bench/governance.bench.yaml with the gateway's default
 * governance store (SQLite under its DATA_DIR). Two load generators (load.ts, autocannon, each its own
 * process) send at fixed rates (open loop, so a slower gateway is not sent less): the README's
 * OrderToCash query by the internal consumer's API key, and the distributor's registered operation
 * (bench workload 3) by its sha-256 id.
 *
 * Samples: RSS from /proc/<pid>/status (the whole process, as the kernel counts it); heap used and
 * event-loop delay (mean, p99, max over the 10 s since the previous sample: prom-client's
 * monitorEventLoopDelay histogram, reset at each scrape) from the gateway's own /metrics. Progress goes
 * to stderr, the Markdown report (paste into bench/RESULTS.md) to stdout.
 *
 * Options: --minutes N (10), --warmup-minutes N (2: samples before it are not counted in the growth),
 * --sample-seconds N (10), --readme-rate N (req/s of the README query, 4), --persisted-rate N (req/s of
 * the persisted operation, 16), --scale N (seed scale, 1).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '@switchyard/gateway/src/supergraph-config';
import { generateDataset } from '@switchyard/seed';
import { seedDatabases } from '../../scripts/seed-databases';
import { SUBGRAPH_NAMES } from '../../scripts/subgraphs';
import { consumers, GOVERNANCE_FILE, headersOf } from './consumers';
import type { LoadResult } from './load';
import { LoadGenerator } from './load-generator';
import { cleanEnv, cpuSeconds, freePort, startProcess, waitUntilReady } from './processes';
import { startSubgraphSet } from './subgraphs/subgraph-set';
import { sdlFileOf } from './subgraphs/subgraph-files';
import { manifestOf, workloadsOf } from './workloads';

const ROOT = path.resolve(__dirname, '..', '..');

interface SoakOptions {
  minutes: number;
  warmupMinutes: number;
  sampleSeconds: number;
  readmeRate: number;
  persistedRate: number;
  scale: number;
}

const DEFAULTS: SoakOptions = {
  minutes: 10,
  warmupMinutes: 2,
  sampleSeconds: 10,
  readmeRate: 4,
  persistedRate: 16,
  scale: 1,
};

function soakOptions(argv: string[]): SoakOptions {
  const options = { ...DEFAULTS };
  const names: Record<string, keyof SoakOptions> = {
    '--minutes': 'minutes',
    '--warmup-minutes': 'warmupMinutes',
    '--sample-seconds': 'sampleSeconds',
    '--readme-rate': 'readmeRate',
    '--persisted-rate': 'persistedRate',
    '--scale': 'scale',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (!key) throw new Error(`unknown option ${argv[i]} (known: ${Object.keys(names).join(' ')})`);
    if (!(value > 0)) throw new Error(`${argv[i]} needs a positive number, got ${argv[i + 1]}`);
    options[key] = value;
  }
  if (options.warmupMinutes >= options.minutes)
    throw new Error('--warmup-minutes must be shorter than --minutes');
  return options;
}

/** The README's federated query, as pasted there (every subgraph answers part of it). */
const README_QUERY = `query OrderToCash {
  orders(first: 20) {
    edges { node {
      id number status
      customer { id name creditLimit { amount currency } openBalance { amount currency } }
      lines { lineNumber quantity unitPrice { amount currency }
              product { sku name availability { warehouse { code } onHand available } } }
      shipments { id status carrier { name } trackingNumber milestones { code at } }
      invoices { id number status total { amount currency } balance { amount currency } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Sample {
  /** Seconds since the load started. */
  at: number;
  rssMb: number;
  heapUsedMb: number;
  /** Event-loop delay since the previous sample, in ms. */
  delayMeanMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of one core the gateway used since the previous sample. */
  cpu: number;
}

const log = (message: string) =>
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process, in MB, from /proc (NaN without it). */
function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** One gauge of a Prometheus text exposition (the unlabelled series), or NaN. */
function gauge(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

async function main() {
  const options = soakOptions(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(tmpdir(), 'switchyard-soak-'));
  const dataDir = path.join(workDir, 'data');
  const gatewayDataDir = path.join(workDir, 'gateway-data');
  mkdirSync(gatewayDataDir);
  const load = [
    LoadGenerator.start({ cpus: null, root: ROOT }),
    LoadGenerator.start({ cpus: null, root: ROOT }),
  ];
  const loadAverages = [os.loadavg()];
  try {
    log(`seeding scale ${options.scale} in ${dataDir}`);
    await seedDatabases({ dataDir, seed: 42, scale: options.scale });
    const workloads = workloadsOf(generateDataset({ seed: 42, scale: options.scale }), {
      order: 200,
      orders50: 1,
      persisted: 200,
    });
    const persisted = workloads.find((w) => w.id === 'persisted')!;

    log('starting the six subgraphs');
    const subgraphs = await startSubgraphSet('real', { root: ROOT, workDir, dataDir, cpus: null });
    try {
      const supergraphFile = path.join(workDir, 'supergraph.graphql');
      writeFileSync(
        supergraphFile,
        composeSupergraph(
          SUBGRAPH_NAMES.map((name) => ({
            name,
            url: subgraphs.urls[name],
            sdl: readFileSync(sdlFileOf(workDir, name), 'utf8'),
          })),
        ),
      );
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      log('starting the governed gateway');
      const gateway = startProcess('switchyard(governed)', {
        entry: path.join(ROOT, 'gateway', 'src', 'main.ts'),
        env: cleanEnv({
          SUPERGRAPH_FILE: supergraphFile,
          GOVERNANCE_FILE,
          DATA_DIR: gatewayDataDir,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        }),
        cpus: null,
        cwd: ROOT,
      });
      try {
        await waitUntilReady(gateway, async () => (await fetch(`${origin}/readyz`)).ok);
        const adminHeaders = { 'x-api-key': consumers.admin.apiKey };
        const registered = await fetch(
          `${origin}/admin/consumers/${consumers.partner.identity.id}/operations`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...adminHeaders },
            body: JSON.stringify(manifestOf(workloads)),
          },
        );
        if (!registered.ok)
          throw new Error(
            `the gateway refused the partner's manifest: ${registered.status} ${await registered.text()}`,
          );
        const readme = {
          url: `${origin}/graphql`,
          headers: headersOf(consumers.internal),
          bodies: [JSON.stringify({ query: README_QUERY, operationName: 'OrderToCash' })],
        };
        const operation = {
          url: `${origin}/graphql`,
          headers: persisted.headers,
          bodies: persisted.bodies,
        };
        // Both answer whole before the load starts, or the soak measures refusals.
        for (const [what, request] of [
          ['README query', readme],
          ['persisted operation', operation],
        ] as const) {
          const response = await fetch(request.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...request.headers },
            body: request.bodies[0],
          });
          const text = await response.text();
          if (response.status !== 200 || text.includes('"errors"'))
            throw new Error(`the ${what} failed: ${response.status} ${text.slice(0, 400)}`);
        }

        const pid = gateway.child.pid!;
        const seconds = options.minutes * 60;
        log(
          `${options.minutes} min at ${options.readmeRate} + ${options.persistedRate} req/s; sampling every ${options.sampleSeconds} s`,
        );
        const started = Date.now();
        const running = Promise.all([
          load[0].run({ ...readme, connections: 4, seconds, rate: options.readmeRate }),
          load[1].run({ ...operation, connections: 4, seconds, rate: options.persistedRate }),
        ]);
        const samples: Sample[] = [];
        let done = false;
        void running.finally(() => (done = true));
        // A scrape resets the delay histogram: the first one only starts the first interval.
        await fetch(`${origin}/metrics`, { headers: adminHeaders }).then((r) => r.text());
        let cpuBefore = cpuSeconds(pid);
        let sampledAt = Date.now();
        for (let n = 1; n * options.sampleSeconds <= seconds && !done; n++) {
          await sleep(started + n * options.sampleSeconds * 1000 - Date.now());
          const metrics = await (
            await fetch(`${origin}/metrics`, { headers: adminHeaders })
          ).text();
          const cpuNow = cpuSeconds(pid);
          const now = Date.now();
          const sample: Sample = {
            at: Math.round((now - started) / 1000),
            rssMb: rssMb(pid),
            heapUsedMb: gauge(metrics, 'switchyard_gateway_nodejs_heap_size_used_bytes') / 2 ** 20,
            delayMeanMs:
              gauge(metrics, 'switchyard_gateway_nodejs_eventloop_lag_mean_seconds') * 1e3,
            delayP99Ms: gauge(metrics, 'switchyard_gateway_nodejs_eventloop_lag_p99_seconds') * 1e3,
            delayMaxMs: gauge(metrics, 'switchyard_gateway_nodejs_eventloop_lag_max_seconds') * 1e3,
            cpu: (cpuNow - cpuBefore) / ((now - sampledAt) / 1000),
          };
          cpuBefore = cpuNow;
          sampledAt = now;
          samples.push(sample);
          if (n === Math.round(seconds / 2 / options.sampleSeconds))
            loadAverages.push(os.loadavg());
          log(
            `t=${sample.at}s rss ${sample.rssMb.toFixed(1)} MB heap ${sample.heapUsedMb.toFixed(1)} MB ` +
              `delay p99 ${sample.delayP99Ms.toFixed(1)} ms max ${sample.delayMaxMs.toFixed(1)} ms cpu ${(sample.cpu * 100).toFixed(0)}%`,
          );
        }
        const [readmeResult, operationResult] = await running;
        loadAverages.push(os.loadavg());
        process.stdout.write(
          `${report(options, samples, { readme: readmeResult, persisted: operationResult }, loadAverages)}\n`,
        );
      } finally {
        await gateway.stop();
      }
    } finally {
      await subgraphs.close();
    }
  } finally {
    await Promise.all(load.map((generator) => generator.stop()));
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Least-squares slope of `value` over `at`, per minute. */
function slopePerMinute(samples: Sample[], value: (s: Sample) => number): number {
  const xs = samples.map((s) => s.at / 60);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function report(
  options: SoakOptions,
  samples: Sample[],
  results: { readme: LoadResult; persisted: LoadResult },
  loadAverages: number[][],
): string {
  const warm = samples.filter((s) => s.at > options.warmupMinutes * 60);
  const first = warm[0];
  const last = warm[warm.length - 1];
  const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const half = Math.floor(warm.length / 2);
  const cpus = os.cpus();
  const lines = [
    `### Soak ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${options.minutes} min, governed gateway`,
    '',
    `Load (open loop, fixed rates): the README's OrderToCash query (20 orders, every subgraph) at ${options.readmeRate} req/s as bench-internal, ` +
      `and the distributor's registered operation by id at ${options.persistedRate} req/s as bench-partner; ` +
      `real subgraphs over SQLite (seed scale ${options.scale}); governance store: the gateway's default (SQLite under its DATA_DIR).`,
    '',
    '| load | requests | req/s | p50 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...(
      [
        ['README query', results.readme],
        ['persisted operation', results.persisted],
      ] as const
    ).map(
      ([name, r]) =>
        `| ${name} | ${r.requests} | ${fixed(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors}${r.firstError ? ` (first: ${r.firstError.slice(0, 80).replace(/\|/g, '/')})` : ''} |`,
    ),
    '',
    `Growth after the ${options.warmupMinutes}-minute warm-up (${warm.length} samples, t=${first?.at}s to t=${last?.at}s):`,
    '',
    '| measure | first warm sample | last sample | change | least-squares slope |',
    '|---|---:|---:|---:|---:|',
    `| RSS (MB) | ${fixed(first?.rssMb)} | ${fixed(last?.rssMb)} | ${fixed(last?.rssMb - first?.rssMb)} | ${fixed(
      slopePerMinute(warm, (s) => s.rssMb),
      2,
    )} MB/min |`,
    `| heap used (MB) | ${fixed(first?.heapUsedMb)} | ${fixed(last?.heapUsedMb)} | ${fixed(last?.heapUsedMb - first?.heapUsedMb)} | ${fixed(
      slopePerMinute(warm, (s) => s.heapUsedMb),
      2,
    )} MB/min |`,
    `| event-loop delay p99 (ms), median of each half | ${fixed(median(warm.slice(0, half).map((s) => s.delayP99Ms)))} | ${fixed(median(warm.slice(half).map((s) => s.delayP99Ms)))} | ${fixed(median(warm.slice(half).map((s) => s.delayP99Ms)) - median(warm.slice(0, half).map((s) => s.delayP99Ms)))} | ${fixed(
      slopePerMinute(warm, (s) => s.delayP99Ms),
      2,
    )} ms/min |`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, ${os.type()} ${os.release()}, Node ${process.version}; ` +
      `load average (1 min) at start, middle, end: ${loadAverages.map((l) => l[0].toFixed(2)).join(', ')}. ` +
      'Nothing is pinned: the gateway, the six subgraphs and both load generators share the machine with whatever else runs on it.',
    '',
    '| t (s) | RSS MB | heap used MB | delay mean ms | delay p99 ms | delay max ms | gateway CPU |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...samples.map(
      (s) =>
        `| ${s.at}${s.at <= options.warmupMinutes * 60 ? ' (warm-up)' : ''} | ${fixed(s.rssMb)} | ${fixed(s.heapUsedMb)} | ${fixed(s.delayMeanMs)} | ${fixed(s.delayP99Ms)} | ${fixed(s.delayMaxMs)} | ${fixed(s.cpu * 100, 0)}% |`,
    ),
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
