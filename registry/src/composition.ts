/**
 * Composition for the registry: the gateway's own composition (one implementation, so what the
 * registry accepts is what gateways load), as data rather than a throw. Runs in the registry only,
 * never on a gateway's request path.
 */
import { composeSubgraphs } from '@switchyard/gateway/src/supergraph-config';
import type { Composition, SubgraphVersionRef } from './checks/check-report';

/** Composes the subgraphs, in name order (the same set gives the same supergraph SDL). */
export function compose(subgraphs: SubgraphVersionRef[]): Composition {
  return composeSubgraphs(
    [...subgraphs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
}

/** The subgraphs with `candidate` in place of its current version (or added, for a new subgraph). */
export function withCandidate(
  current: SubgraphVersionRef[],
  candidate: SubgraphVersionRef,
): SubgraphVersionRef[] {
  return [...current.filter((s) => s.name !== candidate.name), candidate];
}
