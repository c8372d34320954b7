import path from 'node:path';
import type { LoadRequest, LoadResult } from './load';
import { cleanEnv, startProcess, type BenchProcess } from './processes';

/** The bench's handle on the load generator process (load.ts): one load run at a time. */
export class LoadGenerator {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve(result: LoadResult): void; reject(error: Error): void }
  >();

  private constructor(private readonly proc: BenchProcess) {
    proc.child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`load generator: ${message.error}`));
      else waiter?.resolve(message.result!);
    });
    proc.child.once('exit', () =>
      this.pending.forEach((waiter) =>
        waiter.reject(new Error(`load generator exited:\n${proc.output()}`)),
      ),
    );
  }

  static start(options: { cpus: string | null; root: string }): LoadGenerator {
    const proc = startProcess('load generator', {
      entry: path.join(__dirname, 'load.ts'),
      env: cleanEnv(),
      cpus: options.cpus,
      ipc: true,
      cwd: options.root,
    });
    proc.pin();
    return new LoadGenerator(proc);
  }

  run(request: LoadRequest): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.child.send({ id, request });
    });
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
