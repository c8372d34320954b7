/**
 * The schemas a supergraph serves, as the gateway derives them: the API schema, its governance
 * directives (read by the gateway's directive index, whatever names the subgraphs import them
 * under), and each contract variant (the gateway's own contract filter, not a copy of it).
 */
import type { GraphQLSchema } from 'graphql';
import { SupergraphSource } from '@switchyard/gateway';
import { contractSchemaOf } from '@switchyard/gateway/src/governance/contracts/contract-schema';
import type { SupergraphDirectives } from '@switchyard/gateway/src/supergraph-directives';
import type { CheckPolicy } from './check-policy';

export const API_SCHEMA = 'api';

export interface SchemaVariants {
  api: GraphQLSchema;
  directives: SupergraphDirectives;
  /** Contract name → its schema; null when it exposes nothing; an Error when it cannot be built from this supergraph. */
  contracts: Map<string, GraphQLSchema | null | Error>;
}

/** The variants of a supergraph, or null for an empty registry's "before" (nothing served yet). */
export function schemaVariantsOf(
  supergraphSdl: string,
  policy: CheckPolicy,
): SchemaVariants | null {
  if (supergraphSdl.trim() === '') return null;
  const source = new SupergraphSource(supergraphSdl);
  const api = source.apiSchema();
  const directives = source.directives;
  const contracts = new Map<string, GraphQLSchema | null | Error>();
  for (const [name, filter] of Object.entries(policy.contracts)) {
    try {
      contracts.set(name, contractSchemaOf(api, directives.tags, filter));
    } catch (error) {
      contracts.set(name, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return { api, directives, contracts };
}

/** The schema a consumer is served: its contract's (null: nothing; Error: unbuildable), else the API schema. */
export function schemaOfConsumer(
  variants: SchemaVariants,
  contract: string | null,
): GraphQLSchema | null | Error {
  if (!contract) return variants.api;
  return variants.contracts.get(contract) ?? null;
}
