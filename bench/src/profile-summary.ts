/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: the functions with the
 * most self time, self time by package (a node_modules package, Node's internals, the repo's own
 * folders), and the repo's own functions by total time (themselves and what they call), so the cost
 * of each governance module shows even when the time is spent in libraries; idle time is left out
 * of the shares. `npx tsx bench/src/profile-summary.ts FILE [N]`
 * prints the summary of a profile kept from an earlier run.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
  /** The repo's own functions (gateway/, subgraphs/, bench/) by total time. */
  ownTotals: SelfTime[];
  /** Busy time by stage of a gateway's request (STAGES), as issue 18 tabulates it. */
  stages: SelfTime[];
}

/**
 * A gateway request's stages, told by the frames on a sample's stack (the first that matches wins;
 * garbage collection and the rest are stages of their own): Switchyard's and @apollo/gateway's
 * frames alike, so the two profiles compare.
 */
const STAGES: readonly { name: string; frame: RegExp }[] = [
  {
    name: 'sending the answer (serializing, byte length, socket)',
    frame:
      /response-writer|json-bytes|field-writers|written-data|prettyJSONStringify|stringifyResult|^writev|^writeGeneric/,
  },
  {
    name: 'subgraph client + parsing subgraph JSON',
    frame:
      /subgraph-client|subgraph-fetch|undici|RemoteGraphQLDataSource|minipass|make-fetch-happen|node-fetch|agent-base|@npmcli/,
  },
  {
    name: 'planning, running the plan, merging, shaping',
    frame:
      /gateway\/src\/execution\/|executeQueryPlan|resultShaping|deepMerge|federation-internals|query-planner/,
  },
];
const GC = '(garbage collector)';
const REST = 'the rest (HTTP server, Apollo Server, governance, Node)';

/**
 * `windows`: only the samples taken within these intervals count (µs of the monotonic clock, as
 * `process.hrtime.bigint() / 1000n` reads it in any process of the machine), e.g. the measured
 * seconds, leaving out start-up and warm-up. Default: the whole profile.
 */
export function summarizeProfile(
  file: string,
  top = 25,
  windows?: [number, number][],
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const ownTotals = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byStage = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    // The repo's files run through tsx: their line numbers are the transpiled code's, so left out.
    const where = frame.url
      ? `${shortUrl(frame.url)}${packageOf(frame).startsWith('switchyard ') ? '' : `:${frame.lineNumber + 1}`}`
      : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const pkg = packageOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const stack: ProfileNode['callFrame'][] = [];
    for (let node: number | undefined = id; node !== undefined; node = parents.get(node))
      stack.push(nodes.get(node)!.callFrame);
    const stage =
      frame.functionName === GC
        ? 'garbage collection'
        : (STAGES.find(({ frame: pattern }) =>
            stack.some((caller) => pattern.test(caller.url) || pattern.test(caller.functionName)),
          )?.name ?? REST);
    byStage.set(stage, (byStage.get(stage) ?? 0) + ms);
    // Total time: once per distinct own function on the sample's stack (recursion counted once).
    const seen = new Set<string>();
    for (const caller of stack) {
      if (!packageOf(caller).startsWith('switchyard ')) continue;
      const key = `${caller.functionName || '(anonymous)'} ${shortUrl(caller.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ownTotals.set(key, (ownTotals.get(key) ?? 0) + ms);
    }
  });
  const ranked = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: ms / busyMs }));
  return {
    busyMs,
    idleMs,
    functions: ranked(byFunction, top),
    packages: ranked(byPackage, 15),
    ownTotals: ranked(ownTotals, top),
    stages: ranked(byStage, STAGES.length + 2),
  };
}

export function renderProfileSummary(
  file: string,
  summary: ProfileSummary,
  scope = 'whole profile',
): string {
  const lines = [
    `Profile ${file} (${scope}): ${(summary.busyMs / 1000).toFixed(1)}s busy, ${(summary.idleMs / 1000).toFixed(1)}s idle.`,
    '',
    'Busy time by stage of the request (divide by the requests measured for ms per request):',
    '',
    '| stage | ms | share |',
    '|---|---:|---:|',
  ];
  for (const stage of summary.stages)
    lines.push(`| ${stage.name} | ${stage.ms.toFixed(0)} | ${(stage.share * 100).toFixed(1)}% |`);
  lines.push('', 'Self time by package:', '');
  lines.push('| package | self ms | share |', '|---|---:|---:|');
  for (const p of summary.packages)
    lines.push(`| ${p.name} | ${p.ms.toFixed(0)} | ${(p.share * 100).toFixed(1)}% |`);
  lines.push(
    '',
    'Top functions by self time:',
    '',
    '| function | self ms | share |',
    '|---|---:|---:|',
  );
  for (const f of summary.functions)
    lines.push(
      `| ${f.name.replace(/\|/g, '\\|')} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% |`,
    );
  lines.push(
    '',
    "The repo's own functions by total time (self and callees):",
    '',
    '| function | total ms | share |',
    '|---|---:|---:|',
  );
  for (const f of summary.ownTotals)
    lines.push(
      `| ${f.name.replace(/\|/g, '\\|')} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% |`,
    );
  return lines.join('\n');
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  return url.replace(/^file:\/\//, '').replace(/^.*\/(?=(gateway|subgraphs|bench|scripts)\/)/, '');
}

function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const own = url.match(/\/(gateway|subgraphs\/[^/]+|bench|scripts)\/src\//);
  return own ? `switchyard ${own[1]}` : url;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/src/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(renderProfileSummary(file, summarizeProfile(file, Number(top ?? 25))));
}
