/** Seeds an empty registry with the subgraphs a rover supergraph config lists (what `npm start` runs from). */
import { readSupergraphConfig } from '@switchyard/gateway/src/supergraph-config';
import type { RegistryService } from './registry-service';

/**
 * Writes the config's subgraphs as version 1 when the registry holds none; true when it did.
 * `routingUrls` (by subgraph name) replace the config's routing URLs, as SUBGRAPH_URL_<NAME> does at
 * the gateway: supergraph.yaml says 127.0.0.1, where containers do not answer each other.
 */
export function seedFromSupergraphConfig(
  service: RegistryService,
  file: string,
  routingUrls: Record<string, string> = {},
): Promise<boolean> {
  const subgraphs = readSupergraphConfig(file).map((subgraph) => ({
    ...subgraph,
    url: routingUrls[subgraph.name] ?? subgraph.url,
  }));
  return service.seed(subgraphs, 'seed');
}
