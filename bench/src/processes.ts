/**
 * The bench's child processes: each a Node process running a TypeScript entry (through tsx),
 * pinned to its CPUs once ready (pinning.ts), its output kept (the last lines) to explain a failure, stopped with SIGTERM
 * (SIGKILL if it lingers). Every child is killed if the bench itself exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { pinProcess, unpinnedCommand } from './pinning';

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr). */
  output(): string;
  /** Moves it onto its CPUs (waitUntilReady does, once it is ready). */
  pin(): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcessOptions {
  entry: string;
  env: NodeJS.ProcessEnv;
  cpus: string | null;
  /** Node flags before the entry (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** An IPC channel to the parent (process.send in the child). */
  ipc?: boolean;
  cwd: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () =>
  running.forEach((child) => child.exitCode === null && child.kill('SIGKILL')),
);

export function startProcess(name: string, options: ProcessOptions): BenchProcess {
  const { command, args } = unpinnedCommand(process.execPath, [
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    options.entry,
  ]);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 40) lines.splice(0, lines.length - 40);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  return {
    name,
    child,
    output: () => lines.join('\n'),
    pin: () => pinProcess(options.cpus, child.pid!),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until `check` passes, then pins the process; fails early with the process's output if it exits first. */
export async function waitUntilReady(
  proc: BenchProcess,
  check: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.output()}`,
      );
    }
    if (await check().catch(() => false)) return proc.pin();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000}s:\n${proc.output()}`);
}

/** CPU time (user + system, seconds) a process has used so far, from /proc; NaN where there is no /proc. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** sysconf(_SC_CLK_TCK): 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100;

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The identity secret of this bench run, shared by its children (SWITCHYARD_IDENTITY_SECRET: Switchyard
 * signs with it, the real subgraphs verify it) and the identities consumers.ts signs for the peers:
 * random per run, since with NODE_ENV=production the public development secret is refused.
 */
export const BENCH_IDENTITY_SECRET = randomBytes(32).toString('base64url');

/**
 * The environment children start from: the bench's, without what would change how a gateway or
 * subgraph runs, and with NODE_ENV=production, as they are deployed (graphql-js, for one, checks
 * every failed `instanceof` across realms outside production: 3% of Hive Gateway's time), with
 * this run's identity secret.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    SWITCHYARD_IDENTITY_SECRET: BENCH_IDENTITY_SECRET,
  };
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(REDIS_URL|DATABASE_URL|GOVERNANCE_FILE|SUPERGRAPH_FILE|SUBGRAPH_URL_|SUBGRAPH_TIMEOUT_MS|PORT$|HOST$|LOG_LEVEL|OTEL_|SWITCHYARD_|DATA_DIR|APOLLO_|NODE_ENV)/.test(
        key,
      )
    )
      continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}
