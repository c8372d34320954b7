import { LoaderRegistry } from './loaders';

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<Store> {
  correlationId: string;
  store: Store;
  loaders: LoaderRegistry;
}

export function createContext<Store>(store: Store, correlationId: string): SubgraphContext<Store> {
  return { correlationId, store, loaders: new LoaderRegistry() };
}
