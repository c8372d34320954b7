import { createMemoryStore } from './memory-store';

test('entries nobody reads again are swept out once expired (a past rate window’s counter), live ones kept', async () => {
  let clock = Date.UTC(2026, 10, 1);
  const store = createMemoryStore(() => clock);
  // One counter per one-second window, as rate budgets write them, each never read again.
  for (let second = 0; second < 50; second++) {
    await store.increment(`rate:c:requests:1s@${second}`, 1, 2);
    clock += 1_000;
  }
  await store.incrementFields([{ key: 'usage:old', field: 'f', amount: 1 }], 1);
  await store.set('apq:kept', 'query { x }', 3_600);
  expect(store.entryCount()).toBe(52); // within the first sweep interval: nothing swept yet

  clock += 11_000; // past the sweep interval: the next write sweeps
  await store.increment('rate:c:requests:1s@now', 1, 2);
  expect(store.entryCount()).toBe(2);
  expect(await store.get('apq:kept')).toBe('query { x }');
  expect(await store.counter('rate:c:requests:1s@now')).toBe(1);
});
