import type { SubgraphEvents } from './events/subgraph-events';
import type { CallerIdentity } from './identity-header';
import { LoaderRegistry } from './loaders';
import { rowScopeOf, type RowScope } from './row-scope';
import { DependencyUnavailableError, type ServiceClient } from './service-client';

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<Store> {
  correlationId: string;
  store: Store;
  loaders: LoaderRegistry;
  /** Who calls, as the signed x-switchyard-identity header says (verified by the server). */
  caller: CallerIdentity;
  /** The rows the caller may see, passed into store filters and checked by the row rules. */
  rowScope: RowScope;
  /** Calls to the subgraphs this one depends on, signed `service:<subgraph>`, carrying this request's correlation id. */
  services: ServiceClient;
  /** The subgraph's exception queue, and `kick()` to publish the events a mutation wrote without waiting for the relay's poll. */
  events: SubgraphEvents;
}

/** What a subgraph's runtime adds to every context: its service client and its events. */
export interface ContextRuntime {
  services: ServiceClient;
  events: SubgraphEvents;
}

/** For in-process callers that bypass HTTP and its identity check (benchmarks): a service sees every row. */
export const IN_PROCESS_CALLER: CallerIdentity = {
  id: 'service:in-process',
  kind: 'service',
  scopes: [],
  tenant: null,
  exp: Number.MAX_SAFE_INTEGER,
};

/** The runtime of a schema served without openSubgraph (benchmarks, bare servers): no dependencies, no event runtime. */
export const DETACHED_RUNTIME: ContextRuntime = {
  services: {
    async query(subgraph) {
      throw new DependencyUnavailableError(
        subgraph,
        'unknown-subgraph',
        'this server runs without a service client',
      );
    },
  },
  events: {
    kick() {},
    get exceptions(): never {
      throw new Error('this server runs without an event runtime (open it with openSubgraph)');
    },
  },
};

export function createContext<Store>(
  store: Store,
  correlationId: string,
  caller: CallerIdentity = IN_PROCESS_CALLER,
  runtime: ContextRuntime = DETACHED_RUNTIME,
): SubgraphContext<Store> {
  return {
    correlationId,
    store,
    loaders: new LoaderRegistry(),
    caller,
    rowScope: rowScopeOf(caller),
    services: withCorrelationId(runtime.services, correlationId),
    events: runtime.events,
  };
}

/** `services` whose calls carry `correlationId` unless a call names another. */
export function withCorrelationId(services: ServiceClient, correlationId: string): ServiceClient {
  return {
    query: (subgraph, query, variables, options) =>
      services.query(subgraph, query, variables, {
        ...options,
        correlationId: options?.correlationId ?? correlationId,
      }),
  };
}
