import { Counter, type Registry } from 'prom-client';

/**
 * Whether a subgraph operation may share an identical call already in flight: a query only. A
 * document that does not plainly start as one query (a mutation or subscription anywhere, fragments
 * first) is never shared: when in doubt, the call is made.
 */
export function isShareableOperation(document: string): boolean {
  return STARTS_AS_QUERY.test(document) && !OTHER_OPERATION.test(document);
}

const STARTS_AS_QUERY = /^\s*(?:query\b|\{)/;
const OTHER_OPERATION = /\b(?:mutation|subscription)\b/;

/**
 * The key of identical calls: everything the subgraph decides its answer by. The signed identity
 * header (one per consumer's identity and subgraph: two consumers share only when the subgraph could
 * not tell them apart), the headers @apollo/gateway asks to send (`forwarded`), and the body's exact
 * text (document, variables, operation name, extensions). The client keeps one map per subgraph.
 */
export function shareKeyOf(identityHeader: string, forwarded: string, body: string): string {
  return `${identityHeader}\n${forwarded}\n${body}`;
}

/** Subgraph calls answered by an identical call already in flight instead of being sent, by subgraph, for the gateway's life. */
export class SharedCallCounts {
  private readonly counts = new Map<string, number>();

  count(subgraph: string): void {
    this.counts.set(subgraph, (this.counts.get(subgraph) ?? 0) + 1);
  }

  bySubgraph(): ReadonlyMap<string, number> {
    return this.counts;
  }
}

/** `switchyard_subgraph_shared_requests_total{subgraph}` on the gateway's metrics registry, read from `counts` when scraped. */
export function registerSharedCallMetrics(registry: Registry, counts: SharedCallCounts): void {
  new Counter({
    name: 'switchyard_subgraph_shared_requests_total',
    help: 'Subgraph requests not sent because an identical query of the same identity was in flight: its answer was shared (SUBGRAPH_DEDUPLICATION)',
    labelNames: ['subgraph'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [subgraph, count] of counts.bySubgraph()) this.inc({ subgraph }, count);
    },
  });
}
