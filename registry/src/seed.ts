/** Seeds an empty registry with the subgraphs a rover supergraph config lists (what `npm start` runs from). */
import { readSupergraphConfig } from '@switchyard/gateway/src/supergraph-config';
import type { RegistryService } from './registry-service';

/** Writes the config's subgraphs as version 1 when the registry holds none; true when it did. */
export function seedFromSupergraphConfig(service: RegistryService, file: string): Promise<boolean> {
  return service.seed(readSupergraphConfig(file), 'seed');
}
