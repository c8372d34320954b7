import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitSnapshot,
} from './circuit-breaker';

/**
 * The circuit of each subgraph the gateway calls, one per subgraph name for the gateway's life (a
 * supergraph swap keeps what was learnt of a subgraph): what the subgraph clients consult and
 * report to, and what /readyz and /metrics read.
 */
export class SubgraphHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now?: () => number,
  ) {}

  circuitOf(subgraph: string): CircuitBreaker {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, this.now);
      this.breakers.set(subgraph, breaker);
    }
    return breaker;
  }

  /** Every known subgraph's circuit, by name. */
  circuits(): Record<string, CircuitSnapshot> {
    return Object.fromEntries(
      [...this.breakers].map(([name, breaker]) => [name, breaker.snapshot()]),
    );
  }
}
