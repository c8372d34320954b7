/**
 * A whole `npm start` (scripts/start.ts) as a process of its own: in a temporary DATA_DIR, on free
 * ports, so a test runs it beside the others. Its output is kept; the pids the supervisor logs
 * (`[name] started (pid N)`) tell a test which process to kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SUBGRAPHS = ['customers', 'catalog', 'inventory', 'orders', 'shipments', 'finance'];

export interface NpmStartPorts {
  gateway: number;
  registry: number;
  subgraphs: Record<string, number>;
}

/** Ports nothing listens on right now (each bound once by the system, then released). */
export async function freePorts(): Promise<NpmStartPorts> {
  const ports: number[] = [];
  for (let i = 0; i < 2 + SUBGRAPHS.length; i++) {
    ports.push(
      await new Promise<number>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      }),
    );
  }
  const [gateway, registry, ...rest] = ports;
  return {
    gateway,
    registry,
    subgraphs: Object.fromEntries(SUBGRAPHS.map((name, i) => [name, rest[i]])),
  };
}

export class NpmStart {
  private text = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly process: ChildProcess,
    readonly ports: NpmStartPorts,
  ) {
    for (const stream of [process.stdout!, process.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (this.text += chunk));
    }
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
  }

  /** Starts `npm start` in `dataDir` on `ports`, without Redis, and waits until it says it is up. */
  static async start(dataDir: string, ports: NpmStartPorts): Promise<NpmStart> {
    const { REDIS_URL: _redis, DATABASE_URL: _database, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env: {
        ...env,
        NODE_OPTIONS: '',
        DATA_DIR: dataDir,
        SEED_SCALE: '0.05',
        LOG_LEVEL: 'warn',
        PORT: String(ports.gateway),
        REGISTRY_PORT: String(ports.registry),
        ...Object.fromEntries(
          Object.entries(ports.subgraphs).map(([name, port]) => [
            `SUBGRAPH_PORT_${name.toUpperCase()}`,
            String(port),
          ]),
        ),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new NpmStart(child, ports);
    await started.waitFor(/Switchyard is up\./, 90_000);
    return started;
  }

  get output(): string {
    return this.text;
  }

  get gatewayOrigin(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  /** Every pid the supervisor logged for the named process, in order. */
  pids(name: string): number[] {
    const pattern = new RegExp(`^\\[${name}\\] +started \\(pid (\\d+)\\)$`, 'gm');
    return [...this.text.matchAll(pattern)].map((match) => Number(match[1]));
  }

  /** Resolves once the output matches; rejects (with the output) if it does not in time or the process exits. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.match(pattern);
      if (match) return match;
      if (this.process.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `npm start: no ${pattern} within ${timeoutMs / 1000} s (exit ${this.process.exitCode}); output:\n${this.text.slice(-4_000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM, as Ctrl-C would, and its exit code. */
  async stop(): Promise<number | null> {
    if (this.process.exitCode === null) this.process.kill('SIGTERM');
    return this.exited;
  }
}
