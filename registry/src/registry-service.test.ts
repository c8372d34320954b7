/**
 * Two registry processes writing one SQLite file are not held back by each other's in-process lock:
 * a change composed on a version the other has since moved past is composed and checked again, never
 * written over it.
 */
import type { RunCheck } from './checks/check-report';
import { compositionOnlyCheck } from './composition-check';
import { createRegistryService } from './registry-service';
import { openRegistryStore, type RegistryStore } from './storage/registry-store';
import { repositorySubgraphs, withField } from './testing/registry-harness';

const owner = (subgraph: string) => ({
  id: `dev-${subgraph}-owner`,
  name: subgraph,
  kind: 'internal' as const,
  scopes: [],
  tenant: null,
  tier: 'internal',
  persistedOperations: 'allow' as const,
  contract: null,
  requireClientName: false,
  requireOperationName: false,
});

/** A pipeline waiting on I/O: both processes check at once. */
const slowCheck: RunCheck = async (input) => {
  await new Promise((resolve) => setTimeout(resolve, 30));
  return compositionOnlyCheck(input);
};

let store: RegistryStore;
beforeEach(async () => {
  store = await openRegistryStore({ dataDir: ':memory:' });
});
afterEach(() => store.close());

test('two processes publishing different subgraphs at once both land; the later one is checked again on the other', async () => {
  const [first, second] = [1, 2].map(() =>
    createRegistryService({ store, graph: 'switchyard', runCheck: slowCheck }),
  );
  await first.seed(repositorySubgraphs(), 'seed');
  const [orders, finance] = await Promise.all([
    first.publish(
      'orders',
      { sdl: withField('orders', 'Order', 'giftMessage: String'), message: 'gift' },
      owner('orders'),
    ),
    second.publish(
      'finance',
      { sdl: withField('finance', 'Invoice', 'internalNote: String'), message: 'note' },
      owner('finance'),
    ),
  ]);
  expect([orders.version, finance.version].sort()).toEqual([2, 3]);
  const supergraph = await first.currentSupergraph();
  expect(supergraph!.version).toBe(3);
  expect(supergraph!.supergraphSdl).toContain('giftMessage: String');
  expect(supergraph!.supergraphSdl).toContain('internalNote: String');
  expect(supergraph!.subgraphVersions).toMatchObject({
    orders: orders.version,
    finance: finance.version,
  });
});
