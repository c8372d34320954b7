import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subgraphSdl } from '@switchyard/kit';
import { composeSupergraph, readSupergraphConfig } from '@switchyard/gateway';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../scripts/subgraphs';

const root = path.resolve(__dirname, '..');

test.each(SUBGRAPH_NAMES)(
  'subgraphs/%s/schema.graphql is the SDL its code builds (run `npm run schemas` after a change)',
  async (name) => {
    const { schema } = await loadSubgraphDefinition(name);
    const committed = fs.readFileSync(path.join(root, 'subgraphs', name, 'schema.graphql'), 'utf8');
    expect(committed).toBe(subgraphSdl(schema));
  },
);

test('supergraph.yaml lists the six subgraphs and they compose without errors', () => {
  const sources = readSupergraphConfig(path.join(root, 'supergraph.yaml'));
  expect(sources.map((s) => s.name)).toEqual([...SUBGRAPH_NAMES]);
  const supergraph = composeSupergraph(sources);
  for (const type of [
    'Customer',
    'Product',
    'Warehouse',
    'Order',
    'Shipment',
    'Invoice',
    'Payment',
  ]) {
    expect(supergraph).toMatch(new RegExp(`type ${type}\\b`));
  }
});

test('a supergraph config naming a missing schema file is refused with the subgraph named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-'));
  const config = path.join(dir, 'supergraph.yaml');
  fs.writeFileSync(config, 'subgraphs:\n  ghost:\n    routing_url: http://127.0.0.1:1/graphql\n');
  expect(() => readSupergraphConfig(config)).toThrow(/subgraph "ghost" has no schema.file/);
});
