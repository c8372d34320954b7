/**
 * Keeps `npm start`'s processes running: each is started, waited on until it answers, and, when it
 * exits after that, restarted with exponential backoff (the delay doubles from `initialDelayMs` to
 * `maxDelayMs`, back to the first once a process stayed up `resetAfterMs`), each restart logged with
 * its cause. A process that exits before it ever answered stops the start instead: its configuration
 * is wrong, and restarting it would only loop. `stop()` stops them in the reverse order of their start.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessSpec {
  /** Its name in the log (`[gateway]`). */
  name: string;
  /** A TypeScript entry point, run with tsx. */
  file: string;
  env: NodeJS.ProcessEnv;
  /** URLs that each answer 2xx once the process serves (its /healthz or /readyz). */
  readyUrls: string[];
}

export interface SupervisorOptions {
  cwd: string;
  /** First restart delay (ms), doubled per restart. Default 500. */
  initialDelayMs?: number;
  /** Longest restart delay (ms). Default 30000. */
  maxDelayMs?: number;
  /** A process up this long (ms) restarts after `initialDelayMs` again. Default 60000. */
  resetAfterMs?: number;
  /** How long a process is waited on after SIGTERM before SIGKILL (ms). Default 10000. */
  stopGraceMs?: number;
  /** How long a first start may take until every ready URL answers (ms). Default 60000. */
  readyTimeoutMs?: number;
  /** Where lines go. Default: stdout, a process's own output prefixed with its name. */
  write?: (text: string) => void;
}

export const SUPERVISOR_DEFAULTS = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  stopGraceMs: 10_000,
  readyTimeoutMs: 60_000,
} as const;

interface Supervised {
  spec: ProcessSpec;
  prefix: string;
  child: ChildProcess | null;
  startedAt: number;
  restarts: number;
  nextDelayMs: number;
  restartTimer: NodeJS.Timeout | null;
  /** The last line the process wrote to stderr: the likeliest cause of an exit. */
  lastErrorLine: string;
}

export class ProcessSupervisor {
  private readonly options: Required<SupervisorOptions>;
  private readonly supervised: Supervised[] = [];
  private stopping = false;

  constructor(options: SupervisorOptions) {
    this.options = {
      ...SUPERVISOR_DEFAULTS,
      write: (text) => process.stdout.write(text),
      ...options,
    };
  }

  /** Starts the process and waits until it answers; rejects (with its cause) when it exits or times out first. */
  async start(spec: ProcessSpec): Promise<void> {
    const entry: Supervised = {
      spec,
      prefix: `[${spec.name}] `.padEnd(12),
      child: null,
      startedAt: 0,
      restarts: 0,
      nextDelayMs: this.options.initialDelayMs,
      restartTimer: null,
      lastErrorLine: '',
    };
    this.supervised.push(entry);
    const child = this.spawn(entry);
    let onEarlyExit!: (code: number | null, signal: NodeJS.Signals | null) => void;
    const exited = new Promise<never>((_resolve, reject) => {
      onEarlyExit = (code, signal) =>
        reject(
          new Error(`${spec.name} exited before it was ready (${cause(entry, code, signal)})`),
        );
      child.once('exit', onEarlyExit);
    });
    const polling = new AbortController();
    try {
      await Promise.race([
        waitUntilAnswering(spec.readyUrls, this.options.readyTimeoutMs, spec.name, polling.signal),
        exited,
      ]);
    } finally {
      child.off('exit', onEarlyExit);
      polling.abort();
    }
    // From now on an exit is restarted.
    child.once('exit', (code, signal) => this.onExit(entry, child, code, signal));
  }

  /** The pid of the named process while it runs. */
  pid(name: string): number | undefined {
    return this.supervised.find((entry) => entry.spec.name === name)?.child?.pid;
  }

  /** Stops every process, the last started first, each with SIGTERM and, past the grace, SIGKILL. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.supervised].reverse()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      const child = entry.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => {
          this.line(entry, `did not stop within ${this.options.stopGraceMs / 1000} s; killed`);
          child.kill('SIGKILL');
        }, this.options.stopGraceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
  }

  /** Kills whatever still runs, at once (the supervisor's own exit). */
  killAll(): void {
    for (const { child } of this.supervised)
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private spawn(entry: Supervised): ChildProcess {
    // Own process group: Ctrl-C reaches the supervisor only, which then stops the processes in order.
    const child = spawn(process.execPath, ['--import', 'tsx', entry.spec.file], {
      cwd: this.options.cwd,
      env: entry.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    entry.child = child;
    entry.startedAt = Date.now();
    entry.lastErrorLine = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.output(entry, chunk));
    child.stderr!.on('data', (chunk: string) => {
      const lines = chunk.split('\n').filter((line) => line.trim() !== '');
      if (lines.length > 0) entry.lastErrorLine = lines.at(-1)!.trim();
      this.output(entry, chunk);
    });
    this.line(entry, `started (pid ${child.pid})`);
    return child;
  }

  private onExit(
    entry: Supervised,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (this.stopping || entry.child !== child) return;
    const upMs = Date.now() - entry.startedAt;
    if (upMs >= this.options.resetAfterMs) entry.nextDelayMs = this.options.initialDelayMs;
    const delayMs = entry.nextDelayMs;
    entry.nextDelayMs = Math.min(delayMs * 2, this.options.maxDelayMs);
    entry.restarts += 1;
    this.line(
      entry,
      `exited (${cause(entry, code, signal)}) after ${seconds(upMs)}; restart ${entry.restarts} in ${seconds(delayMs)}`,
    );
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = null;
      if (this.stopping) return;
      const next = this.spawn(entry);
      next.once('exit', (nextCode, nextSignal) => this.onExit(entry, next, nextCode, nextSignal));
      waitUntilAnswering(entry.spec.readyUrls, this.options.readyTimeoutMs, entry.spec.name).then(
        () => {
          if (entry.child === next && !this.stopping) this.line(entry, 'ready again');
        },
        // Still not answering: its exit, if it comes, is restarted and logged; a hang is the operator's to see.
        (error: Error) => {
          if (entry.child === next && !this.stopping) this.line(entry, error.message);
        },
      );
    }, delayMs);
  }

  private output(entry: Supervised, chunk: string): void {
    this.options.write(chunk.replace(/^(?=.)/gm, entry.prefix));
  }

  private line(entry: Supervised, text: string): void {
    this.options.write(`${entry.prefix}${text}\n`);
  }
}

/** Why a process exited: its signal or code, and the last line it wrote to stderr. */
function cause(entry: Supervised, code: number | null, signal: NodeJS.Signals | null): string {
  const how = signal ? `signal ${signal}` : `code ${code}`;
  return entry.lastErrorLine ? `${how}: ${entry.lastErrorLine}` : how;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Resolves once every URL answers 2xx; rejects after `timeoutMs`, or once `signal` aborts. */
export async function waitUntilAnswering(
  urls: string[],
  timeoutMs: number,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      signal?.throwIfAborted();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() >= deadline)
        throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
