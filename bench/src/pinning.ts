/**
 * Which CPUs each process of the bench runs on (taskset), so the load generator never competes
 * with the gateway it measures. With 2 CPUs (the development machine): the gateway under test
 * alone on CPU 0; the load generator, the subgraphs and the bench's own process on CPU 1. With 3:
 * the subgraphs get CPU 2. With more: the subgraphs get CPUs 2 and up. Without taskset, or on one
 * CPU, nothing is pinned and the report says so. Children start on every CPU (unpinnedCommand:
 * they would otherwise inherit the bench's own pinning) and are pinned once ready (pinProcess).
 * `--gateway-cpus`, `--load-cpus`, `--subgraph-cpus` override the layout (taskset's list syntax: `0`, `2-3`, `0,2`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuLayout {
  /** taskset CPU lists; null when not pinned. */
  gateway: string | null;
  load: string | null;
  subgraphs: string | null;
  /** One line for the report. */
  description: string;
}

export function cpuLayout(
  overrides: { gateway?: string; load?: string; subgraphs?: string } = {},
): CpuLayout {
  const cpus = availableParallelism();
  if (!hasTaskset() || cpus < 2) {
    return {
      gateway: null,
      load: null,
      subgraphs: null,
      description: `not pinned (${cpus} CPU${cpus === 1 ? '' : 's'}${hasTaskset() ? '' : ', no taskset'})`,
    };
  }
  const gateway = overrides.gateway ?? '0';
  const load = overrides.load ?? '1';
  const subgraphs = overrides.subgraphs ?? (cpus === 2 ? '1' : cpus === 3 ? '2' : `2-${cpus - 1}`);
  return {
    gateway,
    load,
    subgraphs,
    description: `taskset: gateway on CPU ${gateway}; load generator on CPU ${load}; subgraphs on CPU ${subgraphs} (${cpus} CPUs)`,
  };
}

/** The command that runs `command args` on every CPU, whatever this process is pinned to. */
export function unpinnedCommand(
  command: string,
  args: string[],
): { command: string; args: string[] } {
  const cpus = availableParallelism();
  return hasTaskset() && cpus > 1
    ? { command: 'taskset', args: ['-c', `0-${cpus - 1}`, command, ...args] }
    : { command, args };
}

/**
 * Moves a running process, every one of its threads, onto `cpus` (nothing when null). Processes
 * start unpinned, so that their start-up (loading and compiling modules) uses every CPU, and are
 * pinned once ready, before anything is measured; threads they start later inherit the pinning.
 */
export function pinProcess(cpus: string | null, pid: number): void {
  if (cpus) execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
}

let taskset: boolean | undefined;
function hasTaskset(): boolean {
  taskset ??= spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  return taskset;
}
