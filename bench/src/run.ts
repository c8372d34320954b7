/**
 * `npm run bench [-- --quick]`: Switchyard against the gateways a platform team would pick instead,
 * side by side in one run (issue 5). Reads top to bottom:
 *   1. seed the six SQLite databases in a temp dir; draw each workload's variables from the seed data;
 *   2. real subgraphs (processes): start every gateway (one process each) on a supergraph composed
 *      with their URLs, check that all gateways give the same answers while the subgraphs record
 *      what they serve and count it, then time them if asked;
 *   3. in-memory subgraphs built from those recordings: same gateways, same check (against the real
 *      answers too), then time them: here the gateway's own cost is what is measured;
 *   4. print the report (Markdown): rows, ratios to stock @apollo/gateway in the same round, fetches
 *      per operation, and last `ratio switchyard(governed)/apollo-gateway: X.XX` for workload 1.
 * Progress goes to stderr, the report to stdout. Options: options.ts; CPU pinning: pinning.ts.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '@switchyard/gateway/src/supergraph-config';
import { generateDataset } from '@switchyard/seed';
import { seedDatabases } from '../../scripts/seed-databases';
import { SUBGRAPH_NAMES } from '../../scripts/subgraphs';
import { firstDifference, unusableAnswer, type Answer } from './equivalence';
import { LoadGenerator } from './load-generator';
import { benchOptions, type BenchOptions } from './options';
import { entryOf, PEERS, type PeerContext, type PeerDefinition } from './peers';
import { cpuLayout, pinProcess, type CpuLayout } from './pinning';
import {
  cleanEnv,
  cpuSeconds,
  freePort,
  startProcess,
  waitUntilReady,
  type BenchProcess,
} from './processes';
import { renderProfileSummary, summarizeProfile } from './profile-summary';
import {
  GOVERNED,
  UNGOVERNED,
  renderReport,
  type FetchCount,
  type Measurement,
  type Skipped,
} from './report';
import { sdlFileOf } from './subgraphs/subgraph-files';
import { startSubgraphSet, writeRecordedData, type SubgraphSet } from './subgraphs/subgraph-set';
import { consumers, headersOf } from './consumers';
import { manifestOf, workloadsOf, type Workload } from './workloads';

const ROOT = path.resolve(__dirname, '..', '..');
const PROFILES_DIR = path.join(ROOT, 'bench', 'profiles');
const startedAt = Date.now();
const log = (message: string) =>
  process.stderr.write(
    `[bench ${String(Math.round((Date.now() - startedAt) / 1000)).padStart(3)}s] ${message}\n`,
  );

interface RunningPeer {
  peer: PeerDefinition;
  origin: string;
  url: string;
  proc: BenchProcess;
  profile: string | null;
  /** When it was measured (µs, monotonic clock): the part of its profile that is summarized. */
  measured: [number, number][];
}

interface Run {
  options: BenchOptions;
  layout: CpuLayout;
  workDir: string;
  manifestFile: string;
  workloads: Workload[];
  peers: PeerDefinition[];
  load: LoadGenerator;
  measurements: Measurement[];
  /** Governed and ungoverned Switchyard measured at the same time (measureSideBySide). */
  sideBySide: Measurement[];
  fetches: FetchCount[];
  skipped: Skipped[];
  /** Answers of the first set checked, by workload and sample index: the in-memory set must give them too. */
  references: Map<string, { from: string; json: unknown }>;
  profiles: { file: string; measured: [number, number][] }[];
}

async function main() {
  const options = benchOptions(process.argv.slice(2));
  const layout = cpuLayout(options.cpus);
  pinProcess(layout.subgraphs, process.pid);
  log(`CPU layout: ${layout.description}`);

  const workDir = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-'));
  const dataDir = path.join(workDir, 'data');
  log(`seeding scale ${options.scale} in ${dataDir}`);
  const dataset = generateDataset({ seed: 42, scale: options.scale });
  await seedDatabases({ dataDir, seed: 42, scale: options.scale });
  const allWorkloads = workloadsOf(dataset, options.pools);
  const manifestFile = path.join(workDir, 'partner-manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifestOf(allWorkloads)));

  const run: Run = {
    options,
    layout,
    workDir,
    manifestFile,
    workloads: allWorkloads.filter((w) => options.workloads.includes(w.id)),
    peers: PEERS.filter((peer) => options.peers.includes(peer.name)),
    load: LoadGenerator.start({ cpus: layout.load, root: ROOT }),
    measurements: [],
    sideBySide: [],
    fetches: [],
    skipped: [],
    references: new Map(),
    profiles: [],
  };
  try {
    const setOptions = { root: ROOT, workDir, dataDir, cpus: layout.subgraphs };
    // The real subgraphs always run: the in-memory twins are built from what they answer.
    log('starting the real subgraphs');
    const real = await startSubgraphSet('real', setOptions);
    try {
      await session(run, real, {
        record: options.subgraphs.includes('memory'),
        time: options.subgraphs.includes('real'),
      });
    } finally {
      await real.close();
    }
    if (options.subgraphs.includes('memory')) {
      log('starting the in-memory subgraphs');
      const memory = await startSubgraphSet('memory', setOptions);
      try {
        await session(run, memory, { record: false, time: true });
      } finally {
        await memory.close();
      }
    }
  } finally {
    await run.load.stop();
    rmSync(workDir, { recursive: true, force: true });
  }

  const report = renderReport(
    {
      title: `${options.quick ? 'Quick run' : 'Run'} ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      pinning: `Pinning: ${layout.description}`,
      connections: options.connections,
      rate: options.rate,
      warmupSeconds: options.warmupSeconds,
      seconds: options.seconds,
      rounds: options.rounds,
      scale: options.scale,
    },
    run.measurements,
    run.sideBySide,
    run.fetches,
    run.skipped,
  );
  const profiles = run.profiles.map(({ file, measured }) =>
    renderProfileSummary(
      path.relative(ROOT, file),
      summarizeProfile(file, 25, measured),
      `the ${measured.length} measured interval(s) only`,
    ),
  );
  process.stdout.write(`${[...profiles, report].join('\n\n')}\n`);
  log('done');
}

/** Every gateway on one subgraph set: start, prepare, check equivalence (recording if asked), time if asked, stop. */
async function session(run: Run, set: SubgraphSet, what: { record: boolean; time: boolean }) {
  const supergraphFile = path.join(run.workDir, `supergraph.${set.kind}.graphql`);
  writeFileSync(
    supergraphFile,
    composeSupergraph(
      SUBGRAPH_NAMES.map((name) => ({
        name,
        url: set.urls[name],
        sdl: readFileSync(sdlFileOf(run.workDir, name), 'utf8'),
      })),
    ),
  );
  const context: PeerContext = {
    root: ROOT,
    supergraphFile,
    manifestFile: run.manifestFile,
    subgraphUrls: set.urls,
  };
  log(`${set.kind} subgraphs: starting ${run.peers.map((p) => p.name).join(', ')}`);
  // Profiles only where gateways are timed, so the measurement dominates them.
  const running = await startPeers(run, set, context, run.options.cpuProf && what.time);
  try {
    for (const { peer, origin, url } of running) await prepare(run, peer, origin, url);
    if (what.record) await set.startRecording();
    await checkEquivalence(run, set, running);
    if (what.record) {
      // Every gateway, because each planner asks for its own fields (Hive Gateway also fetches Product.sku, a key).
      log(`recording the real subgraphs' answers to every workload variant, through every gateway`);
      await Promise.all(running.map((target) => sendAllWorkloads(run, target)));
      const counts = writeRecordedData(run.workDir, await set.stopRecording());
      log(
        `in-memory twins hold ${Object.entries(counts)
          .map(([name, n]) => `${name} ${n}`)
          .join(', ')} recorded objects`,
      );
    }
    if (what.time) await measureRounds(run, set, running);
    if (what.time && set.kind === 'memory') await measureSideBySide(run, set, running);
    if (set.kind === 'memory') {
      const counts = Object.values(await set.counts());
      const total = (of: 'served' | 'executed') =>
        counts.reduce((sum, count) => sum + count[of], 0);
      log(
        `in-memory subgraphs: ${total('executed')} of ${total('served')} requests executed, the rest replayed`,
      );
    }
  } finally {
    await Promise.all(running.map(({ proc }) => proc.stop()));
    for (const { profile, measured } of running)
      if (profile) run.profiles.push({ file: mainThreadProfile(profile), measured });
  }
}

async function startPeers(
  run: Run,
  set: SubgraphSet,
  context: PeerContext,
  cpuProf: boolean,
): Promise<RunningPeer[]> {
  const running: RunningPeer[] = [];
  try {
    await Promise.all(
      run.peers.map(async (peer) => {
        const port = await freePort();
        const profileDir = path.join(
          PROFILES_DIR,
          `${peer.name.replace(/[()]/g, '-').replace(/-$/, '')}.${set.kind}`,
        );
        if (cpuProf) {
          rmSync(profileDir, { recursive: true, force: true });
          mkdirSync(profileDir, { recursive: true });
        }
        const proc = startProcess(peer.name, {
          entry: entryOf(peer, context),
          env: cleanEnv({ ...peer.env(context), PORT: String(port), HOST: '127.0.0.1' }),
          cpus: run.layout.gateway,
          cwd: context.root,
          // One profile per thread (tsx's module hooks run in their own): the directory keeps them apart.
          nodeArgs: cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
        });
        const origin = `http://127.0.0.1:${port}`;
        const entry: RunningPeer = {
          peer,
          origin,
          url: `${origin}/graphql`,
          proc,
          profile: cpuProf ? profileDir : null,
          measured: [],
        };
        running.push(entry);
        await waitUntilReady(proc, async () => {
          const answer = await post(
            entry.url,
            headersOf(consumers.internal),
            JSON.stringify({ query: '{ __typename }' }),
          );
          return answer.status === 200 && JSON.parse(answer.text).data?.__typename === 'Query';
        });
      }),
    );
  } catch (error) {
    await Promise.all(running.map(({ proc }) => proc.stop()));
    throw error;
  }
  // Baseline first, then the order of PEERS.
  return run.peers.map((peer) => running.find((r) => r.peer === peer)!);
}

/** The peer's own preparation, then APQ registration of the persisted workloads for APQ peers. */
async function prepare(run: Run, peer: PeerDefinition, origin: string, url: string) {
  await peer.prepare?.(origin, run.workloads);
  if (peer.persisted !== 'apq') return;
  for (const workload of run.workloads.filter((w) => w.persisted)) {
    const problem = unusableAnswer(
      await post(url, workload.headers, workload.registrationBody(workload.variables[0])),
    );
    if (problem)
      throw new Error(
        `${peer.name} did not register workload ${workload.number} by APQ: ${problem}`,
      );
  }
}

/** Same request, same JSON from every gateway, and from the in-memory set as from the real one; counts subgraph requests meanwhile. */
async function checkEquivalence(run: Run, set: SubgraphSet, running: RunningPeer[]) {
  for (const workload of run.workloads) {
    const sample = Math.min(run.options.sample, workload.bodies.length);
    // The size of the answers, in bytes as the first gateway sent them (every other one sends the same data).
    const answerBytes: number[] = [];
    for (const { peer, url } of running) {
      const unsupported = unsupportedReason(peer, workload);
      if (unsupported) {
        if (!run.skipped.some((s) => s.peer === peer.name && s.workload.id === workload.id))
          run.skipped.push({ workload, peer: peer.name, reason: unsupported });
        continue;
      }
      const before = await set.served();
      for (let i = 0; i < sample; i++) {
        const answer = await post(url, workload.headers, workload.bodies[i]);
        const problem = unusableAnswer(answer);
        if (problem)
          throw new Error(
            `${peer.name} (${set.kind} subgraphs) cannot answer workload ${workload.number} with ${JSON.stringify(workload.variables[i])}: ${problem}`,
          );
        const key = `${workload.id}#${i}`;
        // `data` only: extensions are each gateway's own metadata (Switchyard's governed peer adds its cost).
        const json = JSON.parse(answer.text).data;
        if (answerBytes.length < sample) answerBytes.push(Buffer.byteLength(answer.text));
        const reference = run.references.get(key);
        if (!reference) {
          run.references.set(key, { from: `${peer.name} on ${set.kind} subgraphs`, json });
          continue;
        }
        const difference = firstDifference(reference.json, json, '$.data');
        if (difference) {
          throw new Error(
            `not equivalent: ${peer.name} on ${set.kind} subgraphs answers workload ${workload.number} ${JSON.stringify(workload.variables[i])} differently from ${reference.from}:\n  ${difference}`,
          );
        }
      }
      const after = await set.served();
      run.fetches.push({
        subgraphs: set.kind,
        workload,
        peer: peer.name,
        perSubgraph: Object.fromEntries(
          Object.keys(after).map((name) => [name, (after[name] - before[name]) / sample]),
        ),
      });
    }
    log(
      `${set.kind} subgraphs: workload ${workload.number} answered identically by ${running.filter((r) => serves(r.peer, workload)).length} gateways (answers ${kilobytes(answerBytes)})`,
    );
  }
}

/** `12.3-45.6 KB` (or one figure): the range of a workload's answer sizes. */
function kilobytes(bytes: number[]): string {
  if (bytes.length === 0) return 'none';
  const kb = (n: number) => (n / 1024).toFixed(1);
  const [low, high] = [Math.min(...bytes), Math.max(...bytes)];
  return low === high ? `${kb(low)} KB` : `${kb(low)}-${kb(high)} KB`;
}

/**
 * Rounds × workloads × peers (rotated each round, so no peer always goes first), warm-up then measurement.
 * Every gateway is warmed on every workload before any is measured, so none is measured straight after
 * its start-up (the first gateway measured used to lose up to half its throughput; a governed one can
 * still be slow in its first round, which the governance cost's median discounts).
 */
async function measureRounds(run: Run, set: SubgraphSet, running: RunningPeer[]) {
  const { options } = run;
  for (const workload of run.workloads) {
    for (const { peer, url } of running)
      if (serves(peer, workload))
        await run.load.run({ ...loadRequest(run, url, workload), seconds: options.warmupSeconds });
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const workload of run.workloads) {
      const order = [
        ...running.slice((round - 1) % running.length),
        ...running.slice(0, (round - 1) % running.length),
      ];
      for (const target of order) {
        if (!serves(target.peer, workload)) continue;
        await run.load.run({
          ...loadRequest(run, target.url, workload),
          seconds: options.warmupSeconds,
        });
        const [{ firstError, ...measurement }] = await measureTogether(run, [target], workload);
        run.measurements.push({ subgraphs: set.kind, round, ...measurement });
        logMeasurement(
          `${set.kind} · workload ${workload.number} · round ${round}`,
          measurement,
          firstError,
        );
      }
    }
  }
}

/**
 * Governed and ungoverned Switchyard loaded at the same time, both on the gateway CPU, each by its own
 * connections: whatever the machine does meanwhile (its speed drifts by tens of percent over minutes
 * on a shared VM) it does to both, so their requests per CPU-second, taken over the same seconds,
 * compare what governance costs without that drift. In-memory subgraphs only: there the gateways are
 * the bottleneck.
 */
async function measureSideBySide(run: Run, set: SubgraphSet, running: RunningPeer[]) {
  const [governed, ungoverned] = [GOVERNED, UNGOVERNED].map((name) =>
    running.find((r) => r.peer.name === name),
  );
  if (run.options.sideBySide === 0 || !governed || !ungoverned) return;
  for (const workload of run.workloads.filter(
    (w) => serves(governed.peer, w) && serves(ungoverned.peer, w),
  )) {
    for (let round = 1; round <= run.options.sideBySide; round++) {
      // Which one the load generator starts first alternates, so neither is always ahead.
      const targets = round % 2 === 1 ? [governed, ungoverned] : [ungoverned, governed];
      await Promise.all(
        targets.map((t) =>
          run.load.run({
            ...loadRequest(run, t.url, workload),
            seconds: run.options.warmupSeconds,
          }),
        ),
      );
      for (const { firstError, ...measurement } of await measureTogether(run, targets, workload)) {
        run.sideBySide.push({ subgraphs: set.kind, round, ...measurement });
        logMeasurement(
          `${set.kind} · workload ${workload.number} · side by side ${round}`,
          measurement,
          firstError,
        );
      }
    }
  }
}

/** One measured load run against each target, all at once; the gateways' CPU is read around it. */
async function measureTogether(run: Run, targets: RunningPeer[], workload: Workload) {
  const { seconds } = run.options;
  const cpuBefore = targets.map(({ proc }) => cpuSeconds(proc.child.pid!));
  const from = monotonicMicros();
  const results = await Promise.all(
    targets.map(({ url }) => run.load.run({ ...loadRequest(run, url, workload), seconds })),
  );
  const to = monotonicMicros();
  return targets.map((target, i) => {
    target.measured.push([from, to]);
    const { firstError, ...result } = results[i];
    const gatewayCpu = (cpuSeconds(target.proc.child.pid!) - cpuBefore[i]) / seconds;
    return { workload, peer: target.peer.name, ...result, gatewayCpu, firstError };
  });
}

function logMeasurement(
  where: string,
  m: Omit<Measurement, 'subgraphs' | 'round'>,
  firstError: string | undefined,
) {
  log(
    `${where} · ${m.peer.padEnd(22)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  gateway CPU ${(m.gatewayCpu * 100).toFixed(0)}%  errors ${m.errors}${firstError ? ` (first: ${firstError})` : ''}`,
  );
}

/** Why a gateway cannot serve a workload (a persisted one without APQ), or null. */
function unsupportedReason(peer: PeerDefinition, workload: Workload): string | null {
  return typeof peer.persisted === 'object' && workload.persisted
    ? peer.persisted.unsupported
    : null;
}
const serves = (peer: PeerDefinition, workload: Workload) => !unsupportedReason(peer, workload);
const loadRequest = (run: Run, url: string, workload: Workload) => ({
  url,
  headers: workload.headers,
  bodies: workload.bodies,
  connections: run.options.connections,
  rate: run.options.rate,
});

/** Every variant of every workload the gateway serves, once, a few at a time (recording). */
async function sendAllWorkloads(run: Run, target: RunningPeer) {
  for (const workload of run.workloads) {
    if (!serves(target.peer, workload)) continue;
    let next = 0;
    const worker = async () => {
      while (next < workload.bodies.length) {
        const index = next++;
        const problem = unusableAnswer(
          await post(target.url, workload.headers, workload.bodies[index]),
        );
        if (problem)
          throw new Error(
            `${target.peer.name} cannot answer workload ${workload.number} with ${JSON.stringify(workload.variables[index])}: ${problem}`,
          );
      }
    };
    await Promise.all(Array.from({ length: 2 }, worker));
  }
}

/** The busiest thread's profile in a directory of them: the main thread's (the largest file). */
function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no CPU profile was written in ${dir}`);
  return path.join(
    dir,
    files.sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0],
  );
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
