/**
 * Writes each subgraph's SDL (printed from its Pothos schema, with federation directives)
 * to subgraphs/<name>/schema.graphql, the file supergraph.yaml points at.
 * Usage: tsx scripts/write-schemas.ts [name ...]   (default: all six)
 */
import fs from 'node:fs';
import path from 'node:path';
import { subgraphSdl } from '@switchyard/kit';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from './subgraphs';

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : SUBGRAPH_NAMES;
  for (const name of names) {
    const definition = await loadSubgraphDefinition(name);
    const file = path.resolve(__dirname, '..', 'subgraphs', name, 'schema.graphql');
    fs.writeFileSync(file, subgraphSdl(definition.schema));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
