import { Counter, type Registry } from 'prom-client';
import { InflightCall } from './inflight-call';

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
 * Who asks, as far as the subgraph can tell: the signed identity header (one per consumer identity
 * and subgraph: two consumers share a call only when the subgraph could not tell them apart) and the
 * headers @apollo/gateway asks to send (`forwarded`, none on Switchyard's own executor).
 */
export function askerOf(identityHeader: string, forwarded: string): string {
  return forwarded ? `${identityHeader}\n${forwarded}` : identityHeader;
}

/**
 * The calls to one subgraph in flight that identical queries may join: by asker, then by the body's
 * exact text (document, variables, operation name, extensions). Two maps rather than one joined key,
 * so a body of many kilobytes is hashed as it is instead of copied into a key. A call is held only
 * while in flight: nothing is kept once it ended.
 */
export class InflightCalls {
  private readonly byAsker = new Map<string, Map<string, InflightCall>>();

  get(asker: string, body: string): InflightCall | undefined {
    return this.byAsker.get(asker)?.get(body);
  }

  /** Holds `call` until it ends (a newer call for the same request replaces it for later joiners). */
  hold(asker: string, body: string): InflightCall {
    let calls = this.byAsker.get(asker);
    if (!calls) this.byAsker.set(asker, (calls = new Map()));
    const held = calls;
    const call = new InflightCall((ended) => {
      if (held.get(body) !== ended) return;
      held.delete(body);
      if (held.size === 0 && this.byAsker.get(asker) === held) this.byAsker.delete(asker);
    });
    calls.set(body, call);
    return call;
  }

  /** Calls in flight (for tests). */
  get size(): number {
    let size = 0;
    for (const calls of this.byAsker.values()) size += calls.size;
    return size;
  }
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
