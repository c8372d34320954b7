/**
 * A sleep that can be cut short: loops that poll (the outbox relay, subscription loops, retry backoff)
 * wait on it, and a kick, a publication or a shutdown wakes them at once. A wake with nobody waiting is
 * remembered, so the next wait returns immediately and no wake-up is lost between two checks.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();
  private woken = false;

  /** Resolves after `ms` (never, when absent) or at the next wake, whichever comes first. */
  wait(ms?: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Wakes every waiter, or the next wait when none is waiting. */
  wake(): void {
    if (this.waiters.size === 0) this.woken = true;
    for (const waiter of [...this.waiters]) waiter();
  }
}
