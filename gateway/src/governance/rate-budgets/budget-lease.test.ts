import { chunkSize, grantedPart, LeasedBudget, StoreUnavailableError } from './budget-lease';
import { createMemoryStore } from '../store/memory-store';
import type { GovernanceStore } from '../store/governance-store';

/** A memory store that counts its increments (the round trips a Redis store would make). */
function countingStore(): GovernanceStore & { increments: number } {
  const store = createMemoryStore();
  const counting = Object.assign(Object.create(null), store, { increments: 0 });
  counting.increment = async (key: string, amount: number, ttl: number) => {
    counting.increments++;
    return store.increment(key, amount, ttl);
  };
  return counting;
}

describe('budget leasing', () => {
  test('a chunk is leaseSize of the limit, rounded down, at least 1', () => {
    expect(chunkSize(6000, 0.05)).toBe(300);
    expect(chunkSize(20, 0.05)).toBe(1);
    expect(chunkSize(30, 0.05)).toBe(1);
    expect(chunkSize(50_000_000, 0.05)).toBe(2_500_000);
    expect(chunkSize(10, 1)).toBe(10);
  });

  test('only the part of a reservation at or below the limit is granted', () => {
    expect(grantedPart(50, 10, 100)).toBe(10); // 40 → 50: all under
    expect(grantedPart(105, 10, 100)).toBe(5); // 95 → 105: 5 under
    expect(grantedPart(100, 10, 100)).toBe(10); // exactly to the limit
    expect(grantedPart(120, 10, 100)).toBe(0); // already past
  });

  test('requests are served from a leased chunk: one store increment per chunk, not per request', async () => {
    const store = countingStore();
    const budget = new LeasedBudget(store, 'k', 100, 10, 60);
    for (let i = 0; i < 25; i++) expect(await budget.take(1)).toBe(true);
    expect(store.increments).toBe(3);
    expect(await store.counter('k')).toBe(30);
  });

  test('tryTake spends from the grant without the store, and hands back to take when the store must be asked', async () => {
    const store = countingStore();
    const budget = new LeasedBudget(store, 'k', 20, 10, 60);
    expect(budget.tryTake(1)).toBeNull(); // nothing granted yet
    expect(await budget.take(1)).toBe(true); // reserves a chunk of 10
    for (let i = 0; i < 9; i++) expect(budget.tryTake(1)).toBe(true);
    expect(store.increments).toBe(1);
    expect(budget.tryTake(1)).toBeNull(); // the chunk is spent
    expect(budget.tryTake(21)).toBe(false); // more than the whole budget, never
    expect(await budget.take(10)).toBe(true); // the second chunk brings the counter to the limit
    expect(budget.tryTake(1)).toBe(false); // exhausted, known locally: no store call
    expect(store.increments).toBe(2);
    budget.owe(1);
    expect(budget.tryTake(0)).toBeNull(); // what an outage admitted is settled by take first
  });

  test('a window is never overspent, and once exhausted a replica refuses without asking the store', async () => {
    const store = countingStore();
    const budget = new LeasedBudget(store, 'k', 25, 10, 60);
    let admitted = 0;
    for (let i = 0; i < 40; i++) if (await budget.take(1)) admitted++;
    expect(admitted).toBe(25);
    expect(store.increments).toBe(3); // 10, 20, 30 (only 5 of the last granted)
    expect(await budget.take(1)).toBe(false);
    expect(store.increments).toBe(3);
  });

  test('replicas sharing a counter admit the limit in total, never more', async () => {
    const store = createMemoryStore();
    const replicas = [0, 1, 2].map(() => new LeasedBudget(store, 'k', 100, 7, 60));
    let admitted = 0;
    for (let i = 0; i < 200; i++) if (await replicas[i % 3].take(1)) admitted++;
    expect(admitted).toBe(100);
  });

  test('early refusals stay within (replicas − 1) × chunk while others hold unspent grants', async () => {
    const store = createMemoryStore();
    const [a, b] = [
      new LeasedBudget(store, 'k', 100, 10, 60),
      new LeasedBudget(store, 'k', 100, 10, 60),
    ];
    expect(await b.take(1)).toBe(true); // b holds 9 unspent
    let admittedByA = 0;
    while (await a.take(1)) admittedByA++;
    // a refuses while b's 9 unspent are still there (early by less than one chunk), and b serves them.
    expect(admittedByA).toBe(90);
    let admittedByB = 0;
    while (await b.take(1)) admittedByB++;
    expect(admittedByB).toBe(9);
  });

  test('costs larger than a chunk lease what they need; a cost over the whole limit is refused without reserving', async () => {
    const store = countingStore();
    const budget = new LeasedBudget(store, 'k', 1000, 50, 60);
    expect(await budget.take(120)).toBe(true);
    expect(await store.counter('k')).toBe(120);
    expect(await budget.take(1001)).toBe(false);
    expect(await store.counter('k')).toBe(120);
    expect(await budget.take(0)).toBe(true);
  });

  test('concurrent takes wait for one reservation instead of each making their own', async () => {
    const store = countingStore();
    const budget = new LeasedBudget(store, 'k', 100, 10, 60);
    const results = await Promise.all(Array.from({ length: 10 }, () => budget.take(1)));
    expect(results.every(Boolean)).toBe(true);
    expect(store.increments).toBe(1);
  });

  test('a store that is down or fails surfaces as StoreUnavailableError, only when a reservation is needed', async () => {
    const store = createMemoryStore();
    let healthy = true;
    const flaky: GovernanceStore = { ...store, healthy: () => healthy };
    const budget = new LeasedBudget(flaky, 'k', 100, 2, 60);
    expect(await budget.take(1)).toBe(true);
    healthy = false;
    expect(await budget.take(1)).toBe(true); // still from the chunk
    await expect(budget.take(1)).rejects.toBeInstanceOf(StoreUnavailableError);
    const failing: GovernanceStore = {
      ...store,
      increment: () => Promise.reject(new Error('ECONNRESET')),
    };
    await expect(new LeasedBudget(failing, 'k2', 100, 2, 60).take(1)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  test('what was admitted while the store was away is added to the shared counter once it answers, so the window counts it', async () => {
    const store = countingStore();
    let healthy = false;
    const returning: GovernanceStore = Object.assign(Object.create(null), store, {
      healthy: () => healthy,
    });
    const [away, other] = [
      new LeasedBudget(returning, 'k', 20, 5, 60),
      new LeasedBudget(store, 'k', 20, 5, 60),
    ];
    away.owe(12); // admitted by the caller's own rule during the outage
    expect(away.owing()).toBe(12);
    healthy = true;
    expect(await away.take(1)).toBe(true);
    expect(away.owing()).toBe(0);
    expect(await store.counter('k')).toBe(12 + 5);
    // The other replica gets only what is left: 20 − 12 owed − 5 leased.
    let admitted = 0;
    while (await other.take(1)) admitted++;
    expect(admitted).toBe(3);
  });

  test('owed use stays owed while the store still fails, and is added exactly once', async () => {
    const store = createMemoryStore();
    let failing = true;
    const flaky: GovernanceStore = {
      ...store,
      increment: (key, amount, ttl) =>
        failing ? Promise.reject(new Error('ECONNRESET')) : store.increment(key, amount, ttl),
    };
    const budget = new LeasedBudget(flaky, 'k', 100, 10, 60);
    budget.owe(4);
    await expect(budget.take(1)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(budget.owing()).toBe(4);
    failing = false;
    await Promise.all([budget.take(1), budget.take(1), budget.take(1)]);
    expect(budget.owing()).toBe(0);
    expect(await store.counter('k')).toBe(4 + 10);
  });
  describe('after an operator lowered the counter (reset or top-up)', () => {
    test('the replica that made the change rebases: its unspent grant is given up and the window is open again', async () => {
      const store = countingStore();
      const budget = new LeasedBudget(store, 'k', 10, 4, 60);
      for (let i = 0; i < 10; i++) expect(await budget.take(1)).toBe(true);
      expect(await budget.take(1)).toBe(false);
      const after = await store.increment('k', -(await store.counter('k')), 60);
      budget.rebase(after);
      expect(budget.remaining()).toBe(10);
      for (let i = 0; i < 10; i++) expect(await budget.take(1)).toBe(true);
      expect(await budget.take(1)).toBe(false); // the new window's limit holds
    });

    test('another replica that saw the window exhausted reads the counter again once the recheck interval has passed, not before', async () => {
      const store = countingStore();
      let now = 0;
      const recheck = { now: () => now, intervalMs: 5_000 };
      const mine = new LeasedBudget(store, 'k', 10, 5, 60, recheck);
      const theirs = new LeasedBudget(store, 'k', 10, 5, 60, recheck);
      for (let i = 0; i < 10; i++) expect(await theirs.take(1)).toBe(true);
      expect(await theirs.take(1)).toBe(false);
      expect(await mine.take(1)).toBe(false); // learns the window is exhausted
      const reads = jest.spyOn(store, 'counter');
      const after = await store.increment('k', -(await store.counter('k')), 60);
      mine.rebase(after);
      reads.mockClear();
      expect(await theirs.take(1)).toBe(false); // its view is fresh: no store read yet
      expect(reads).not.toHaveBeenCalled();
      now += 5_000;
      expect(theirs.tryTake(1)).toBeNull(); // the recheck is due: the store is asked
      expect(await theirs.take(1)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);

      // Exhausted again: refused locally until the next recheck is due.
      for (let i = 0; i < 20; i++) await mine.take(1);
      for (let i = 0; i < 20; i++) await theirs.take(1);
      expect(await store.counter('k')).toBeGreaterThanOrEqual(10);
      reads.mockClear();
      await store.increment('k', -(await store.counter('k')), 60);
      reads.mockClear();
      now += 1_000;
      expect(theirs.tryTake(1)).toBe(false);
      expect(await theirs.take(1)).toBe(false);
      expect(reads).not.toHaveBeenCalled();
      now += 5_000;
      expect(await theirs.take(1)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
    });

    test('a reset forgives what an outage admitted and is still owed; a top-up does not', async () => {
      const store = countingStore();
      const reset = new LeasedBudget(store, 'reset', 10, 5, 60);
      reset.owe(4);
      reset.rebase(await store.increment('reset', 0, 60), { reset: true });
      expect(await reset.take(1)).toBe(true);
      expect(await store.counter('reset')).toBe(5); // one chunk, nothing owed added
      const toppedUp = new LeasedBudget(store, 'top-up', 10, 5, 60);
      toppedUp.owe(4);
      toppedUp.rebase(await store.increment('top-up', -3, 60));
      expect(await toppedUp.take(1)).toBe(true);
      expect(await store.counter('top-up')).toBe(-3 + 4 + 5);
    });

    test('a top-up below zero leaves more than the limit, and what was granted follows it', async () => {
      const store = countingStore();
      const budget = new LeasedBudget(store, 'k', 10, 5, 60);
      for (let i = 0; i < 10; i++) expect(await budget.take(1)).toBe(true);
      budget.rebase(await store.increment('k', -(10 + 15), 60)); // topped up by 15 once spent
      expect(budget.remaining()).toBe(25);
      let admitted = 0;
      while (await budget.take(1)) admitted++;
      expect(admitted).toBe(25);
    });
  });
});
