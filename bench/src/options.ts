/**
 * `npm run bench -- [options]`, every option with its default in one place.
 *   --quick                 one short round for a quick look (under 2 minutes): 1 round, 1s warm-up, 3s measured, small variable
 *                           pools, only the in-memory subgraphs timed (the real ones still record and are checked)
 *   --rounds N              rounds, peers interleaved (default 2)
 *   --seconds N             measured seconds per gateway and workload (default 10)
 *   --warmup N              warm-up seconds before each measurement (default 3)
 *   --connections N         concurrent connections of the load generator (default 16)
 *   --rate N                cap the load at N requests per second (default: none, as fast as each gateway answers); at a rate
 *                           every gateway sustains, gateway CPU per request (req/CPU-s) compares their costs without saturation effects
 *   --side-by-side N        rounds in which governed and ungoverned Switchyard are loaded at the same time, both on the gateway
 *                           CPU, after the interleaved rounds (default 4, 0 with --quick; in-memory subgraphs only): the
 *                           machine's drift hits both alike, so their req/CPU-s ratio is the steadiest governance cost
 *   --subgraphs LIST        memory,real: which subgraph sets are timed (default both, memory with --quick; the real ones always
 *                           run first, to record what the in-memory ones answer and to check every gateway against them)
 *   --peers LIST            gateways (default apollo-gateway,hive-gateway,switchyard(governed),switchyard(ungoverned); also mercurius-gateway,
 *                           and switchyard(governed,dedup): governed with subgraph deduplication on, which every other peer runs off)
 *   --workloads LIST        order,orders-50,persisted,orders-freight (default all)
 *   --scale N               seed scale (default 1: 200 customers, 5,000 orders)
 *   --sample N              requests per workload and gateway in the equivalence check (default 3)
 *   --cpu-prof              run the timed gateways with node --cpu-prof and summarise their measured seconds (profiles kept in bench/profiles/)
 *   --gateway-cpus, --load-cpus, --subgraph-cpus   taskset CPU lists (default: see pinning.ts)
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PEERS, PEERS, type PeerName } from './peers';
import type { SubgraphKind } from './subgraphs/subgraph-set';
import type { PoolSizes, WorkloadId } from './workloads';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  rate: number | null;
  sideBySide: number;
  subgraphs: SubgraphKind[];
  peers: PeerName[];
  workloads: WorkloadId[];
  scale: number;
  sample: number;
  pools: PoolSizes;
  cpuProf: boolean;
  cpus: { gateway?: string; load?: string; subgraphs?: string };
}

const WORKLOADS: WorkloadId[] = ['order', 'orders-50', 'persisted', 'orders-freight'];

export function benchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '16' },
      rate: { type: 'string' },
      'side-by-side': { type: 'string' },
      subgraphs: { type: 'string' },
      peers: { type: 'string', default: DEFAULT_PEERS.join(',') },
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      scale: { type: 'string', default: '1' },
      sample: { type: 'string', default: '3' },
      'cpu-prof': { type: 'boolean', default: false },
      'gateway-cpus': { type: 'string' },
      'load-cpus': { type: 'string' },
      'subgraph-cpus': { type: 'string' },
    },
  });
  const quick = values.quick!;
  const peers = list(
    values.peers!,
    PEERS.map((p) => p.name),
    'peers',
  );
  return {
    quick,
    rounds: positive('rounds', values.rounds ?? (quick ? '1' : '2')),
    seconds: positive('seconds', values.seconds ?? (quick ? '3' : '10')),
    warmupSeconds: positive('warmup', values.warmup ?? (quick ? '1' : '3')),
    connections: positive('connections', values.connections!),
    rate: values.rate === undefined ? null : positive('rate', values.rate),
    sideBySide: wholeNumber('side-by-side', values['side-by-side'] ?? (quick ? '0' : '4')),
    subgraphs: list(
      values.subgraphs ?? (quick ? 'memory' : 'memory,real'),
      ['memory', 'real'],
      'subgraphs',
    ),
    peers,
    workloads: list(values.workloads!, WORKLOADS, 'workloads'),
    scale: positive('scale', values.scale!),
    sample: positive('sample', values.sample!),
    pools: quick
      ? { order: 40, orders50: 6, persisted: 40, ordersFreight: 6 }
      : { order: 200, orders50: 40, persisted: 200, ordersFreight: 40 },
    cpuProf: values['cpu-prof']!,
    cpus: {
      gateway: values['gateway-cpus'],
      load: values['load-cpus'],
      subgraphs: values['subgraph-cpus'],
    },
  };
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function wholeNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number (0 or more), got "${raw}"`);
  return value;
}

function list<T extends string>(raw: string, allowed: readonly T[], name: string): T[] {
  const items = raw
    // A comma inside parentheses is part of the name: switchyard(governed,dedup).
    .split(/,(?![^(]*\))/)
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0)
    throw new Error(`--${name}: unknown ${unknown.join(', ')} (one of ${allowed.join(', ')})`);
  return items as T[];
}
