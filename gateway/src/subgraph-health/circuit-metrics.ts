import { Gauge, type Registry } from 'prom-client';
import type { CircuitState } from './circuit-breaker';
import type { SubgraphHealth } from './subgraph-health';

/** The gauge's value of each state: 0 is healthy, so `> 0` alerts on any circuit not closed. */
export const CIRCUIT_STATE_VALUES: Record<CircuitState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/**
 * `switchyard_subgraph_circuit_state{subgraph}` (0 closed, 1 half-open, 2 open) and
 * `switchyard_subgraph_consecutive_failures{subgraph}` on the gateway's metrics registry, read from
 * the circuits when scraped.
 */
export function registerCircuitMetrics(registry: Registry, health: SubgraphHealth): void {
  new Gauge({
    name: 'switchyard_subgraph_circuit_state',
    help: "State of each subgraph's circuit breaker: 0 closed (called), 1 half-open (one probe in flight), 2 open (not called)",
    labelNames: ['subgraph'] as const,
    registers: [registry],
    collect() {
      for (const [subgraph, circuit] of Object.entries(health.circuits()))
        this.set({ subgraph }, CIRCUIT_STATE_VALUES[circuit.state]);
    },
  });
  new Gauge({
    name: 'switchyard_subgraph_consecutive_failures',
    help: 'Failed calls in a row to each subgraph (unreachable, past its deadline, or a 5xx)',
    labelNames: ['subgraph'] as const,
    registers: [registry],
    collect() {
      for (const [subgraph, circuit] of Object.entries(health.circuits()))
        this.set({ subgraph }, circuit.consecutiveFailures);
    },
  });
}
