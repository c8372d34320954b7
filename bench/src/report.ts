/**
 * The bench's report, in Markdown (ready for bench/RESULTS.md): one row per measurement with its
 * ratios to the baseline (stock @apollo/gateway) measured in the same round on the same subgraphs,
 * a summary over rounds, the subgraph fetches per operation, and the headline ratio last.
 */
import { cpus, totalmem } from 'node:os';
import type { PeerName } from './peers';
import type { SubgraphKind } from './subgraphs/subgraph-set';
import type { Workload } from './workloads';

export const BASELINE: PeerName = 'apollo-gateway';
export const HEADLINE: PeerName = 'switchyard(governed)';
export const GOVERNED: PeerName = HEADLINE;
export const UNGOVERNED: PeerName = 'switchyard(ungoverned)';

export interface Measurement {
  subgraphs: SubgraphKind;
  workload: Pick<Workload, 'id' | 'number' | 'title'>;
  round: number;
  peer: PeerName;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** The gateway process's CPU use while measured (1 = one core busy all the time). */
  gatewayCpu: number;
}

/** Subgraph requests per operation, by subgraph, counted at the subgraphs during the equivalence check. */
export interface FetchCount {
  subgraphs: SubgraphKind;
  workload: Pick<Workload, 'id' | 'number'>;
  peer: PeerName;
  perSubgraph: Record<string, number>;
}

export interface Skipped {
  workload: Pick<Workload, 'id' | 'number'>;
  peer: PeerName;
  reason: string;
}

export interface RunDescription {
  title: string;
  pinning: string;
  connections: number;
  rate: number | null;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  scale: number;
}

export function machineLine(): string {
  const list = cpus();
  return `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ratio = (value: number | undefined, base: number | undefined) =>
  value !== undefined && base ? (value / base).toFixed(2) : '—';
const perCpu = (m: Measurement) => (m.gatewayCpu > 0 ? m.rps / m.gatewayCpu : NaN);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export function renderReport(
  run: RunDescription,
  measurements: Measurement[],
  sideBySide: Measurement[],
  fetches: FetchCount[],
  skipped: Skipped[],
): string {
  const lines: string[] = [];
  lines.push(`## ${run.title}`, '');
  lines.push(`Machine: ${machineLine()}. ${run.pinning}.`);
  lines.push(
    `${run.connections} connections${run.rate ? ` capped at ${run.rate} req/s in all` : ''}, ${run.warmupSeconds}s warm-up then ${run.seconds}s measured per gateway and workload, ${run.rounds} round(s), peers interleaved; seed scale ${run.scale}.`,
  );
  lines.push(
    "Errors: transport errors, timeouts, non-2xx answers and 200s carrying GraphQL errors. gw CPU: the gateway process's CPU use while measured (100% = one core); req/CPU-s: requests per second of gateway CPU, which other load on the machine distorts less than req/s. Ratios: to apollo-gateway in the same round on the same subgraphs.",
    '',
  );

  const fetchesOf = (m: Pick<Measurement, 'subgraphs' | 'workload' | 'peer'>) => {
    const count = fetches.find(
      (f) => f.subgraphs === m.subgraphs && f.workload.id === m.workload.id && f.peer === m.peer,
    );
    return count ? Object.values(count.perSubgraph).reduce((a, b) => a + b, 0) : undefined;
  };
  const baselineOf = (m: Measurement) =>
    measurements.find(
      (b) =>
        b.peer === BASELINE &&
        b.subgraphs === m.subgraphs &&
        b.workload.id === m.workload.id &&
        b.round === m.round,
    );

  lines.push(
    '| subgraphs | workload | round | gateway | req/s | p50 ms | p99 ms | errors | fetches/op | gw CPU | req/CPU-s | req/s ÷ apollo | p50 ÷ apollo | p99 ÷ apollo | req/CPU-s ÷ apollo |',
  );
  lines.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of measurements) {
    const base = baselineOf(m);
    lines.push(
      `| ${m.subgraphs} | ${m.workload.number} ${m.workload.title} | ${m.round} | ${m.peer} | ${fixed(m.rps)} | ${fixed(m.p50, 1)} | ${fixed(m.p99, 1)} | ${m.errors} | ${fixed(fetchesOf(m) ?? NaN, 1)} | ${fixed(m.gatewayCpu * 100)}% | ${fixed(perCpu(m))} | ${ratio(m.rps, base?.rps)} | ${ratio(m.p50, base?.p50)} | ${ratio(m.p99, base?.p99)} | ${base ? ratio(perCpu(m), perCpu(base)) : '—'} |`,
    );
  }
  for (const s of skipped)
    lines.push(`| | ${s.workload.number} | | ${s.peer} | n/a: ${s.reason} | | | | | | | | | | |`);

  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.subgraphs}|${m.workload.id}|${m.peer}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  if (run.rounds > 1) {
    lines.push('', 'Summary: means over rounds (ratios are means of the same-round ratios).', '');
    lines.push(
      '| subgraphs | workload | gateway | req/s | p99 ms | errors | req/CPU-s | req/s ÷ apollo | p99 ÷ apollo | req/CPU-s ÷ apollo |',
    );
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const group of groups.values()) {
      const [first] = group;
      const rpsRatios = group.map((m) => (baselineOf(m) ? m.rps / baselineOf(m)!.rps : NaN));
      const p99Ratios = group.map((m) => (baselineOf(m) ? m.p99 / baselineOf(m)!.p99 : NaN));
      const cpuRatios = group.map((m) =>
        baselineOf(m) ? perCpu(m) / perCpu(baselineOf(m)!) : NaN,
      );
      lines.push(
        `| ${first.subgraphs} | ${first.workload.number} | ${first.peer} | ${fixed(mean(group.map((m) => m.rps)))} | ${fixed(mean(group.map((m) => m.p99)), 1)} | ${group.reduce((sum, m) => sum + m.errors, 0)} | ${fixed(mean(group.map(perCpu)))} | ${fixed(mean(rpsRatios), 2)} | ${fixed(mean(p99Ratios), 2)} | ${fixed(mean(cpuRatios), 2)} |`,
      );
    }
  }

  lines.push(
    ...governanceCost(
      measurements,
      `Governance cost: ${GOVERNED} over ${UNGOVERNED} in the same round, measured in turn`,
    ),
    ...governanceCost(
      sideBySide,
      `Governance cost measured side by side: ${GOVERNED} and ${UNGOVERNED} loaded at the same time, sharing the gateway CPU (the machine's drift hits both alike; req/CPU-s is the figure to read, req/s also shows how the scheduler shared the core)`,
    ),
  );

  if (fetches.length > 0) {
    const subgraphNames = Object.keys(fetches[0].perSubgraph);
    lines.push(
      '',
      'Subgraph requests per operation, counted at the subgraphs (equivalence check, sequential requests).',
      '',
    );
    lines.push(`| subgraphs | workload | gateway | ${subgraphNames.join(' | ')} | total |`);
    lines.push(`|---|---|---|${subgraphNames.map(() => '---:').join('|')}|---:|`);
    for (const f of fetches) {
      const values = subgraphNames.map((name) => f.perSubgraph[name] ?? 0);
      lines.push(
        `| ${f.subgraphs} | ${f.workload.number} | ${f.peer} | ${values.map((v) => fixed(v, 1)).join(' | ')} | ${fixed(
          values.reduce((a, b) => a + b, 0),
          1,
        )} |`,
      );
    }
  }

  lines.push('', headline(measurements));
  return lines.join('\n');
}

/**
 * What governance costs Switchyard: governed over ungoverned in the same round, per workload, as the
 * median of the rounds' ratios with their range (the spread between rounds is the run's noise).
 */
function governanceCost(measurements: Measurement[], title: string): string[] {
  const rows: string[] = [];
  const governed = measurements.filter((m) => m.peer === GOVERNED);
  const keys = [...new Set(governed.map((m) => `${m.subgraphs}|${m.workload.number}`))];
  for (const key of keys) {
    const pairs = governed
      .filter((m) => `${m.subgraphs}|${m.workload.number}` === key)
      .map(
        (m) =>
          [
            m,
            measurements.find(
              (u) =>
                u.peer === UNGOVERNED &&
                u.subgraphs === m.subgraphs &&
                u.workload.id === m.workload.id &&
                u.round === m.round,
            ),
          ] as const,
      )
      .filter((pair): pair is readonly [Measurement, Measurement] => pair[1] !== undefined);
    if (pairs.length === 0) continue;
    const cell = (ratios: number[]) =>
      `${fixed(median(ratios), 2)} (${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)})`;
    const rps = pairs.map(([g, u]) => g.rps / u.rps);
    const cpu = pairs.map(([g, u]) => perCpu(g) / perCpu(u));
    const [subgraphs, workload] = key.split('|');
    rows.push(
      `| ${subgraphs} | ${workload} | ${pairs.length} | ${cell(rps)} | ${fixed((1 - median(rps)) * 100)} % | ${cell(cpu)} | ${fixed((1 - median(cpu)) * 100)} % |`,
    );
  }
  if (rows.length === 0) return [];
  return [
    '',
    `${title}. Median of the rounds' ratios, so one disturbed round does not decide it (range in brackets); cost = 1 − ratio.`,
    '',
    '| subgraphs | workload | rounds | req/s ratio | req/s cost | req/CPU-s ratio | req/CPU-s cost |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

/**
 * The report's last lines: `ratio switchyard(governed)/apollo-gateway [workload N]: X.XX` for each
 * workload measured, then the headline `ratio switchyard(governed)/apollo-gateway: X.XX`, workload 1's,
 * kept last. Each is the mean of the same-round req/s ratios, on in-memory subgraphs when they were
 * measured (the gateway's own cost), else on the real ones.
 */
export function headline(measurements: Measurement[]): string {
  const numbers = [...new Set(measurements.map((m) => m.workload.number))].sort((a, b) => a - b);
  const perWorkload = numbers.flatMap((number) => {
    const found = governedRatios(measurements, number);
    return found
      ? [`ratio ${HEADLINE}/${BASELINE} [workload ${number}]: ${mean(found.ratios).toFixed(2)}`]
      : [];
  });
  const first = governedRatios(measurements, 1);
  const last = first
    ? `Headline: req/s of ${HEADLINE} over ${BASELINE} on workload 1, ${first.subgraphs === 'memory' ? 'in-memory' : 'real'} subgraphs, mean of ${first.ratios.length} round(s).\nratio ${HEADLINE}/${BASELINE}: ${mean(first.ratios).toFixed(2)}`
    : `ratio ${HEADLINE}/${BASELINE}: n/a (not both measured on workload 1)`;
  return [...perWorkload, last].join('\n');
}

/** The same-round req/s ratios of the headline peer over the baseline on one workload, and on which subgraphs. */
function governedRatios(
  measurements: Measurement[],
  workload: number,
): { subgraphs: SubgraphKind; ratios: number[] } | null {
  for (const subgraphs of ['memory', 'real'] as const) {
    const ratios = measurements
      .filter(
        (m) => m.peer === HEADLINE && m.workload.number === workload && m.subgraphs === subgraphs,
      )
      .map((m) => {
        const base = measurements.find(
          (b) =>
            b.peer === BASELINE &&
            b.subgraphs === subgraphs &&
            b.workload.number === workload &&
            b.round === m.round,
        );
        return base ? m.rps / base.rps : NaN;
      })
      .filter(Number.isFinite);
    if (ratios.length > 0) return { subgraphs, ratios };
  }
  return null;
}
