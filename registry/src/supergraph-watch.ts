/**
 * Wakes long-polling gateways when the graph gets a new version: at once for a publish by this
 * registry process, and within `pollMs` for one by another replica sharing the database.
 */
import type { RegistryStore, SupergraphVersion } from './storage/registry-store';

export interface SupergraphWatch {
  /** A publish by this process: wake the waiters now. */
  notify(): void;
  /**
   * The current supergraph once its version is past `knownVersion`, or null when `timeoutMs` passes
   * (or `signal` aborts: the gateway hung up) first.
   */
  waitForVersionAfter(
    knownVersion: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<SupergraphVersion | null>;
}

export function createSupergraphWatch(
  store: RegistryStore,
  graph: string,
  { pollMs = 1000 }: { pollMs?: number } = {},
): SupergraphWatch {
  const waiters = new Set<() => void>();
  return {
    notify() {
      for (const wake of [...waiters]) wake();
    },
    async waitForVersionAfter(knownVersion, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const version = await store.currentVersion(graph);
        if (version !== null && version > knownVersion) return store.currentSupergraph(graph);
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return null;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            signal?.removeEventListener('abort', wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(pollMs, left));
          waiters.add(wake);
          signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },
  };
}
