/**
 * A cheap twin of a subgraph: the same SDL (so the same federation behaviour: `_entities`,
 * `_service`, keys), with resolvers that answer from recorded JSON in memory, so a gateway talking
 * to it pays for its own work, not for SQLite or the subgraph's business logic.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isObjectType, parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { fieldKey, stableKey, type RecordedData } from './recorded-data';

type Resolvers = Record<
  string,
  Record<
    string,
    GraphQLFieldResolver<any, unknown> | ((reference: Record<string, unknown>) => unknown)
  >
>;

export function inMemorySubgraphSchema(sdl: string, data: RecordedData): GraphQLSchema {
  const typeDefs = parse(sdl);
  const bare = buildSubgraphSchema(typeDefs);
  const queryType = bare.getQueryType();
  const resolvers: Resolvers = {};
  for (const type of Object.values(bare.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    const typeResolvers: Resolvers[string] = {};
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (type === queryType)
        typeResolvers[field.name] = (_root: unknown, args: Record<string, unknown>) =>
          data.root[fieldKey(field.name, args)] ?? null;
      else if (field.args.length > 0)
        typeResolvers[field.name] = (
          source: Record<string, unknown>,
          args: Record<string, unknown>,
        ) => source[fieldKey(field.name, args)];
    }
    const entities = data.entities[type.name];
    if (entities)
      typeResolvers.__resolveReference = (reference: Record<string, unknown>) =>
        entities[stableKey(reference)] ?? null;
    if (Object.keys(typeResolvers).length > 0) resolvers[type.name] = typeResolvers;
  }
  return buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
}
