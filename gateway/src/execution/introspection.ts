import { executeSync, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { ResultObject } from './result-tree';

/**
 * The operation's `__schema`/`__type` root fields answered from the API schema (what clients may
 * see, not the supergraph), with graphql-js's own introspection resolvers: no subgraph is asked.
 */
export function introspectionResult(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): { data: ResultObject | null; errors: readonly GraphQLError[] } {
  const result = executeSync({ schema, document, variableValues: variables });
  return {
    data: (result.data as ResultObject | null | undefined) ?? null,
    errors: result.errors ?? [],
  };
}
