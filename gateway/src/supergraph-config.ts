import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parse as parseGraphQL } from 'graphql';
import { composeServices } from '@apollo/composition';

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
