import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GraphQLError, getLocation, parse as parseGraphQL, Source, type ASTNode } from 'graphql';
import { composeServices } from '@apollo/composition';
import { printSchema } from '@apollo/federation-internals';

/** One subgraph as `supergraph.yaml` (rover's format) lists it. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** Reads rover's supergraph config: each subgraph's routing URL and SDL file (relative to the config file). */
export function readSupergraphConfig(configPath: string): SubgraphSource[] {
  const config = parse(fs.readFileSync(configPath, 'utf8')) as {
    subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
  };
  if (!config?.subgraphs || typeof config.subgraphs !== 'object')
    throw new Error(`${configPath}: no "subgraphs" section`);
  return Object.entries(config.subgraphs).map(([name, entry]) => {
    if (!entry?.routing_url)
      throw new Error(`${configPath}: subgraph "${name}" has no routing_url`);
    if (!entry.schema?.file)
      throw new Error(
        `${configPath}: subgraph "${name}" has no schema.file (introspection is not used)`,
      );
    const file = path.resolve(path.dirname(configPath), entry.schema.file);
    return { name, url: entry.routing_url, sdl: fs.readFileSync(file, 'utf8') };
  });
}

/** Where a composition error points: a subgraph's SDL, line and column (1-based). */
export interface CompositionErrorLocation {
  subgraph?: string;
  line: number;
  column: number;
}

/** One composition error, as @apollo/composition reports it (`code` is its error code, e.g. INVALID_FIELD_SHARING). */
export interface CompositionError {
  message: string;
  code?: string;
  locations?: CompositionErrorLocation[];
}

/** A composition's outcome as data: the supergraph and its API schema, or every error with its locations. */
export type SupergraphComposition =
  | { ok: true; supergraphSdl: string; apiSchemaSdl: string }
  | { ok: false; errors: CompositionError[] };

/**
 * Composes subgraphs without throwing: an SDL that does not parse, or a composition error, comes back
 * as errors located in the subgraphs' SDL (the registry reports them to the schema owner).
 */
export function composeSubgraphs(subgraphs: SubgraphSource[]): SupergraphComposition {
  const services = [];
  for (const s of subgraphs) {
    try {
      // Named sources: each error node's location says which subgraph's SDL it is in.
      services.push({
        name: s.name,
        url: s.url,
        typeDefs: parseGraphQL(new Source(s.sdl, s.name)),
      });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return {
        ok: false,
        errors: [
          {
            message: `[${s.name}] ${error.message}`,
            code: 'INVALID_GRAPHQL',
            locations: (error.locations ?? []).map((l) => ({ subgraph: s.name, ...l })),
          },
        ],
      };
    }
  }
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map(compositionErrorOf) };
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema()),
  };
}

function compositionErrorOf(error: GraphQLError): CompositionError {
  const code = error.extensions?.code;
  const located = (error.nodes ?? []).flatMap((node: ASTNode) =>
    node.loc
      ? [{ subgraph: node.loc.source.name, ...getLocation(node.loc.source, node.loc.start) }]
      : [],
  );
  const locations = located.length > 0 ? located : (error.locations ?? []).map((l) => ({ ...l }));
  return {
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(locations.length > 0 ? { locations } : {}),
  };
}

/** Composes subgraphs into a supergraph SDL, or throws with every composition error. */
export function composeSupergraph(subgraphs: SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parseGraphQL(s.sdl) })),
  );
  if (result.errors) {
    throw new Error(
      `composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`,
    );
  }
  return result.supergraphSdl;
}

/** A supergraph SDL from either a rover config (.yaml/.yml, composed here) or an already composed supergraph file. */
export function loadSupergraph(file: string): string {
  return /\.ya?ml$/i.test(file)
    ? composeSupergraph(readSupergraphConfig(file))
    : fs.readFileSync(file, 'utf8');
}
