/**
 * `npm run compose [-- --config supergraph.yaml --out supergraph.graphql]`: composes the subgraphs
 * listed in rover's supergraph config into a supergraph SDL file, or prints why it cannot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../config';
import { composeSupergraph, readSupergraphConfig } from '../supergraph-config';

const { values } = parseArgs({ options: { config: { type: 'string' }, out: { type: 'string' } } });
const configFile = path.resolve(values.config ?? path.join(REPO_ROOT, 'supergraph.yaml'));
const outFile = path.resolve(values.out ?? path.join(REPO_ROOT, 'supergraph.graphql'));
try {
  fs.writeFileSync(outFile, composeSupergraph(readSupergraphConfig(configFile)));
  console.log(
    `composed ${path.relative(process.cwd(), configFile)} into ${path.relative(process.cwd(), outFile)}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
