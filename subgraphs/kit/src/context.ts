import type { CallerIdentity } from './identity-header';
import { LoaderRegistry } from './loaders';
import { rowScopeOf, type RowScope } from './row-scope';

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<Store> {
  correlationId: string;
  store: Store;
  loaders: LoaderRegistry;
  /** Who calls, as the signed x-switchyard-identity header says (verified by the server). */
  caller: CallerIdentity;
  /** The rows the caller may see, passed into store filters and checked by the row rules. */
  rowScope: RowScope;
}

/** For in-process callers that bypass HTTP and its identity check (benchmarks): a service sees every row. */
export const IN_PROCESS_CALLER: CallerIdentity = { id: 'service:in-process', kind: 'service', scopes: [], tenant: null, exp: Number.MAX_SAFE_INTEGER };

export function createContext<Store>(store: Store, correlationId: string, caller: CallerIdentity = IN_PROCESS_CALLER): SubgraphContext<Store> {
  return { correlationId, store, loaders: new LoaderRegistry(), caller, rowScope: rowScopeOf(caller) };
}
