import { compositionOnlyCheck } from './composition-check';
import { createRegistryService } from './registry-service';
import { openRegistryStore, type RegistryStore } from './storage/registry-store';
import { createSupergraphWatch } from './supergraph-watch';
import { repositorySubgraphs, withField } from './testing/registry-harness';

const owner = {
  id: 'dev-orders-owner',
  name: 'orders',
  kind: 'internal' as const,
  scopes: [],
  tenant: null,
  tier: 'internal',
  persistedOperations: 'allow' as const,
  contract: null,
  requireClientName: false,
  requireOperationName: false,
};

let store: RegistryStore;
beforeEach(async () => {
  store = await openRegistryStore({ dataDir: ':memory:' });
});
afterEach(() => store.close());

test("a waiter learns of another replica's publish by polling, and a wait ends empty on timeout or hang-up", async () => {
  const replica = createRegistryService({
    store,
    graph: 'switchyard',
    runCheck: compositionOnlyCheck,
  });
  await replica.seed(repositorySubgraphs(), 'seed');
  // This process's watch: the replica's publish never calls its notify.
  const watch = createSupergraphWatch(store, 'switchyard', { pollMs: 20 });

  expect(await watch.waitForVersionAfter(1, 60)).toBeNull();
  const hungUp = new AbortController();
  const abandoned = watch.waitForVersionAfter(1, 30_000, hungUp.signal);
  hungUp.abort();
  expect(await abandoned).toBeNull();

  const waiting = watch.waitForVersionAfter(1, 30_000);
  await replica.publish(
    'orders',
    { sdl: withField('orders', 'Order', 'giftMessage: String'), message: 'gift messages' },
    owner,
  );
  expect(await waiting).toMatchObject({ version: 2 });
  // Already past: answered without waiting.
  expect(await watch.waitForVersionAfter(1, 0)).toMatchObject({ version: 2 });
});
