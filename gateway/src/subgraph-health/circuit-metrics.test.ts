import { Registry } from 'prom-client';
import { registerCircuitMetrics } from './circuit-metrics';
import { SubgraphHealth } from './subgraph-health';

test('each subgraph circuit is a gauge on /metrics: 0 closed, 2 open, with its failures in a row', async () => {
  const registry = new Registry();
  const health = new SubgraphHealth({ failureThreshold: 2, openMs: 1_000, maxOpenMs: 30_000 });
  registerCircuitMetrics(registry, health);
  health.circuitOf('orders').succeeded();
  health.circuitOf('finance').failed();
  health.circuitOf('finance').failed();
  const text = await registry.metrics();
  expect(text).toContain('switchyard_subgraph_circuit_state{subgraph="orders"} 0');
  expect(text).toContain('switchyard_subgraph_circuit_state{subgraph="finance"} 2');
  expect(text).toContain('switchyard_subgraph_consecutive_failures{subgraph="finance"} 2');
});
