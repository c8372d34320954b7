import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitSnapshot,
  type CircuitState,
} from './circuit-breaker';

/** Told each change of a subgraph's circuit. */
export type CircuitChangeListener = (
  subgraph: string,
  from: CircuitState,
  circuit: CircuitSnapshot,
) => void;

/**
 * The circuit of each subgraph the gateway calls, one per subgraph name for the gateway's life (a
 * supergraph swap keeps what was learnt of a subgraph): what the subgraph clients consult and
 * report to, and what /readyz and /metrics read.
 */
export class SubgraphHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private listener?: CircuitChangeListener;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now?: () => number,
  ) {}

  circuitOf(subgraph: string): CircuitBreaker {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, this.now, (from, circuit) =>
        this.listener?.(subgraph, from, circuit),
      );
      this.breakers.set(subgraph, breaker);
    }
    return breaker;
  }

  /** Who is told each change of any circuit (the gateway's log); one listener, set once the log exists. */
  onChange(listener: CircuitChangeListener): void {
    this.listener = listener;
  }

  /** Every known subgraph's circuit, by name. */
  circuits(): Record<string, CircuitSnapshot> {
    return Object.fromEntries(
      [...this.breakers].map(([name, breaker]) => [name, breaker.snapshot()]),
    );
  }
}
