/**
 * Wakes long-polling gateways when the graph gets a new version: at once for a publish by this
 * registry process, and within `pollMs` for one by another replica sharing the database. However
 * many gateways wait, one query per `pollMs` looks (only while someone waits).
 */
import type { RegistryStore, SupergraphVersion } from './storage/registry-store';

export interface SupergraphWatch {
  /** A publish by this process: look now. */
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

interface Waiter {
  knownVersion: number;
  done: (found: boolean) => void;
}

export function createSupergraphWatch(
  store: RegistryStore,
  graph: string,
  { pollMs = 1000 }: { pollMs?: number } = {},
): SupergraphWatch {
  const waiters = new Set<Waiter>();
  let timer: NodeJS.Timeout | null = null;
  let looking = false;

  async function look(): Promise<void> {
    if (looking) return;
    looking = true;
    try {
      const version = await store.currentVersion(graph);
      if (version !== null)
        for (const waiter of [...waiters]) if (version > waiter.knownVersion) waiter.done(true);
    } catch {
      // The database did not answer: the waiters keep waiting, the next round looks again.
    } finally {
      looking = false;
      schedule();
    }
  }

  function schedule(): void {
    if (timer || waiters.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void look();
    }, pollMs);
  }

  return {
    notify() {
      if (timer) clearTimeout(timer);
      timer = null;
      void look();
    },
    async waitForVersionAfter(knownVersion, timeoutMs, signal) {
      const version = await store.currentVersion(graph);
      if (version === null || version <= knownVersion) {
        if (timeoutMs <= 0 || signal?.aborted) return null;
        const found = await new Promise<boolean>((resolve) => {
          const waiter: Waiter = {
            knownVersion,
            done: (result) => {
              clearTimeout(deadline);
              signal?.removeEventListener('abort', abort);
              waiters.delete(waiter);
              resolve(result);
            },
          };
          const abort = () => waiter.done(false);
          const deadline = setTimeout(abort, timeoutMs);
          signal?.addEventListener('abort', abort, { once: true });
          waiters.add(waiter);
          schedule();
        });
        if (!found) return null;
      }
      return store.currentSupergraph(graph);
    },
  };
}
